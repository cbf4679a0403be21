"""Runs one TuneTrail DAG's tasks here, in topological order, with the real commands: Airflow without Airflow.

Airflow cannot be installed on the project's machines, so this loads a DAG file against the test stand-in of the
Airflow modules (``airflow-dags/tests/stubs``), renders each task's templated fields with Jinja as Airflow would
(``{{ ds }}``, ``{{ var.value.x }}``, ``{{ conn.x.host }}``, ``{{ params.x }}``), and executes it: a BashOperator
as ``bash -c`` with its ``env`` and ``cwd``, a ``@task`` function in this process, a mapped task once per mapped
value, passing return values (XCom) downstream. Variables and Connections come from the environment, as Airflow's
own environment backend reads them: ``AIRFLOW_VAR_<KEY>`` and ``AIRFLOW_CONN_<ID>`` (a URI such as
``postgresql://user:pass@127.0.0.1:15432/tunetrail``).

What it does not do: scheduling, retries (a task runs once; its retry settings are Airflow's business), pools,
SparkSubmitOperator (set ``TUNETRAIL_DAG_ENGINE=cli``, the default, so batch jobs run through ``./tunetrail``).
A failed task calls its ``on_failure_callback`` like Airflow, its downstream tasks are not run, and the runner exits 1
naming it. Usage::

    python3 airflow-dags/runner/run_dag.py tunetrail_data_quality [--date 2026-03-04] [--only TASK[,TASK]]

The last line of output is one JSON object: the DAG id, the logical date and each task's state.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
DAGS = HERE.parent / "dags"
STUBS = HERE.parent / "tests" / "stubs"


class RunnerError(Exception):
    """A one-line reason the runner cannot go on (exit 2: bad input)."""


class Connection:
    """What ``{{ conn.<id> }}`` gives a template: Airflow's Connection fields, from an ``AIRFLOW_CONN_*`` URI."""

    def __init__(self, conn_id: str, uri: str) -> None:
        parts = urlsplit(uri)
        if not parts.scheme or not parts.hostname:
            raise RunnerError(f"AIRFLOW_CONN_{conn_id.upper()} is not a URI with a host: {uri!r}")
        self.conn_id = conn_id
        self.conn_type = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.schema = unquote(parts.path.lstrip("/"))
        self.login = unquote(parts.username or "")
        self.password = unquote(parts.password or "")


class _Connections:
    def __getattr__(self, conn_id: str) -> Connection:
        uri = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
        if uri is None:
            raise RunnerError(f"connection {conn_id} is not set: export AIRFLOW_CONN_{conn_id.upper()}=<uri>")
        return Connection(conn_id, uri)


class _Values:
    def __getattr__(self, key: str) -> str:
        return self.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        value = os.environ.get(f"AIRFLOW_VAR_{key.upper()}", default)
        if value is None:
            raise RunnerError(f"variable {key} is not set: export AIRFLOW_VAR_{key.upper()}=<value>")
        return value


class _Variables:
    value = _Values()


class TaskInstance:
    """The parts of Airflow's task instance a callback or template reads."""

    def __init__(self, dag_id: str, task_id: str, map_index: int = -1) -> None:
        self.dag_id = dag_id
        self.task_id = task_id
        self.map_index = map_index
        self.try_number = 1


