"""The notebooks' connection to the SQL endpoint: the Hive JDBC driver through JPype, results as pandas frames.

JDBC is called directly rather than through jpype.dbapi2: its cursor prepares every statement and asks for the
parameter metadata, which the Hive driver does not implement (SQLFeatureNotSupportedException).

Configured by environment variables (./tunetrail notebooks and NotebooksIT set them):
  TUNETRAIL_SQL_URL        jdbc:hive2://127.0.0.1:10099/default
  TUNETRAIL_SQL_USER       an analyst account (./tunetrail admin analyst create) or a bi API key id
  TUNETRAIL_SQL_PASSWORD   its password
  TUNETRAIL_SQL_CLASSPATH  the JVM classpath holding hive-jdbc (entries ending in * take every jar of the folder)
  TUNETRAIL_SQL_DATABASE   where the tables are: lake (default, an every-org account) or the org's database (org_acme)
  TUNETRAIL_NOTEBOOK_SUMMARY  a folder: summary() writes <notebook>.json there (row counts of the key frames)
"""
import json
import os
import pathlib

import jpype
import pandas as pd

_connection = None
_JPYPE_JARS = [os.path.join(os.path.dirname(os.path.dirname(jpype.__file__)), "org.jpype.jar"), "/usr/share/java/org.jpype.jar"]


def _env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"{name} is not set: run the notebooks through ./tunetrail notebooks, or export it")
    return value


def connect():
    """One connection per kernel, opened on first use."""
    global _connection
    if _connection is None:
        if not jpype.isJVMStarted():
            classpath = [p for p in _env("TUNETRAIL_SQL_CLASSPATH").split(os.pathsep) if p]
            # JPype's own Java half: Debian installs it in /usr/share/java, where JPype does not look by itself.
            classpath += [j for j in _JPYPE_JARS if os.path.isfile(j)][:1]
            # A small client JVM; the driver's INFO logging would fill the cells, warnings are what an analyst needs.
            jpype.startJVM("-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", classpath=classpath, convertStrings=True)
        jpype.JClass("org.apache.hive.jdbc.HiveDriver")  # registers the driver with DriverManager
        _connection = jpype.JClass("java.sql.DriverManager").getConnection(
            _env("TUNETRAIL_SQL_URL"), _env("TUNETRAIL_SQL_USER"), _env("TUNETRAIL_SQL_PASSWORD"))
    return _connection


def table(name):
    """The qualified name of an offline-store table for this account: lake.<name>, or <org database>.<name>."""
    return f"{os.environ.get('TUNETRAIL_SQL_DATABASE', 'lake')}.{name}"


def every_org():
    """True for an every-org account (the lake database); false for an org-bound account reading its org's views."""
    return os.environ.get("TUNETRAIL_SQL_DATABASE", "lake") == "lake"


_INTEGERS = {-6, 5, 4, -5}  # java.sql.Types TINYINT, SMALLINT, INTEGER, BIGINT
_DECIMALS = {6, 7, 8, 2, 3}  # FLOAT, REAL, DOUBLE, NUMERIC, DECIMAL
_TIMES = {91, 93}  # DATE, TIMESTAMP


def query(sql):
    """Runs one statement on the endpoint; returns its rows as a DataFrame with the endpoint's column names and types."""
    statement = connect().createStatement()
    try:
        result = statement.executeQuery(sql)
        meta = result.getMetaData()
        n = meta.getColumnCount()
        # Hive names columns table.column when a query reads several tables: the column part is the name.
        columns = [str(meta.getColumnLabel(i)).split(".")[-1] for i in range(1, n + 1)]
        types = [int(meta.getColumnType(i)) for i in range(1, n + 1)]
        rows = []
        while result.next():
            rows.append([result.getString(i) for i in range(1, n + 1)])
    finally:
        statement.close()
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    # Values arrive as the driver's text; typed columns become numbers and times, nulls stay missing.
    for column, kind in zip(columns, types):
        if kind in _INTEGERS or kind in _DECIMALS:
            frame[column] = pd.to_numeric(frame[column])
        elif kind in _TIMES:
            frame[column] = pd.to_datetime(frame[column])
        elif kind == 16:  # BOOLEAN
            frame[column] = frame[column].map({"true": True, "false": False})
    return frame


def summary(**frames):
    """Records how many rows each key frame has, for the test that runs the notebooks (and for the reader)."""
    counts = {name: int(len(frame)) for name, frame in frames.items()}
    folder = os.environ.get("TUNETRAIL_NOTEBOOK_SUMMARY")
    if folder:
        path = pathlib.Path(folder) / (os.environ.get("TUNETRAIL_NOTEBOOK", "notebook") + ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(counts, indent=2, sort_keys=True))
    return counts
