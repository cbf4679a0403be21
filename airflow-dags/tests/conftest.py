"""The DAG tests load the DAG files against the stand-in of the Airflow modules in ``stubs/``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "tests" / "stubs", ROOT / "dags", ROOT / "runner"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
