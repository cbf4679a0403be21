"""Test-only stand-in for the parts of ``airflow.sdk`` (Airflow 3.1 Task SDK) the TuneTrail DAGs import.

Airflow cannot be installed on the project's machines, so the DAG tests load the DAG files against this package.
Its constructors take exactly the keyword arguments of Airflow's own (copied from apache/airflow:
``task-sdk/src/airflow/sdk/definitions/dag.py`` for ``DAG`` and ``task-sdk/src/airflow/sdk/bases/operator.py`` for
``BaseOperator``, minus ``sla``, which Airflow 3 removed), so a misspelt or removed argument fails here as it would
there. It records the task graph and does nothing else: no metadata database, no scheduling, no execution (the
runner in ``airflow-dags/runner`` executes tasks).
"""

from __future__ import annotations

import functools
import inspect
from datetime import datetime, timedelta
from typing import Any

__all__ = ["DAG", "BaseOperator", "MappedOperator", "Param", "Variable", "XComArg", "chain", "task"]


class _NotSet:
    def __repr__(self) -> str:
        return "NOTSET"


NOTSET: Any = _NotSet()
TRIGGER_RULES = frozenset({
    "all_success", "all_failed", "all_done", "all_done_setup_success", "one_success", "one_failed", "one_done",
    "none_failed", "none_skipped", "none_failed_min_one_success", "always", "all_skipped",
})


class _DagContext:
    current: list[DAG] = []
    # What `with DAG(...)` blocks created (auto_register), as Airflow's DagBag finds DAGs not bound to a name.
    registered: list[DAG] = []


class DAG:
    """``airflow.sdk.DAG``: the keyword arguments of Airflow 3.1's attrs class, in its order."""

    def __init__(
        self,
        dag_id: str,
        *,
        description: str | None = None,
        default_args: dict | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        schedule: Any = None,
        template_searchpath: Any = None,
        template_undefined: Any = None,
        user_defined_macros: dict | None = None,
        user_defined_filters: dict | None = None,
        max_active_tasks: int | None = None,
        max_active_runs: int | None = None,
        max_consecutive_failed_dag_runs: int | None = None,
        dagrun_timeout: timedelta | None = None,
        deadline: Any = None,
        sla_miss_callback: None = None,
        catchup: bool = False,
        on_success_callback: Any = None,
        on_failure_callback: Any = None,
        doc_md: str | None = None,
        params: dict | None = None,
        access_control: dict | None = None,
        is_paused_upon_creation: bool | None = None,
        jinja_environment_kwargs: dict | None = None,
        render_template_as_native_obj: bool = False,
        tags: Any = None,
        owner_links: dict | None = None,
        auto_register: bool = True,
        fail_fast: bool = False,
        dag_display_name: str | None = None,
        disable_bundle_versioning: bool = False,
    ) -> None:
        from airflow.sdk.definitions.deadline import DeadlineAlert

        if not isinstance(dag_id, str) or not dag_id.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise ValueError(f"invalid dag_id {dag_id!r}")
        if dagrun_timeout is not None and not isinstance(dagrun_timeout, timedelta):
            raise TypeError("dagrun_timeout must be a timedelta")
        if sla_miss_callback is not None:
            raise TypeError("sla_miss_callback was removed in Airflow 3.0; use deadline=DeadlineAlert(...)")
        deadlines = [] if deadline is None else [deadline] if isinstance(deadline, DeadlineAlert) else list(deadline)
        if not all(isinstance(d, DeadlineAlert) for d in deadlines):
            raise TypeError("deadline must be a DeadlineAlert or a list of them")
        if catchup and schedule is not None and start_date is None and "start_date" not in (default_args or {}):
            raise ValueError("start_date is required when catchup=True")
        self.dag_id = dag_id
        self.description = description
        self.default_args = dict(default_args or {})
        self.start_date = start_date
        self.end_date = end_date
        self.schedule = schedule
        self.max_active_tasks = max_active_tasks if max_active_tasks is not None else 16
        self.max_active_runs = max_active_runs if max_active_runs is not None else 16
        self.dagrun_timeout = dagrun_timeout
        self.deadline = deadlines
        self.catchup = catchup
        self.on_success_callback = on_success_callback
        self.on_failure_callback = on_failure_callback
        self.doc_md = doc_md
        self.params = dict(params or {})
        self.is_paused_upon_creation = is_paused_upon_creation
        self.tags = set(tags or [])
        self.fail_fast = fail_fast
        self.auto_register = auto_register
        self.task_dict: dict[str, BaseOperator | MappedOperator] = {}

    def __enter__(self) -> DAG:
        _DagContext.current.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _DagContext.current.pop()
        if self.auto_register:
            _DagContext.registered.append(self)

    @property
    def tasks(self) -> list:
        return list(self.task_dict.values())

    @property
    def task_ids(self) -> list[str]:
        return list(self.task_dict)

    def add_task(self, op: BaseOperator | MappedOperator) -> None:
        if op.task_id in self.task_dict:
            raise ValueError(f"task id {op.task_id!r} has already been added to the DAG {self.dag_id}")
        self.task_dict[op.task_id] = op

    def get_task(self, task_id: str) -> BaseOperator | MappedOperator:
        return self.task_dict[task_id]


