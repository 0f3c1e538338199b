#!/usr/bin/env bash
# One-shot set-up of Superset for the bi profile (the superset-init service), the same steps as
# `make bi` (drugtrade/bi): metadata schema, roles, admin user, then the project's datasets,
# charts and dashboards (docker/superset/assets, bundled by drugtrade/bi/assets.py with the
# serving file's column descriptions), which also register the "drugtrade" database with the
# read-only URI DRUGTRADE_SERVING_URI. Safe to run again: the import updates what it made before.
set -euo pipefail

: "${SUPERSET_ADMIN_USERNAME:?SUPERSET_ADMIN_USERNAME is not set}"
: "${SUPERSET_ADMIN_PASSWORD:?SUPERSET_ADMIN_PASSWORD is not set}"
: "${DRUGTRADE_SERVING_URI:?DRUGTRADE_SERVING_URI is not set}"
: "${DRUGTRADE_SERVING_DB:?DRUGTRADE_SERVING_DB is not set}"
BI_CODE=/app/drugtrade_bi
ASSETS=/app/drugtrade_assets
BUNDLE=/app/superset_home/drugtrade-assets.zip

superset db upgrade
superset init
if ! superset fab list-users | grep -q "username:${SUPERSET_ADMIN_USERNAME} "; then
  superset fab create-admin \
      --username "${SUPERSET_ADMIN_USERNAME}" \
      --firstname Superset \
      --lastname Admin \
      --email "${SUPERSET_ADMIN_USERNAME}@localhost" \
      --password "${SUPERSET_ADMIN_PASSWORD}"
fi
if [ ! -f "${DRUGTRADE_SERVING_DB}" ]; then
  echo "superset-init: no serving warehouse at ${DRUGTRADE_SERVING_DB}: run the pipeline first" >&2
  exit 1
fi
python "${BI_CODE}/assets.py" "${ASSETS}/drugtrade.yml" "${DRUGTRADE_SERVING_DB}" "${DRUGTRADE_SERVING_URI}" "${BUNDLE}"
python "${BI_CODE}/superset_import.py" "${BUNDLE}" "${SUPERSET_ADMIN_USERNAME}" /app/superset_home/drugtrade-assets.json
echo "superset-init: database 'drugtrade' -> ${DRUGTRADE_SERVING_URI}; dashboards imported"
