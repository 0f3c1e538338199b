"""drugtrade: a data warehouse of the drug trade in the Americas."""

__version__ = "0.1.0"
