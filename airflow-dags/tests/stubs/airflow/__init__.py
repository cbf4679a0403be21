"""Test-only stand-in for the Airflow modules the TuneTrail DAGs import (see ``airflow/sdk/__init__.py``)."""
