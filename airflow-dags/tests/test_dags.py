"""Every DAG file, loaded against the stand-in of Airflow: ids, schedules, task graphs, retries, deadlines, and that
importing one does no I/O (no file, socket, subprocess or Variable read while the scheduler parses it)."""

from __future__ import annotations

import builtins
import importlib
import re
import socket
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, MappedOperator, Variable, _DagContext
from airflow.sdk.definitions.deadline import DeadlineAlert

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "airflow-dags" / "dags"
DAG_FILES = sorted(p.stem for p in DAGS.glob("tunetrail_*.py"))


def _forbidden(what: str):
    def fail(*args, **kwargs):
        raise AssertionError(f"a DAG file did I/O while it was imported: {what}{args[:1]}")

    return fail


def load(name: str, engine: str | None = None) -> DAG:
    """Imports ``dags/<name>.py`` afresh, with every kind of I/O made to fail, and returns its DAG."""
    for module in [m for m in sys.modules if m == name or m.startswith("tunetrail_lib")]:
        del sys.modules[module]
    _DagContext.registered.clear()
    env = {"TUNETRAIL_DAG_ENGINE": engine} if engine else {}
    with mock.patch.dict("os.environ", env, clear=False), \
            mock.patch.object(builtins, "open", _forbidden("open")), \
            mock.patch.object(socket, "socket", _forbidden("socket")), \
            mock.patch.object(socket, "create_connection", _forbidden("create_connection")), \
            mock.patch.object(subprocess, "Popen", _forbidden("subprocess")), \
            mock.patch.object(urllib.request, "urlopen", _forbidden("urlopen")), \
            mock.patch.object(Variable, "get", _forbidden("Variable.get")):
        if engine is None:
            import os

            os.environ.pop("TUNETRAIL_DAG_ENGINE", None)
        importlib.import_module(name)
    dags = [d for d in _DagContext.registered if d.dag_id == name]
    assert len(dags) == 1, f"{name}.py must define exactly one DAG named {name}"
    return dags[0]


def edges(dag: DAG) -> set[tuple[str, str]]:
    return {(up, t.task_id) for t in dag.tasks for up in t.upstream_task_ids}


def test_every_dag_file_is_known_and_loads_without_io():
    assert DAG_FILES == ["tunetrail_audio_batch", "tunetrail_backfill", "tunetrail_billing_sync",
                         "tunetrail_data_quality", "tunetrail_nightly", "tunetrail_streaming_health",
                         "tunetrail_training_requests"]
    for name in DAG_FILES:
        dag = load(name)
        assert dag.dag_id == name
        assert "tunetrail" in dag.tags
        assert dag.doc_md, f"{name} documents itself"


