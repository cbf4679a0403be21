"""Stand-in for ``airflow.sdk.definitions.deadline`` (Airflow 3.1 deadline alerts, the successor of SLAs).

Signatures from apache/airflow ``task-sdk/src/airflow/sdk/definitions/deadline.py`` and ``callback.py``.
"""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta
from typing import Any


class BaseDeadlineReference:
    """What a deadline's interval counts from."""


class DagRunLogicalDateDeadline(BaseDeadlineReference):
    pass


class DagRunQueuedAtDeadline(BaseDeadlineReference):
    pass


class FixedDatetimeDeadline(BaseDeadlineReference):
    def __init__(self, _datetime: datetime) -> None:
        self._datetime = _datetime


class DeadlineReference:
    DAGRUN_LOGICAL_DATE = DagRunLogicalDateDeadline()
    DAGRUN_QUEUED_AT = DagRunQueuedAtDeadline()

    @classmethod
    def FIXED_DATETIME(cls, dt: datetime) -> BaseDeadlineReference:  # noqa: N802 (Airflow's name)
        return FixedDatetimeDeadline(dt)


class Callback:
    def __init__(self, callback_callable: Any, kwargs: dict[str, Any] | None = None) -> None:
        if kwargs and "context" in kwargs:
            raise ValueError("context is a reserved kwarg for this class")
        if callable(callback_callable):
            self.verify_callable(callback_callable)
            self.path = f"{callback_callable.__module__}.{callback_callable.__qualname__}"
        elif isinstance(callback_callable, str):
            self.path = callback_callable.strip()
        else:
            raise ImportError(f"`{callback_callable}` doesn't look like a valid dot path.")
        self.callable = callback_callable
        self.kwargs = kwargs or {}

    @classmethod
    def verify_callable(cls, callback: Any) -> None:
        pass


class AsyncCallback(Callback):
    """Runs in the triggerer: the callable must be awaitable, as Airflow checks."""

    @classmethod
    def verify_callable(cls, callback: Any) -> None:
        if not (inspect.iscoroutinefunction(callback) or hasattr(callback, "__await__")):
            raise AttributeError(f"Provided callback {callback} is not awaitable.")


class DeadlineAlert:
    def __init__(self, reference: BaseDeadlineReference, interval: timedelta, callback: Callback) -> None:
        if not isinstance(reference, BaseDeadlineReference):
            raise TypeError("reference must be one of DeadlineReference's")
        if not isinstance(interval, timedelta):
            raise TypeError("interval must be a timedelta")
        if not isinstance(callback, AsyncCallback):
            raise ValueError(f"Callbacks of type {type(callback).__name__} are not currently supported")
        self.reference = reference
        self.interval = interval
        self.callback = callback
