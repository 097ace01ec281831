# The semtel image: Airflow 3.3 with semtel_core and its pinned dependencies (same constraints as CI).
FROM apache/airflow:3.3.2-python3.11
USER root
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
    && rm -rf /var/lib/apt/lists/*
USER airflow
COPY --chown=airflow:root setup.cfg setup.py pyproject.toml MANIFEST.in constraints.txt README.md /opt/semtel/
COPY --chown=airflow:root semtel_core /opt/semtel/semtel_core
COPY --chown=airflow:root prompts /opt/semtel/prompts
COPY --chown=airflow:root dags /opt/semtel/dags
COPY --chown=airflow:root plugins /opt/semtel/plugins
RUN pip install --no-cache-dir -c /opt/semtel/constraints.txt torch==2.13.0 \
    && pip install --no-cache-dir -c /opt/semtel/constraints.txt "/opt/semtel[airflow,spark,local,quality]"
