"""Runs the notebooks headless (nbclient) and writes each as an HTML report with its charts (nbconvert).

Usage: python3 run_notebooks.py [--html DIR] [--only NAME[,NAME]] [--timeout SECONDS]
The SQL endpoint's coordinates come from the environment (see tunetrail_sql.py). Exit 0 when every notebook ran;
1 when a cell raised (the notebook, the cell and the error are printed; the HTML report shows the cell's traceback).
The notebooks in this folder stay as committed, without outputs.
"""
import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

HERE = pathlib.Path(__file__).resolve().parent


def run(path, html_dir, timeout):
    notebook = nbformat.read(path, as_version=4)
    # The kernel inherits this environment: tunetrail_sql names its summary after the notebook.
    os.environ["TUNETRAIL_NOTEBOOK"] = path.stem
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = e
    if html_dir is not None:
        body, _ = HTMLExporter().from_notebook_node(notebook)
        html_dir.mkdir(parents=True, exist_ok=True)
        (html_dir / (path.stem + ".html")).write_text(body, encoding="utf-8")
    return error


def main():
    parser = argparse.ArgumentParser(description="Run the TuneTrail notebooks headless.")
    parser.add_argument("--html", type=pathlib.Path, help="write one HTML report per notebook into this folder")
    parser.add_argument("--only", help="comma-separated notebook names (file names without .ipynb)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may run (default 600)")
    args = parser.parse_args()
    notebooks = sorted(HERE.glob("*.ipynb"))
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {p.stem for p in notebooks}
        if unknown:
            print(f"notebooks: no notebook named {', '.join(sorted(unknown))} in {HERE}", file=sys.stderr)
            return 2
        notebooks = [p for p in notebooks if p.stem in wanted]
    failed = []
    for path in notebooks:
        t0 = time.monotonic()
        error = run(path, args.html, args.timeout)
        seconds = time.monotonic() - t0
        if error is None:
            print(f"  {path.stem:<24} ok      {seconds:6.1f} s" + (f"  {args.html / (path.stem + '.html')}" if args.html else ""))
        else:
            failed.append(path.stem)
            print(f"  {path.stem:<24} FAILED  {seconds:6.1f} s", flush=True)
            print(str(error), file=sys.stderr)
    if failed:
        print(f"notebooks: {', '.join(failed)} raised in a cell (the error is above"
              + (f"; the HTML report in {args.html} shows the cell" if args.html else "") + ")", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