class _Node:
    """Dependency wiring shared by operators, mapped operators and XCom references (``>>``, ``<<``)."""

    task_id: str
    dag: DAG | None

    def _init_node(self) -> None:
        self.upstream_task_ids: set[str] = set()
        self.downstream_task_ids: set[str] = set()

    def set_downstream(self, other: Any) -> None:
        for o in other if isinstance(other, (list, tuple)) else [other]:
            target = o.operator if isinstance(o, XComArg) else o
            self.downstream_task_ids.add(target.task_id)
            target.upstream_task_ids.add(self.task_id)

    def set_upstream(self, other: Any) -> None:
        for o in other if isinstance(other, (list, tuple)) else [other]:
            (o.operator if isinstance(o, XComArg) else o).set_downstream(self)

    def __rshift__(self, other: Any) -> Any:
        self.set_downstream(other)
        return other

    def __lshift__(self, other: Any) -> Any:
        self.set_upstream(other)
        return other

    def __rrshift__(self, other: Any) -> _Node:
        self.set_upstream(other)
        return self

    def __rlshift__(self, other: Any) -> _Node:
        self.set_downstream(other)
        return self

    @property
    def output(self) -> XComArg:
        return XComArg(self)


def _accepted(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for p in inspect.signature(getattr(init, "__wrapped__", init)).parameters.values():
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self":
                names.add(p.name)
    return names


def _current_dag(kwargs: dict) -> DAG | None:
    return kwargs.get("dag") or (_DagContext.current[-1] if _DagContext.current else None)


def _with_defaults(cls: type, kwargs: dict) -> dict:
    """Airflow's ``default_args``: the DAG's (then the task's own) fill in the arguments the operator accepts."""
    dag = _current_dag(kwargs)
    defaults = dict(dag.default_args) if dag else {}
    defaults.update(kwargs.get("default_args") or {})
    accepted = _accepted(cls)
    merged = {k: v for k, v in defaults.items() if k in accepted}
    merged.update(kwargs)
    return merged


class BaseOperator(_Node):
    """``airflow.sdk.BaseOperator``: Airflow 3.1's keyword arguments; anything else is refused."""

    template_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_applies_defaults", False):
            return

        @functools.wraps(init)
        def wrapper(self: BaseOperator, *args: Any, **kwargs: Any) -> None:
            if not getattr(self, "_defaults_applied", False):
                object.__setattr__(self, "_defaults_applied", True)
                kwargs = _with_defaults(type(self), kwargs)
            init(self, *args, **kwargs)

        wrapper._applies_defaults = True  # type: ignore[attr-defined]
        cls.__init__ = wrapper  # type: ignore[method-assign]

    def __init__(
        self,
        task_id: str,
        owner: str = "airflow",
        email: Any = None,
        email_on_retry: bool = True,
        email_on_failure: bool = True,
        retries: int | None = 0,
        retry_delay: timedelta | float = timedelta(seconds=300),
        retry_exponential_backoff: bool = False,
        max_retry_delay: timedelta | float | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        depends_on_past: bool = False,
        ignore_first_depends_on_past: bool = True,
        wait_for_past_depends_before_skipping: bool = False,
        wait_for_downstream: bool = False,
        dag: DAG | None = None,
        params: dict | None = None,
        default_args: dict | None = None,
        priority_weight: int = 1,
        weight_rule: str = "downstream",
        queue: str = "default",
        pool: str | None = None,
        pool_slots: int = 1,
        execution_timeout: timedelta | None = None,
        on_execute_callback: Any = None,
        on_failure_callback: Any = None,
        on_success_callback: Any = None,
        on_retry_callback: Any = None,
        on_skipped_callback: Any = None,
        pre_execute: Any = None,
        post_execute: Any = None,
        trigger_rule: str = "all_success",
        resources: dict | None = None,
        run_as_user: str | None = None,
        map_index_template: str | None = None,
        max_active_tis_per_dag: int | None = None,
        max_active_tis_per_dagrun: int | None = None,
        executor: str | None = None,
        executor_config: dict | None = None,
        do_xcom_push: bool = True,
        multiple_outputs: bool = False,
        inlets: Any = None,
        outlets: Any = None,
        task_group: Any = None,
        doc: str | None = None,
        doc_md: str | None = None,
        doc_json: str | None = None,
        doc_yaml: str | None = None,
        doc_rst: str | None = None,
        task_display_name: str | None = None,
        logger_name: str | None = None,
        allow_nested_operators: bool = True,
    ) -> None:
        if execution_timeout is not None and not isinstance(execution_timeout, timedelta):
            raise ValueError("execution_timeout must be a timedelta")
        if trigger_rule not in TRIGGER_RULES:
            raise ValueError(f"unknown trigger_rule {trigger_rule!r}")
        self._init_node()
        self.task_id = task_id
        self.owner = owner
        self.retries = retries
        self.retry_delay = retry_delay if isinstance(retry_delay, timedelta) else timedelta(seconds=retry_delay)
        self.retry_exponential_backoff = retry_exponential_backoff
        self.max_retry_delay = max_retry_delay
        self.execution_timeout = execution_timeout
        self.on_failure_callback = on_failure_callback
        self.on_success_callback = on_success_callback
        self.on_retry_callback = on_retry_callback
        self.trigger_rule = trigger_rule
        self.params = dict(params or {})
        self.do_xcom_push = do_xcom_push
        self.pool = pool
        self.doc_md = doc_md
        self.dag = _current_dag({"dag": dag})
        if self.dag is not None:
            self.dag.add_task(self)

    @classmethod
    def partial(cls, **kwargs: Any) -> _PartialOperator:
        return _PartialOperator(cls, kwargs)

    def __repr__(self) -> str:
        return f"<Task({type(self).__name__}): {self.task_id}>"


class _PartialOperator:
    def __init__(self, cls: type, kwargs: dict) -> None:
        if "task_id" not in kwargs:
            raise TypeError("partial() needs task_id")
        unknown = set(kwargs) - _accepted(cls)
        if unknown:
            raise TypeError(f"{cls.__name__}.partial() got unexpected keyword arguments {sorted(unknown)}")
        self.cls = cls
        self.kwargs = kwargs

    def expand(self, **mapped: Any) -> MappedOperator:
        if not mapped:
            raise TypeError("expand() needs at least one mapped argument")
        unknown = set(mapped) - _accepted(self.cls)
        if unknown:
            raise TypeError(f"{self.cls.__name__}.expand() got unexpected keyword arguments {sorted(unknown)}")
        both = set(mapped) & set(self.kwargs)
        if both:
            raise TypeError(f"arguments given to both partial() and expand(): {sorted(both)}")
        for name in ("task_id", "dag", "default_args"):
            if name in mapped:
                raise ValueError(f"cannot map over {name}")
        return MappedOperator(self.cls, _with_defaults(self.cls, self.kwargs), mapped)


class MappedOperator(_Node):
    """A task mapped over a list at run time (``Operator.partial(...).expand(...)``)."""

    def __init__(self, cls: type, partial_kwargs: dict, expand_kwargs: dict) -> None:
        self._init_node()
        self.operator_class = cls
        self.partial_kwargs = partial_kwargs
        self.expand_kwargs = expand_kwargs
        self.task_id = partial_kwargs["task_id"]
        # Build one unmapped operator outside any DAG to check the arguments as Airflow does at parse time.
        probe = {k: v for k, v in partial_kwargs.items() if k != "dag"}
        probe.update({k: _Placeholder() for k in expand_kwargs})
        saved, _DagContext.current = _DagContext.current, []
        try:
            self.template = cls(**probe)
        finally:
            _DagContext.current = saved
        self.retries = self.template.retries
        self.retry_delay = self.template.retry_delay
        self.retry_exponential_backoff = self.template.retry_exponential_backoff
        self.max_retry_delay = self.template.max_retry_delay
        self.execution_timeout = self.template.execution_timeout
        self.on_failure_callback = self.template.on_failure_callback
        self.trigger_rule = self.template.trigger_rule
        self.dag = _current_dag(partial_kwargs)
        if self.dag is not None:
            self.dag.add_task(self)
        for value in expand_kwargs.values():
            for ref in _refs(value):
                ref.operator.set_downstream(self)


class _Placeholder:
    """Stands for a mapped value while the probe operator is built."""


class XComArg:
    """A reference to a task's return value (``task.output``, or what a ``@task`` call returns)."""

    def __init__(self, operator: Any, key: str = "return_value", mapper: Any = None) -> None:
        self.operator = operator
        self.key = key
        self.mapper = mapper

    def map(self, fn: Any) -> XComArg:
        return XComArg(self.operator, self.key, fn)

    def __rshift__(self, other: Any) -> Any:
        return self.operator >> other

    def __lshift__(self, other: Any) -> Any:
        return self.operator << other

    def __rrshift__(self, other: Any) -> XComArg:
        self.operator.set_upstream(other)
        return self


def _refs(value: Any) -> list[XComArg]:
    if isinstance(value, XComArg):
        return [value]
    if isinstance(value, (list, tuple)):
        return [r for v in value for r in _refs(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(v)]
    return []


class _PythonDecoratedOperator(BaseOperator):
    """What ``@task`` makes: the PythonOperator's own arguments on top of BaseOperator's."""

    def __init__(
        self,
        *,
        python_callable: Any,
        op_args: Any = None,
        op_kwargs: dict | None = None,
        templates_dict: dict | None = None,
        templates_exts: Any = None,
        show_return_value_in_logs: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.python_callable = python_callable
        self.op_args = list(op_args or [])
        self.op_kwargs = dict(op_kwargs or {})
        for ref in _refs(self.op_args) + _refs(self.op_kwargs):
            ref.operator.set_downstream(self)


class _TaskDecorator:
    def __init__(self, fn: Any, kwargs: dict) -> None:
        self.fn = fn
        self.kwargs = kwargs
        functools.update_wrapper(self, fn)

    def override(self, **kwargs: Any) -> _TaskDecorator:
        return _TaskDecorator(self.fn, {**self.kwargs, **kwargs})

    def __call__(self, *args: Any, **kwargs: Any) -> XComArg:
        signature = inspect.signature(self.fn)
        signature.bind(*args, **kwargs)
        op = _PythonDecoratedOperator(task_id=self.kwargs.get("task_id", self.fn.__name__), python_callable=self.fn,
                                      op_args=args, op_kwargs=kwargs,
                                      **{k: v for k, v in self.kwargs.items() if k != "task_id"})
        return XComArg(op)


def task(python_callable: Any = None, **kwargs: Any) -> Any:
    """``@task`` / ``@task(retries=...)``: a Python function as a task (TaskFlow)."""
    unknown = set(kwargs) - _accepted(_PythonDecoratedOperator)
    if unknown:
        raise TypeError(f"@task got unexpected keyword arguments {sorted(unknown)}")
    if python_callable is not None:
        return _TaskDecorator(python_callable, kwargs)
    return lambda fn: _TaskDecorator(fn, kwargs)


def chain(*tasks: Any) -> None:
    for up, down in zip(tasks, tasks[1:]):
        up >> down


class Param:
    """``airflow.sdk.Param``: a default, a description and JSON-schema keywords."""

    def __init__(self, default: Any = NOTSET, description: str | None = None, **kwargs: Any) -> None:
        self.value = default
        self.description = description
        self.schema = kwargs


class Variable:
    """``airflow.sdk.Variable``: values come from Airflow's metadata database at run time.

    The stand-in has no database: ``get`` fails unless a runner installed values, so a DAG file that reads a
    Variable while it is imported fails its test.
    """

    _values: dict[str, str] | None = None

    @classmethod
    def get(cls, key: str, default: Any = NOTSET, deserialize_json: bool = False) -> Any:
        if cls._values is None:
            raise RuntimeError(f"Variable.get({key!r}) outside a task run: the stand-in has no metadata database")
        if key in cls._values:
            value = cls._values[key]
            if deserialize_json:
                import json

                return json.loads(value)
            return value
        if default is NOTSET:
            raise KeyError(f"Variable {key} does not exist")
        return default
