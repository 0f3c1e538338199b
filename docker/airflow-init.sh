#!/usr/bin/env bash
# One-shot set-up of the drugtrade Airflow stack, run by the airflow-init service as root before
# any other Airflow service starts (they wait for it to exit 0):
#   1. hand the named volumes (warehouse, logs) to AIRFLOW_UID, so the services can write them;
#   2. under CeleryExecutor, make sure the broker answers: without the celery profile, tasks
#      would otherwise sit queued for ever with nothing saying why;
#   3. migrate the metadata database and create the admin user (the image's /entrypoint does
#      both, driven by _AIRFLOW_DB_MIGRATE and _AIRFLOW_WWW_USER_*);
#   4. create the duckdb_writer pool with one slot: DuckDB allows one writer per file, and every
#      task that writes the warehouse runs in this pool.
set -euo pipefail

uid="${AIRFLOW_UID:-50000}"
warehouse="${DRUGTRADE_WAREHOUSE:?DRUGTRADE_WAREHOUSE is not set}"
logs="${AIRFLOW_HOME:-/opt/airflow}/logs"
pool="duckdb_writer"
pool_description="One writer per DuckDB file: every task that writes the warehouse takes this slot"

echo "drugtrade init: ${warehouse} and ${logs} for uid ${uid}"
mkdir -p "${warehouse}" "${logs}"
# Only what another uid owns is changed, so a restart does not rewrite a large warehouse.
find "${warehouse}" "${logs}" ! -user "${uid}" -exec chown "${uid}:0" {} +

executor="${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
if [[ "${executor}" == "CeleryExecutor" ]]; then
    broker="${AIRFLOW__CELERY__BROKER_URL:?CeleryExecutor needs AIRFLOW__CELERY__BROKER_URL}"
    address="${broker#*://}"
    address="${address##*@}"
    address="${address%%/*}"
    host="${address%%:*}"
    port="${address##*:}"
    [[ "${port}" == "${address}" ]] && port=6379
    echo "drugtrade init: CeleryExecutor; waiting for the broker at ${host}:${port}"
    for _ in $(seq 1 30); do
        if (exec 3<>"/dev/tcp/${host}/${port}") 2>/dev/null; then
            broker_up=yes
            break
        fi
        sleep 2
    done
    if [[ "${broker_up:-no}" != "yes" ]]; then
        echo "drugtrade init: AIRFLOW__CORE__EXECUTOR is CeleryExecutor but no broker answers at" \
             "${host}:${port} after 60 s. Start the celery profile with it:" >&2
        echo "  docker compose --env-file docker/celery.env --profile celery up -d" >&2
        exit 1
    fi
fi

echo "drugtrade init: metadata database and admin user"
/entrypoint airflow version

echo "drugtrade init: pool ${pool}"
airflow pools set "${pool}" 1 "${pool_description}"
airflow pools get "${pool}"
echo "drugtrade init: done"