def load_dag(dag_id: str, folder: Path = DAGS) -> Any:
    """Imports ``<folder>/<dag_id>.py`` against the stand-in and returns its DAG."""
    for path in (str(STUBS), str(folder)):
        if path not in sys.path:
            sys.path.insert(0, path)
    from airflow.sdk import Variable, _DagContext

    prefix = "AIRFLOW_VAR_"
    Variable._values = {k[len(prefix):].lower(): v for k, v in os.environ.items() if k.startswith(prefix)}
    file = folder / f"{dag_id}.py"
    if not file.is_file():
        known = sorted(p.stem for p in folder.glob("*.py"))
        raise RunnerError(f"no DAG {dag_id!r} in {folder}; known: {', '.join(known)}")
    _DagContext.registered.clear()
    spec = importlib.util.spec_from_file_location(f"dagfile_{dag_id}", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dags = [d for d in _DagContext.registered if d.dag_id == dag_id]
    if not dags:
        raise RunnerError(f"{file} defines no DAG with the id {dag_id}")
    return dags[0]


def topological(dag: Any) -> list[Any]:
    """The tasks in an order where every task comes after its upstream tasks (declaration order among equals)."""
    order, done = [], set()
    pending = list(dag.tasks)
    while pending:
        ready = [t for t in pending if t.upstream_task_ids <= done]
        if not ready:
            raise RunnerError(f"the DAG {dag.dag_id} has a cycle among {[t.task_id for t in pending]}")
        for t in ready:
            order.append(t)
            done.add(t.task_id)
            pending.remove(t)
    return order


class Runner:
    def __init__(self, dag: Any, logical_date: date, out: Any = sys.stdout) -> None:
        import jinja2

        self.dag = dag
        self.out = out
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined)
        start = datetime(logical_date.year, logical_date.month, logical_date.day, tzinfo=timezone.utc)
        self.context = {
            "ds": logical_date.isoformat(),
            "ds_nodash": logical_date.strftime("%Y%m%d"),
            "logical_date": start,
            "data_interval_start": start,
            "data_interval_end": start + timedelta(days=1),
            "run_id": f"manual__{start.isoformat()}",
            "dag": dag,
            "params": {k: getattr(v, "value", v) for k, v in dag.params.items()},
            "var": _Variables(),
            "conn": _Connections(),
        }
        self.xcom: dict[str, Any] = {}
        self.states: dict[str, str] = {}

    def render(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.env.from_string(value).render(**self.context)
        if isinstance(value, list):
            return [self.render(v) for v in value]
        if isinstance(value, dict):
            return {k: self.render(v) for k, v in value.items()}
        return value

    def resolve(self, value: Any) -> Any:
        from airflow.sdk import XComArg

        if isinstance(value, XComArg):
            result = self.xcom[value.operator.task_id]
            return [value.mapper(v) for v in result] if value.mapper else result
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def run(self, only: set[str] | None = None) -> bool:
        for task in topological(self.dag):
            if only and task.task_id not in only:
                continue
            failed_up = [u for u in task.upstream_task_ids if self.states.get(u) in ("failed", "upstream_failed")]
            if failed_up:
                self.states[task.task_id] = "upstream_failed"
                self.say(f"{task.task_id}: upstream_failed ({', '.join(sorted(failed_up))})")
                continue
            self.states[task.task_id] = self.run_task(task)
        return all(s == "success" for s in self.states.values())

    def run_task(self, task: Any) -> str:
        from airflow.sdk import MappedOperator

        self.say(f"{task.task_id}: running")
        try:
            if isinstance(task, MappedOperator):
                self.xcom[task.task_id] = self.run_mapped(task)
            else:
                self.xcom[task.task_id] = self.execute(task, TaskInstance(self.dag.dag_id, task.task_id))
            self.say(f"{task.task_id}: success")
            return "success"
        except TaskFailed as e:
            self.say(f"{task.task_id}: failed: {e}")
            if not e.reported:
                self.on_failure(task, e)
            return "failed"

    def on_failure(self, task: Any, failure: TaskFailed) -> None:
        callback = task.on_failure_callback
        for cb in callback if isinstance(callback, list) else [callback] if callback else []:
            cb({**self.context, "ti": failure.ti, "task_instance": failure.ti, "exception": failure})

    def run_mapped(self, task: Any) -> list[Any]:
        from airflow.sdk import _DagContext

        mapped = {name: self.resolve(value) for name, value in task.expand_kwargs.items()}
        lengths = {len(v) for v in mapped.values()}
        if len(lengths) != 1:
            ti = TaskInstance(self.dag.dag_id, task.task_id)
            raise TaskFailed(f"mapped arguments of different lengths {lengths}", ti)
        results, failed = [], []
        for index in range(lengths.pop()):
            kwargs = {k: v for k, v in task.partial_kwargs.items() if k != "dag"}
            saved, _DagContext.current = _DagContext.current, []
            try:
                op = task.operator_class(**kwargs, **{name: values[index] for name, values in mapped.items()})
            finally:
                _DagContext.current = saved
            # Values from XCom are not templates (as in Airflow): render the partial's fields only.
            try:
                results.append(self.execute(op, TaskInstance(self.dag.dag_id, task.task_id, index), skip=set(mapped)))
            except TaskFailed as e:
                # As in Airflow, one failed instance does not stop the others; each alerts on its own.
                self.say(f"{task.task_id}[{index}]: failed: {e}")
                self.on_failure(task, e)
                failed.append(index)
                results.append(None)
        if failed:
            raise TaskFailed(f"map indexes {failed} failed", TaskInstance(self.dag.dag_id, task.task_id), reported=True)
        return results

    def execute(self, op: Any, ti: Any, skip: set[str] = frozenset()) -> Any:
        from airflow.providers.standard.operators.bash import BashOperator
        from airflow.sdk import _PythonDecoratedOperator

        try:
            for field in op.template_fields:
                if field not in skip and getattr(op, field, None) is not None:
                    setattr(op, field, self.render(getattr(op, field)))
        except RunnerError:
            raise
        except Exception as e:  # a template that does not render fails the task, as in Airflow
            raise TaskFailed(f"rendering the templates failed: {e}", ti) from e
        if isinstance(op, BashOperator):
            return self.bash(op, ti)
        if isinstance(op, _PythonDecoratedOperator):
            try:
                return op.python_callable(*self.resolve(op.op_args), **self.resolve(op.op_kwargs))
            except Exception as e:
                raise TaskFailed(f"{type(e).__name__}: {e}", ti) from e
        raise RunnerError(f"{op.task_id}: the runner does not run {type(op).__name__}; "
                          "run the DAGs with TUNETRAIL_DAG_ENGINE=cli (the default)")

    def bash(self, op: Any, ti: Any) -> str | None:
        env = {**os.environ, **(op.env or {})} if op.append_env or op.env is None else dict(op.env)
        env.update({"AIRFLOW_CTX_DAG_ID": self.dag.dag_id, "AIRFLOW_CTX_TASK_ID": ti.task_id,
                    "AIRFLOW_CTX_LOGICAL_DATE": self.context["logical_date"].isoformat()})
        self.say(f"  $ {op.bash_command}" + (f"   (map index {ti.map_index})" if ti.map_index >= 0 else ""))
        proc = subprocess.Popen(["bash", "-c", op.bash_command], cwd=op.cwd, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        last = None
        for line in proc.stdout:
            line = line.rstrip("\n")
            self.say(f"  | {line}")
            if line.strip():
                last = line
        code = proc.wait()
        skip = op.skip_on_exit_code
        skip_codes = skip if isinstance(skip, (list, tuple, set)) else [] if skip is None else [skip]
        if code in skip_codes:
            raise TaskFailed(f"exit code {code}: skipped", ti)
        if code != 0:
            raise TaskFailed(f"Bash command failed. The command returned a non-zero exit code {code}: {last}", ti)
        return op.output_processor(last) if op.do_xcom_push else None

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)


class TaskFailed(Exception):
    def __init__(self, message: str, ti: Any, reported: bool = False) -> None:
        super().__init__(message)
        self.ti = ti
        # True when the failure callbacks already ran (per map index).
        self.reported = reported


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dag_id")
    parser.add_argument("--date", default=None, help="logical date YYYY-MM-DD (default: yesterday, UTC)")
    parser.add_argument("--only", default=None, help="run only these tasks (comma-separated ids)")
    parser.add_argument("--dags-folder", default=str(DAGS), help="where the DAG files are (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        try:
            day = date.fromisoformat(args.date) if args.date else datetime.now(timezone.utc).date() - timedelta(days=1)
        except ValueError:
            raise RunnerError(f"--date needs YYYY-MM-DD, got {args.date!r}") from None
        dag = load_dag(args.dag_id, Path(args.dags_folder))
        only = set(args.only.split(",")) if args.only else None
        unknown = (only or set()) - set(dag.task_ids)
        if unknown:
            raise RunnerError(f"no task {', '.join(sorted(unknown))} in {dag.dag_id}; tasks: {', '.join(dag.task_ids)}")
        runner = Runner(dag, day)
        ok = runner.run(only)
    except RunnerError as e:
        print(f"run_dag: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"dag_id": dag.dag_id, "logical_date": day.isoformat(), "states": runner.states}))
    if not ok:
        failed = [t for t, s in runner.states.items() if s == "failed"]
        print(f"run_dag: {dag.dag_id} failed: task {', '.join(failed)} failed (output above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
