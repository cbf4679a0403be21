"""Streaming health every 15 minutes: the Flink jobs' consumer lag, checkpoint age and dead-letter rate.

``./tunetrail health streaming`` measures them and exits non-zero naming every measure over its ``health.*`` limit;
the failure callback then sends the alert (no retries: a retry would only delay it).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, cli

with DAG(
    "tunetrail_streaming_health",
    description="consumer lag, checkpoint age and dead-letter rate of the Flink jobs, alerting over limits",
    schedule=timedelta(minutes=15),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": 0, "execution_timeout": timedelta(minutes=5)},
    dagrun_timeout=timedelta(minutes=10),
    tags=["tunetrail", "streaming"],
    doc_md=__doc__,
):
    cli("measure_streaming_health", "health streaming")
