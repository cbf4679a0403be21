"""Queued custom training requests (Enterprise plans): ``./tunetrail train --requests`` takes them one after another,
most urgent first, until the queue is empty. A standing worker (issue 13 §4) replaces this DAG."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, cli

with DAG(
    "tunetrail_training_requests",
    description="run the queued custom training requests until the queue is empty",
    schedule=timedelta(minutes=10),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": 1},
    dagrun_timeout=timedelta(hours=4),
    tags=["tunetrail", "batch"],
    doc_md=__doc__,
):
    cli("run_queued_requests", "train --requests")
