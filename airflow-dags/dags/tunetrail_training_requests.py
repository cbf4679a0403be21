"""Queued custom training requests (Enterprise plans), handed to the standing job worker: ``./tunetrail worker --once``
joins the workers already running (if any) in taking the queue's jobs, most urgent plan first within each org's plan
concurrency, and exits once no job is queued or running anywhere, so the task ends when the requests have."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, cli

with DAG(
    "tunetrail_training_requests",
    description="hand the queued custom training requests to the job worker and wait until none is left",
    schedule=timedelta(minutes=10),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": 1},
    dagrun_timeout=timedelta(hours=4),
    tags=["tunetrail", "batch"],
    doc_md=__doc__,
):
    cli("run_queued_requests", "worker --once --id airflow-{{ ts_nodash }}")
