"""Normalisation of published labels and quantities: countries to ISO 3166 alpha-3, units to the
warehouse's units (kg, ha, t), drug labels to the drug vocabulary, number cells to Decimals."""
