"""Alerts of the TuneTrail DAGs: a failed task (a failed quality check, streaming health over its limits, a job out
of retries) and a missed deadline go to the webhook in the ``tunetrail_alert_webhook`` Variable (Slack-compatible
``{"text": ...}``), and always to the task's log."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from typing import Any

from airflow.sdk import Variable

log = logging.getLogger(__name__)


def send(message: str) -> None:
    """Logs ``message`` and posts it to the alert webhook when one is configured."""
    log.error("TuneTrail alert: %s", message)
    url = Variable.get("tunetrail_alert_webhook", default="")
    if not url:
        return
    body = json.dumps({"text": message}).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (an operator-configured URL)
        response.read()


def alert_on_failure(context: Any) -> None:
    """``on_failure_callback``: names the DAG, the task (and map index: the org), the try and the reason."""
    ti = context["ti"]
    where = f"{ti.dag_id}.{ti.task_id}" + (f"[{ti.map_index}]" if getattr(ti, "map_index", -1) >= 0 else "")
    send(f"{where} failed (try {ti.try_number}, run {context.get('run_id')}): {context.get('exception')}")


async def deadline_missed(context: Any = None, **kwargs: Any) -> None:
    """A deadline alert's callback (runs in the triggerer): the DAG run is late."""
    await asyncio.to_thread(send, f"{kwargs.get('dag_id')}: {kwargs.get('what', 'the run')} missed its deadline")
