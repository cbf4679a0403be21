"""Data quality checks on the offline store and PostgreSQL, one task per check, so a failure names its check.

Each task runs ``./tunetrail quality check --check NAME``, which records its results in PostgreSQL's
``data_quality_results`` and exits non-zero when the check fails; the failure callback sends the alert. Limits are
the platform configuration's ``quality.*`` keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, cli, deadline

DAG_ID = "tunetrail_data_quality"
# batch-training/.../quality/QualityChecks.ALL, in its order (a test keeps the two in step).
CHECKS = ("freshness", "row_counts", "nulls", "ranges", "referential", "ledger")

with DAG(
    DAG_ID,
    description="freshness, row counts, nulls, ranges, referential integrity, ledger = sum of usage_daily",
    schedule="0 7 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    # A failed check is a finding, not a flake: retry once for an infrastructure hiccup, then alert.
    default_args={**DEFAULT_ARGS, "retries": 1, "execution_timeout": timedelta(minutes=30)},
    dagrun_timeout=timedelta(hours=2),
    deadline=deadline(DAG_ID, timedelta(hours=1)),
    tags=["tunetrail", "quality"],
    doc_md=__doc__,
):
    for name in CHECKS:
        cli(f"check_{name}", f"quality check --check {name}")
