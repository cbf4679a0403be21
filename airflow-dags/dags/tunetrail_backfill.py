"""Recompute past days: one run per day (``catchup``), each the whole nightly chain as of that day.

``./tunetrail train --all --as-of {{ ds }}`` reads the offline store's interactions as they stood at the end of the
run's logical day (Delta time travel), so a day recomputed twice gives the same rows, whatever was landed since.
The DAG is created paused; a range is run with ``airflow backfill create --dag-id tunetrail_backfill --from-date
2026-03-01 --to-date 2026-03-07`` (or by unpausing it, which catches up from ``start_date``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, batch

DAG_ID = "tunetrail_backfill"

with DAG(
    DAG_ID,
    description="the nightly chain as of each day of a range (Delta time travel)",
    schedule="@daily",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=True,
    is_paused_upon_creation=True,
    # Days one after another: each run registers model versions, and their order should follow the days'.
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=10),
    tags=["tunetrail", "batch", "backfill"],
    doc_md=__doc__,
):
    batch("chain_as_of_day", "all", extra=["--as-of", "{{ ds }}"])
