"""The nightly batch: land the topics, then the nightly chain's jobs as separate tasks, one task instance per org.

Order (``batch-training/.../nightly/NightlyJobs``): ``als`` per org and ``als_global`` (one model for all
community-edition orgs) → ``track_similarity`` and ``user_similarity`` (they read the ALS factors) → ``evaluate``
(reads the recommendations) → ``materialise`` (reads everything the ALS family wrote, promotes, serves). The four
analytics jobs read only the landed interactions and promote their own versions, so they run beside the ALS family.
``catalog_snapshot`` copies the catalog from PostgreSQL into its type 2 Delta tables (all orgs in one task: it reads
no landed data, and an org without plays has a catalog too); ``marts`` writes the BI marts after ``evaluate`` (the
model quality mart reads ``model_metrics``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, batch, batch_per_org, cli, deadline, org_list

DAG_ID = "tunetrail_nightly"
ANALYTICS = ("genre-correlations", "temporal-patterns", "context-correlations", "audio-embeddings")

with DAG(
    DAG_ID,
    description="land → ALS, similarities, analytics, evaluation, materialisation, per org; catalog snapshot, BI marts",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=10),
    deadline=deadline(DAG_ID, timedelta(hours=6)),
    tags=["tunetrail", "batch"],
    doc_md=__doc__,
):
    land = batch("land", "land")
    listed = cli("list_orgs", "train --list-orgs", retries=1)
    orgs = org_list(listed.output)
    # Per org, at most two Spark jobs at once: each is a JVM of its own with local[*] (cli engine).
    per_org = {"max_active_tis_per_dagrun": 2}
    als = batch_per_org("als", "als", orgs, **per_org)
    als_global = batch("als_global", "als-global")
    track_similarity = batch_per_org("track_similarity", "track-similarity", orgs, **per_org)
    user_similarity = batch_per_org("user_similarity", "user-similarity", orgs, **per_org)
    analytics = [batch_per_org(job.replace("-", "_"), job, orgs, **per_org) for job in ANALYTICS]
    evaluate = batch_per_org("evaluate", "evaluate", orgs, **per_org)
    materialise = batch_per_org("materialise", "materialise", orgs, **per_org)
    catalog_snapshot = batch("catalog_snapshot", "catalog-snapshot")
    marts = batch("marts", "marts")

    land >> [listed, als_global]
    [als, als_global] >> track_similarity
    [als, als_global] >> user_similarity
    [als, als_global] >> evaluate
    [evaluate, track_similarity, user_similarity] >> materialise
    land >> catalog_snapshot
    [evaluate, catalog_snapshot] >> marts
