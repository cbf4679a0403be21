"""Closed usage periods → the billing meter sync (issue 13 §1): each closed UTC day of each org's metered resources in
PostgreSQL's ``usage_ledger`` (written by ``land`` in the nightly DAG) becomes one Stripe billing meter event, then the
reconciliation compares what Stripe's meters hold with what we counted.

``sync`` runs ``./tunetrail billing sync``: a day already sent is never sent again (``billing_meter_reports``) and each
meter event carries an identifier per org, resource and day that Stripe deduplicates, so a retried task sends nothing
twice; it exits non-zero when a day failed after its own retries with backoff, and the next run sends that day. The
``reconcile`` task prints the days where Stripe, our report and the ledger differ (the task log keeps the JSON). Runs
after the nightly chain's landing; orgs without a Stripe customer or a metered plan are skipped with a reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, cli, deadline

DAG_ID = "tunetrail_billing_sync"

with DAG(
    DAG_ID,
    description="closed usage days → Stripe billing meter events, then reconcile Stripe's meters with usage_ledger",
    # After the nightly DAG (02:00) has landed the day before into usage_ledger.
    schedule="0 5 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "execution_timeout": timedelta(minutes=30)},
    dagrun_timeout=timedelta(hours=2),
    deadline=deadline(DAG_ID, timedelta(hours=1)),
    tags=["tunetrail", "billing"],
    doc_md=__doc__,
):
    sync = cli("sync", "billing sync")
    reconcile = cli("reconcile", "billing reconcile")
    sync >> reconcile
