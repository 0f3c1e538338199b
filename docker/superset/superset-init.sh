#!/usr/bin/env bash
# One-shot set-up of Superset for the bi profile (the superset-init service): metadata schema,
# admin user, default roles, and the "drugtrade" database pointing read-only at the serving
# warehouse. Safe to run again: each step leaves what already exists as it is, and the
# database's URI is set to DRUGTRADE_SERVING_URI each time.
set -euo pipefail

: "${SUPERSET_ADMIN_USERNAME:?SUPERSET_ADMIN_USERNAME is not set}"
: "${SUPERSET_ADMIN_PASSWORD:?SUPERSET_ADMIN_PASSWORD is not set}"
: "${DRUGTRADE_SERVING_URI:?DRUGTRADE_SERVING_URI is not set}"

superset db upgrade
superset fab create-admin \
    --username "${SUPERSET_ADMIN_USERNAME}" \
    --firstname Superset \
    --lastname Admin \
    --email "${SUPERSET_ADMIN_USERNAME}@localhost" \
    --password "${SUPERSET_ADMIN_PASSWORD}"
superset init
superset set-database-uri -d drugtrade -u "${DRUGTRADE_SERVING_URI}"
echo "superset-init: database 'drugtrade' -> ${DRUGTRADE_SERVING_URI}"