def test_the_io_guard_catches_a_dag_that_reads_a_variable_while_imported(tmp_path, monkeypatch):
    (tmp_path / "tunetrail_bad.py").write_text(
        "from airflow.sdk import DAG, Variable\n"
        "with DAG('tunetrail_bad', schedule=None):\n"
        "    Variable.get('tunetrail_home')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AssertionError, match="Variable.get"):
        load("tunetrail_bad")


def test_audio_batch_runs_the_audio_analysis_job_hourly_one_run_at_a_time():
    dag = load("tunetrail_audio_batch")
    assert dag.schedule == "15 * * * *"
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert [t.task_id for t in dag.tasks] == ["analyse_registered_audio"]
    task = dag.get_task("analyse_registered_audio")
    assert task.bash_command == "./tunetrail train --job audio-analysis"
    assert task.retries == 3 and task.retry_exponential_backoff
    cluster = load("tunetrail_audio_batch", engine="spark-submit").get_task("analyse_registered_audio")
    assert cluster.application_args == ["--job", "audio-analysis"]
    assert cluster.java_class == "io.tunetrail.batch.BatchJobsMain"


def test_nightly_runs_the_chain_in_its_real_order_per_org():
    dag = load("tunetrail_nightly")
    assert dag.schedule == "0 2 * * *"
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert [type(d) for d in dag.deadline] == [DeadlineAlert]
    assert dag.deadline[0].interval == timedelta(hours=6)
    assert edges(dag) == {
        ("land", "list_orgs"), ("land", "als_global"), ("list_orgs", "org_list"),
        *{("org_list", t) for t in ("als", "track_similarity", "user_similarity", "genre_correlations",
                                    "temporal_patterns", "context_correlations", "audio_embeddings", "evaluate",
                                    "materialise")},
        ("als", "track_similarity"), ("als_global", "track_similarity"),
        ("als", "user_similarity"), ("als_global", "user_similarity"),
        ("als", "evaluate"), ("als_global", "evaluate"),
        ("evaluate", "materialise"), ("track_similarity", "materialise"), ("user_similarity", "materialise"),
        ("land", "catalog_snapshot"), ("evaluate", "marts"), ("catalog_snapshot", "marts"),
    }
    per_org = [t for t in dag.tasks if isinstance(t, MappedOperator)]
    assert sorted(t.task_id for t in per_org) == sorted(
        ["als", "track_similarity", "user_similarity", "genre_correlations", "temporal_patterns",
         "context_correlations", "audio_embeddings", "evaluate", "materialise"])
    als = dag.get_task("als")
    assert als.operator_class is BashOperator
    assert als.expand_kwargs["bash_command"].mapper("acme") == "./tunetrail train --job als --org acme"
    assert als.expand_kwargs["bash_command"].mapper("a b") == "./tunetrail train --job als --org 'a b'"
    assert dag.get_task("als_global").bash_command == "./tunetrail train --job als-global"
    assert dag.get_task("land").bash_command == "./tunetrail land"
    assert dag.get_task("catalog_snapshot").bash_command == "./tunetrail train --job catalog-snapshot"
    assert dag.get_task("marts").bash_command == "./tunetrail train --job marts"


def test_every_task_retries_with_exponential_backoff_and_alerts_on_failure():
    from tunetrail_lib.alerts import alert_on_failure

    for name in ("tunetrail_nightly", "tunetrail_backfill", "tunetrail_training_requests"):
        for t in load(name).tasks:
            assert t.retries >= 1, f"{name}.{t.task_id}"
            assert t.retry_exponential_backoff is True
            assert t.max_retry_delay == timedelta(minutes=30)
            assert t.execution_timeout is not None
            assert t.on_failure_callback.__qualname__ == alert_on_failure.__qualname__
    health = load("tunetrail_streaming_health").get_task("measure_streaming_health")
    assert health.retries == 0, "an alert must not wait for retries"


def test_nightly_submits_the_batch_jar_on_a_spark_cluster_when_told():
    dag = load("tunetrail_nightly", engine="spark-submit")
    als = dag.get_task("als")
    assert als.operator_class is SparkSubmitOperator
    assert als.partial_kwargs["java_class"] == "io.tunetrail.batch.BatchJobsMain"
    assert als.partial_kwargs["conn_id"] == "tunetrail_spark"
    executor_options = als.partial_kwargs["conf"]["spark.executor.extraJavaOptions"]
    assert "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" in executor_options
    assert als.expand_kwargs["application_args"].mapper("acme") == ["--job", "als", "--org", "acme"]
    land = dag.get_task("land")
    assert isinstance(land, SparkSubmitOperator) and land.application_args == ["--job", "land"]
    assert land.application == "{{ var.value.tunetrail_batch_jar }}"


def test_an_unknown_engine_fails_the_import_with_its_reason():
    with pytest.raises(ValueError, match="TUNETRAIL_DAG_ENGINE='k8s' is not one of cli, spark-submit"):
        load("tunetrail_nightly", engine="k8s")


def test_backfill_catches_up_day_by_day_as_of_each_day():
    dag = load("tunetrail_backfill")
    assert dag.schedule == "@daily"
    assert dag.catchup is True
    assert dag.start_date is not None
    assert dag.is_paused_upon_creation is True
    assert dag.max_active_runs == 1
    assert dag.get_task("chain_as_of_day").bash_command == "./tunetrail train --all --as-of {{ ds }}"
    spark = load("tunetrail_backfill", engine="spark-submit").get_task("chain_as_of_day")
    assert spark.application_args == ["--all", "--as-of", "{{ ds }}"]


def test_training_requests_hands_the_queue_to_the_worker_and_waits_one_run_at_a_time():
    dag = load("tunetrail_training_requests")
    assert dag.schedule == timedelta(minutes=10)
    assert dag.max_active_runs == 1
    assert [t.bash_command for t in dag.tasks] == ["./tunetrail worker --once --id airflow-{{ ts_nodash }}"]


def test_billing_sync_sends_closed_days_after_the_nightly_landing_then_reconciles():
    dag = load("tunetrail_billing_sync")
    nightly = load("tunetrail_nightly")
    assert nightly.schedule == "0 2 * * *" and dag.schedule == "0 5 * * *", "the sync follows the nightly landing"
    assert dag.max_active_runs == 1 and dag.catchup is False
    assert [t.bash_command for t in dag.tasks] == ["./tunetrail billing sync", "./tunetrail billing reconcile"]
    assert edges(dag) == {("sync", "reconcile")}
    sync = dag.get_task("sync")
    # A retried sync sends nothing twice, so retrying is safe.
    assert sync.retries == 3 and sync.retry_exponential_backoff
    assert sync.env["TUNETRAIL_POSTGRES_HOST"] == "{{ conn.tunetrail_postgres.host }}"
    assert dag.deadline


def test_data_quality_has_one_task_per_java_check_named_after_it():
    java = (ROOT / "batch-training/src/main/java/io/tunetrail/batch/quality").glob("*Check.java")
    names = {}
    for f in java:
        m = re.search(r'static final String NAME = "([a-z_]+)";', f.read_text())
        if m:
            names[f.stem] = m.group(1)
    registry = ROOT / "batch-training/src/main/java/io/tunetrail/batch/quality/QualityChecks.java"
    order = re.findall(r"new (\w+Check)\(\)", registry.read_text())
    dag = load("tunetrail_data_quality")
    assert [t.task_id for t in dag.tasks] == [f"check_{names[c]}" for c in order]
    assert all(t.bash_command == f"./tunetrail quality check --check {t.task_id[len('check_'):]}" for t in dag.tasks)
    assert edges(dag) == set(), "the checks are independent: one failing does not hide the others"
    assert dag.deadline and dag.max_active_runs == 1


def test_tasks_read_their_settings_from_variables_and_connections_when_they_run():
    task = load("tunetrail_data_quality").get_task("check_ledger")
    assert task.cwd == "{{ var.value.tunetrail_home }}"
    assert task.env["TUNETRAIL_POSTGRES_HOST"] == "{{ conn.tunetrail_postgres.host }}"
    kafka = "{{ conn.tunetrail_kafka.host }}:{{ conn.tunetrail_kafka.port }}"
    assert task.env["TUNETRAIL_KAFKA_BOOTSTRAP_SERVERS"] == kafka
    assert task.append_env is True
    assert set(task.template_fields) >= {"bash_command", "env", "cwd"}


# These tests pass removed arguments on purpose (ruff's AIR rules rightly flag them) to see the stand-in refuse them.
class TestTheStandInRefusesWhatAirflowRefuses:
    def test_an_unknown_operator_argument(self):
        with DAG("tunetrail_probe", schedule=None):
            with pytest.raises(TypeError, match="sla"):
                BashOperator(task_id="t", bash_command="true", sla=timedelta(hours=1))  # noqa: AIR311
            with pytest.raises(TypeError, match="bash_comand"):
                BashOperator(task_id="u", bash_command="true", bash_comand="true")

    def test_an_unknown_dag_argument_and_the_removed_sla_callback(self):
        with pytest.raises(TypeError):
            DAG("tunetrail_probe", schedule_interval="@daily")  # noqa: AIR301
        with pytest.raises(TypeError, match="removed in Airflow 3.0"):
            DAG("tunetrail_probe", schedule=None, sla_miss_callback=print)  # noqa: AIR311

    def test_catchup_without_a_start_date(self):
        with pytest.raises(ValueError, match="start_date is required"):
            DAG("tunetrail_probe", schedule="@daily", catchup=True)

    def test_a_mapped_argument_the_operator_does_not_have(self):
        with DAG("tunetrail_probe", schedule=None):
            with pytest.raises(TypeError, match="bash_cmd"):
                BashOperator.partial(task_id="m").expand(bash_cmd=["true"])
            with pytest.raises(TypeError, match="both"):
                BashOperator.partial(task_id="n", bash_command="x").expand(bash_command=["true"])

    def test_a_deadline_callback_that_is_not_awaitable(self):
        from airflow.sdk.definitions.deadline import AsyncCallback

        with pytest.raises(AttributeError, match="not awaitable"):
            AsyncCallback(print)
