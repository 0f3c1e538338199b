"""Superset settings for drugtrade: `make bi` (drugtrade/bi, Superset in .venv-superset) and the
compose `bi` profile (docker-compose.yml) read this same file.

Superset's own metadata (users, charts, dashboards) is SQLite in SUPERSET_HOME: one team's
Superset beside the pipeline, not a shared deployment. The warehouse is registered as the
database "drugtrade" with a read-only DuckDB URI (drugtrade.warehouse.query.serving_sqlalchemy_uri), and
Superset leaves DML off for it.
"""

import os

try:
    from cachelib.file import FileSystemCache  # a dependency of Superset's
except ModuleNotFoundError:  # read outside Superset's environment (tests/test_compose.py)
    FileSystemCache = None

SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if not SECRET_KEY:
    # Superset would start with its built-in key and sign sessions with a value anyone knows.
    raise RuntimeError("superset_config: SUPERSET_SECRET_KEY is empty; set it in the environment or in .env")

SUPERSET_HOME = os.environ.get("SUPERSET_HOME", "/app/superset_home")
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URI", f"sqlite:///{SUPERSET_HOME}/superset.db")

# Results of SQL Lab queries run asynchronously, and the chart-data cache: on disk in
# SUPERSET_HOME, so a BI session needs neither Redis nor a second process. A new serving file is
# seen on the next uncached query; the data cache expires after ten minutes (the pipeline
# publishes at most daily).
RESULTS_BACKEND = (FileSystemCache(os.path.join(SUPERSET_HOME, "sqllab_results"), default_timeout=86400)
                   if FileSystemCache else None)
CACHE_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": os.path.join(SUPERSET_HOME, "cache"),
    "CACHE_DEFAULT_TIMEOUT": 600,
}
DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_DIR": os.path.join(SUPERSET_HOME, "data_cache")}
FILTER_STATE_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_DIR": os.path.join(SUPERSET_HOME, "filter_state")}
EXPLORE_FORM_DATA_CACHE_CONFIG = {**CACHE_CONFIG, "CACHE_DIR": os.path.join(SUPERSET_HOME, "explore_state")}

# Usage analytics off. The built frontend of the PyPI wheel draws Scarf's tracking pixel in the
# menu whatever SCARF_ANALYTICS says (that variable only works when the frontend is built), so
# the content security policy below leaves Scarf's hosts out and the browser never fetches it.
SCARF_ANALYTICS = False
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}

# Nothing of Superset's own demo content, no thumbnails (they need a Celery worker and a browser).
FEATURE_FLAGS = {"THUMBNAILS": False, "ALERT_REPORTS": False, "DASHBOARD_NATIVE_FILTERS": True}
SUPERSET_WEBSERVER_TIMEOUT = 120
ROW_LIMIT = 50000
