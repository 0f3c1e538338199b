#!/usr/bin/env bash
# One-shot set-up of the drugtrade Airflow stack, run before any other Airflow service starts,
# by both topologies with the same settings (docker/airflow.env):
#   - the compose file's airflow-init service, as root in the image (the others wait for it);
#   - `make stack` (drugtrade/stack.py), as plain processes on this machine.
# It does:
#   1. in the image only (AIRFLOW_UID set): hand the named volumes to AIRFLOW_UID;
#   2. under CeleryExecutor, make sure the broker answers: without it, tasks would otherwise
#      sit queued for ever with nothing saying why;
#   3. migrate the metadata database and create the admin user (in the image, its /entrypoint
#      does both, driven by _AIRFLOW_DB_MIGRATE and _AIRFLOW_WWW_USER_*; elsewhere the same
#      with the Airflow CLI);
#   4. create the pools, one slot each: DuckDB allows one writer per file (duckdb_writer), and
#      landing articles numbers versions against the lake (articles_lake_writer).
set -euo pipefail

warehouse="${DRUGTRADE_WAREHOUSE:?DRUGTRADE_WAREHOUSE is not set}"
# name=slots; drugtrade.orchestration.POOLS names the same (tests/test_dag_integrity.py checks it).
pools=("duckdb_writer=1" "articles_lake_writer=1")

mkdir -p "${warehouse}"
if [[ -n "${AIRFLOW_UID:-}" && "$(id -u)" == 0 ]]; then
    uid="${AIRFLOW_UID}"
    logs="${AIRFLOW_HOME:-/opt/airflow}/logs"
    echo "drugtrade init: ${warehouse} and ${logs} for uid ${uid}"
    mkdir -p "${logs}"
    # Only what another uid owns is changed, so a restart does not rewrite a large warehouse.
    find "${warehouse}" "${logs}" ! -user "${uid}" -exec chown "${uid}:0" {} +
fi

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
             "${host}:${port} after 60 s. Start the broker with it: with compose," >&2
        echo "  docker compose --env-file docker/celery.env --profile celery up -d" >&2
        echo "or on this machine: make stack EXECUTOR=celery" >&2
        exit 1
    fi
fi

echo "drugtrade init: metadata database and admin user"
if [[ -x /entrypoint ]]; then
    /entrypoint airflow version
else
    airflow db migrate
    user="${_AIRFLOW_WWW_USER_USERNAME:-airflow}"
    if ! airflow users list --output plain 2>/dev/null | awk '{print $2}' | grep -qx "${user}"; then
        airflow users create --username "${user}" --password "${_AIRFLOW_WWW_USER_PASSWORD:-airflow}" \
            --firstname Airflow --lastname Admin --role Admin --email "${user}@example.org"
    fi
fi

for entry in "${pools[@]}"; do
    pool="${entry%%=*}"
    slots="${entry#*=}"
    echo "drugtrade init: pool ${pool} (${slots} slot)"
    airflow pools set "${pool}" "${slots}" "drugtrade: one writer at a time (docker/airflow-init.sh)"
done
echo "drugtrade init: done"
