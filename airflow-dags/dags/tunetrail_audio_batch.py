"""Audio analysis in bulk: every catalog track whose registered audio (``track_audio``, from ``./tunetrail analyze
--register-only`` or the API) has no analysis of those bytes by the current analyser is analysed by the batch job
``audio-analysis`` (Spark, in parallel over the executors) into the Delta table ``audio_analyses`` and the PostgreSQL
tables the API reads. Hourly, so uploads are analysed within the hour; a run with nothing new commits nothing. The
nightly chain runs the same job before ``audio-embeddings``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG
from tunetrail_lib import DEFAULT_ARGS, batch, deadline

DAG_ID = "tunetrail_audio_batch"

with DAG(
    DAG_ID,
    description="analyse registered audio that has no analysis by the current analyser",
    schedule="15 * * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=3),
    deadline=deadline(DAG_ID, timedelta(hours=2)),
    tags=["tunetrail", "batch", "audio"],
    doc_md=__doc__,
):
    batch("analyse_registered_audio", "audio-analysis")
