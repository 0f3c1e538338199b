"""The pipeline's steps as plain functions: each Airflow task calls one of them, and tests and
the command line call them without a scheduler."""
