"""Superset settings for the drugtrade `bi` profile (docker-compose.yml).

Superset's own metadata (users, charts, dashboards) is SQLite on the superset-home volume: one
team's Superset beside the pipeline, not a shared deployment. superset-init.sh registers the
warehouse as the database "drugtrade" with a read-only DuckDB URI; its volume is mounted
read-only as well, and Superset leaves DML off for a new database.
"""

import os

SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if not SECRET_KEY:
    # Superset would start with its built-in key and sign sessions with a value anyone knows.
    raise RuntimeError("superset_config: SUPERSET_SECRET_KEY is empty; set it in the environment or in .env")

SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URI", "sqlite:////app/superset_home/superset.db")
