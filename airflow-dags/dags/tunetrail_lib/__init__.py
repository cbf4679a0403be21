"""What the TuneTrail DAGs share: how a task runs a ``./tunetrail`` verb or the batch jar, retries, alerts.

Nothing here reads a Variable, a Connection or a file when imported: every setting is a Jinja template that Airflow
renders when the task runs (``{{ var.value.* }}``, ``{{ conn.* }}``), so the scheduler parses the DAGs without I/O.
"""

from __future__ import annotations

import os
import shlex
from datetime import timedelta
from typing import Any

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import XComArg, task
from airflow.sdk.definitions.deadline import AsyncCallback, DeadlineAlert, DeadlineReference

from tunetrail_lib.alerts import alert_on_failure, deadline_missed

# Which operator runs the batch jobs, chosen per Airflow deployment (an environment variable of the scheduler and
# workers, read without I/O): "cli" runs ./tunetrail on the worker (Spark local[*] in a JVM of its own),
# "spark-submit" submits the batch-training jar to the cluster of the `tunetrail_spark` Connection.
ENGINES = ("cli", "spark-submit")
ENGINE = os.environ.get("TUNETRAIL_DAG_ENGINE", "cli")
if ENGINE not in ENGINES:
    raise ValueError(f"TUNETRAIL_DAG_ENGINE={ENGINE!r} is not one of {', '.join(ENGINES)}; unset it for cli")

BATCH_MAIN = "io.tunetrail.batch.BatchJobsMain"
# Spark on Java 17 needs these on the driver and the executors (../shared/STACK.md gotcha 3; the same list as the
# parent pom's spark.jvm.flags).
SPARK_JAVA_OPTIONS = " ".join(
    [f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio", "java.util",
        "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar")]
    + ["--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
       "-Dio.netty.tryReflectionSetAccessible=true"])

# The platform's configuration (model/.../PlatformConfig.java keys as TUNETRAIL_* variables), from Airflow
# Connections and Variables rendered when the task runs.
PLATFORM_ENV = {
    "TUNETRAIL_POSTGRES_HOST": "{{ conn.tunetrail_postgres.host }}",
    "TUNETRAIL_POSTGRES_PORT": "{{ conn.tunetrail_postgres.port }}",
    "TUNETRAIL_POSTGRES_DATABASE": "{{ conn.tunetrail_postgres.schema }}",
    "TUNETRAIL_POSTGRES_USER": "{{ conn.tunetrail_postgres.login }}",
    "TUNETRAIL_POSTGRES_PASSWORD": "{{ conn.tunetrail_postgres.password }}",
    "TUNETRAIL_KAFKA_BOOTSTRAP_SERVERS": "{{ conn.tunetrail_kafka.host }}:{{ conn.tunetrail_kafka.port }}",
    "TUNETRAIL_REDIS_HOST": "{{ conn.tunetrail_redis.host }}",
    "TUNETRAIL_REDIS_PORT": "{{ conn.tunetrail_redis.port }}",
    "TUNETRAIL_OFFLINE_STORE": "{{ var.value.tunetrail_offline_store }}",
}

# Retries with exponential backoff (2, 4, 8 minutes, at most 30), a bound on every task, an alert on every failure.
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "data-platform",
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=3),
    "on_failure_callback": alert_on_failure,
}


def deadline(dag_id: str, after: timedelta) -> DeadlineAlert:
    """Airflow 3.1's successor of SLAs: alert when a run is not done ``after`` it was queued."""
    return DeadlineAlert(reference=DeadlineReference.DAGRUN_QUEUED_AT, interval=after,
                         callback=AsyncCallback(deadline_missed, kwargs={"dag_id": dag_id}))


def cli(task_id: str, command: str, **kwargs: Any) -> BashOperator:
    """A task that runs ``./tunetrail <command>`` in the repository named by the ``tunetrail_home`` Variable."""
    return BashOperator(task_id=task_id, bash_command=f"./tunetrail {command}", cwd="{{ var.value.tunetrail_home }}",
                        env=PLATFORM_ENV, append_env=True, **kwargs)


def batch(task_id: str, job: str, extra: list[str] | None = None, **kwargs: Any) -> BashOperator | SparkSubmitOperator:
    """One batch job (``land``, a nightly job, or ``all`` for the whole chain) for all orgs, run by ENGINE."""
    args = _job_args(job) + (extra or [])
    if ENGINE == "cli":
        return cli(task_id, _cli_command(job, extra or []), **kwargs)
    return SparkSubmitOperator(task_id=task_id, application_args=args, **_spark_kwargs(job), **kwargs)


def batch_per_org(task_id: str, job: str, orgs: XComArg, extra: list[str] | None = None, **kwargs: Any) -> Any:
    """One nightly job mapped over ``orgs`` (dynamic task mapping): one task instance per org, retried alone."""
    tail = list(extra or [])
    if ENGINE == "cli":
        # Mapped values come from XCom and are not templated, so the templated parts stay in partial().
        return BashOperator.partial(task_id=task_id, cwd="{{ var.value.tunetrail_home }}", env=PLATFORM_ENV,
                                    append_env=True, **kwargs).expand(
            bash_command=orgs.map(_org_command(job, tail)))
    return SparkSubmitOperator.partial(task_id=task_id, **_spark_kwargs(job), **kwargs).expand(
        application_args=orgs.map(_org_args(job, tail)))


def _job_args(job: str) -> list[str]:
    return ["--all"] if job == "all" else ["--job", job]


def _cli_command(job: str, extra: list[str]) -> str:
    """The ``./tunetrail`` verb and options that run ``job``."""
    verb = "land" if job == "land" else "train --all" if job == "all" else f"train --job {job}"
    return " ".join([verb, *extra])


def _org_command(job: str, extra: list[str]) -> Any:
    def command(org: str) -> str:
        return " ".join(["./tunetrail", _cli_command(job, extra), "--org", shlex.quote(org)])

    return command


def _org_args(job: str, extra: list[str]) -> Any:
    def args(org: str) -> list[str]:
        return [*_job_args(job), *extra, "--org", org]

    return args


def _spark_kwargs(job: str) -> dict[str, Any]:
    return {
        "application": "{{ var.value.tunetrail_batch_jar }}",
        "java_class": BATCH_MAIN,
        "conn_id": "tunetrail_spark",
        "name": f"tunetrail-{job}",
        "conf": {"spark.driver.extraJavaOptions": SPARK_JAVA_OPTIONS,
                 "spark.executor.extraJavaOptions": SPARK_JAVA_OPTIONS},
        "env_vars": PLATFORM_ENV,
    }


@task
def org_list(line: str) -> list[str]:
    """The orgs from ``./tunetrail train --list-orgs``'s last line (``{"orgs": [...], ...}``)."""
    import json

    orgs = json.loads(line)["orgs"]
    if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
        raise ValueError(f"expected a list of org ids, got {line!r}")
    return orgs
