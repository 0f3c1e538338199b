# The drugtrade Airflow image: Airflow's slim image, the providers this stack uses (celery,
# postgres, fab) and the drugtrade package, every Python dependency pinned by constraints.txt
# (the project's pins, `pip freeze` of the development environment) and by
# docker/constraints-image.txt (the pins of what only the image installs: the three providers
# and their dependencies; regenerate it with docker/freeze-image-constraints.sh). Nothing is
# installed when a container starts (no _PIP_ADDITIONAL_REQUIREMENTS).
#
# The slim image rather than the full one: the full image ships some sixty providers whose own
# pins could clash with ours; the slim one holds only core Airflow, so one pip resolution with
# our constraints decides every version, and `pip check` at the end proves the set consistent.
#
# Build: docker compose build   (or: docker build -t drugtrade-airflow:local .)
FROM apache/airflow:slim-3.3.2-python3.11

# Where the drugtrade code lives in the image (drugtrade/config.py reads these). The compose
# file sets the same values and may mount the checkout over the code folders.
ENV DRUGTRADE_PROJECT_ROOT=/opt/drugtrade \
    DRUGTRADE_WAREHOUSE=/opt/drugtrade/warehouse \
    DRUGTRADE_REGISTRY=/opt/drugtrade/sources/registry.yml \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/drugtrade/dags \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    DO_NOT_TRACK=1

USER root
# Owned by airflow, group 0 and group-writable, like the base image's own folders, so the stack
# runs under any uid in group 0 (AIRFLOW_UID). An empty named volume mounted on warehouse/
# starts out with this ownership.
RUN mkdir -p /opt/drugtrade/warehouse /opt/drugtrade/docker \
 && chown -R airflow:0 /opt/drugtrade \
 && chmod -R g+rwX /opt/drugtrade
USER airflow

# Dependencies in a layer of their own, rebuilt only when pyproject.toml or the pins change,
# not on every code edit: the requirement list is read from pyproject.toml itself.
COPY --chown=airflow:0 pyproject.toml constraints.txt /opt/drugtrade/
COPY --chown=airflow:0 docker/constraints-image.txt /opt/drugtrade/docker/constraints-image.txt
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("/opt/drugtrade/pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/drugtrade-requirements.txt \
 && pip install --no-cache-dir \
        --constraint /opt/drugtrade/constraints.txt \
        --constraint /opt/drugtrade/docker/constraints-image.txt \
        "apache-airflow[celery,postgres,fab]==${AIRFLOW_VERSION}" \
        --requirement /tmp/drugtrade-requirements.txt \
 && rm /tmp/drugtrade-requirements.txt

# The package itself, editable: drugtrade/vocab/drugs.py and drugtrade/normalize/countries_seed.py find
# dbt_project/seeds beside the package, as in a checkout, and a checkout mounted over
# /opt/drugtrade/drugtrade (docker-compose.yml) is the code that runs.
COPY --chown=airflow:0 drugtrade /opt/drugtrade/drugtrade
RUN pip install --no-cache-dir --no-deps --constraint /opt/drugtrade/constraints.txt --editable /opt/drugtrade \
 && pip check

COPY --chown=airflow:0 dags /opt/drugtrade/dags
COPY --chown=airflow:0 dbt_project /opt/drugtrade/dbt_project
COPY --chown=airflow:0 expectations /opt/drugtrade/expectations
COPY --chown=airflow:0 sources /opt/drugtrade/sources
COPY --chown=airflow:0 docker/airflow-init.sh /opt/drugtrade/docker/airflow-init.sh
