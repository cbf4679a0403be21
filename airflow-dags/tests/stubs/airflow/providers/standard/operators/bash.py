"""Stand-in for ``airflow.providers.standard.operators.bash`` (apache-airflow-providers-standard).

Signature from apache/airflow ``providers/standard/src/airflow/providers/standard/operators/bash.py``.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator


class BashOperator(BaseOperator):
    template_fields = ("bash_command", "env", "cwd")

    def __init__(
        self,
        *,
        bash_command: str,
        env: dict[str, str] | None = None,
        append_env: bool = False,
        output_encoding: str = "utf-8",
        skip_on_exit_code: Any = 99,
        cwd: str | None = None,
        output_processor: Any = lambda result: result,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.bash_command = bash_command
        self.env = env
        self.append_env = append_env
        self.output_encoding = output_encoding
        self.skip_on_exit_code = skip_on_exit_code
        self.cwd = cwd
        self.output_processor = output_processor
