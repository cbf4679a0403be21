"""``tunetrail_data_quality`` end to end: the runner executes the DAG's tasks (``./tunetrail quality check`` per check)
against the running local stack, on a small world of its own (a fresh database, fresh topics and a fresh offline
store, filled by ``./tunetrail generate`` and ``./tunetrail land``). Every check passes and is recorded; then tracks
are removed from the catalog and the referential check's task fails, by name.

Needs the local stack (``./tunetrail test`` starts it before the Python tests) and the built modules.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "airflow-dags" / "runner" / "run_dag.py"
# The stack's settings as the CLI resolved them (./tunetrail test passes its configuration on), else its defaults.
PG_HOST = os.environ.get("TUNETRAIL_POSTGRES_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TUNETRAIL_POSTGRES_PORT", "15432")
PG_USER = os.environ.get("TUNETRAIL_POSTGRES_USER", "tunetrail")
PG_PASSWORD = os.environ.get("TUNETRAIL_POSTGRES_PASSWORD", "tunetrail")
KAFKA = os.environ.get("TUNETRAIL_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
REDIS_HOST = os.environ.get("TUNETRAIL_REDIS_HOST", "127.0.0.1")
REDIS_PORT = os.environ.get("TUNETRAIL_REDIS_PORT", "16379")
TOPICS = ("interactions", "usage", "dead-letter", "usage-hourly", "usage-daily", "sessions")


def psql(database: str, sql: str) -> str:
    url = f"postgresql://{PG_USER}:{PG_PASSWORD}@{PG_HOST}:{PG_PORT}/{database}"
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], capture_output=True, text=True)
    assert done.returncode == 0, f"psql failed: {done.stderr.strip()} (is the local stack running?)"
    return done.stdout.strip()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    unique = uuid.uuid4().hex[:8]
    database = f"it_dqdag_{unique}"
    lake = tmp_path_factory.mktemp("lake")
    psql("postgres", f"CREATE DATABASE {database}")
    env = {**os.environ, "TUNETRAIL_POSTGRES_DATABASE": database, "TUNETRAIL_OFFLINE_STORE": str(lake)}
    for topic in TOPICS:
        # Fresh topics: the world never reads or writes the stack's own.
        env["TUNETRAIL_KAFKA_TOPIC_" + topic.upper().replace("-", "_")] = f"it-dqdag-{unique}-{topic}"
    for verb in (["generate", "--scale", "0.01", "--orgs", "2", "--days", "3"], ["land"]):
        done = subprocess.run(["./tunetrail", *verb], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"./tunetrail {' '.join(verb)} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    airflow_env = {
        **os.environ,
        "AIRFLOW_CONN_TUNETRAIL_POSTGRES": f"postgresql://{PG_USER}:{PG_PASSWORD}@{PG_HOST}:{PG_PORT}/{database}",
        "AIRFLOW_CONN_TUNETRAIL_KAFKA": f"kafka://{KAFKA}",
        "AIRFLOW_CONN_TUNETRAIL_REDIS": f"redis://{REDIS_HOST}:{REDIS_PORT}",
        "AIRFLOW_VAR_TUNETRAIL_HOME": str(ROOT),
        "AIRFLOW_VAR_TUNETRAIL_OFFLINE_STORE": str(lake),
    }
    yield database, airflow_env
    psql("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def run_dag(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUNNER), "tunetrail_data_quality", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_every_check_passes_on_a_fresh_world_and_is_recorded(world):
    database, env = world
    done = run_dag(env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert '"check_ledger": "success"' in done.stdout.splitlines()[-1]
    recorded = psql(database, "SELECT check_name || '=' || bool_and(passed) FROM data_quality_results "
                              "GROUP BY check_name ORDER BY check_name").splitlines()
    assert recorded == ["freshness=true", "ledger=true", "nulls=true", "ranges=true", "referential=true",
                        "row_counts=true"]


def test_tracks_missing_from_the_catalog_fail_the_referential_task_by_name(world):
    database, env = world
    # One org's whole catalog: every event of that org now names a track the catalog lacks.
    psql(database, "DELETE FROM tracks WHERE org_id = (SELECT min(org_id) FROM tracks)")
    done = run_dag(env, "--only", "check_referential")
    assert done.returncode == 1
    assert "run_dag: tunetrail_data_quality failed: task check_referential failed" in done.stderr
    assert "quality check referential failed" in done.stdout
    failed = "SELECT count(*) FROM data_quality_results WHERE check_name = 'referential' AND NOT passed"
    assert psql(database, failed) == "1"
