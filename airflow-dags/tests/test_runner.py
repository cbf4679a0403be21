"""The runner on small DAGs of its own (no stack): order, XCom, mapping, templates, failures and exit codes."""

from __future__ import annotations

import json
import textwrap

import run_dag

DAG_FILE = textwrap.dedent('''
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG, task

    def remember_failure(context):
        with open(context["var"].value.failures, "a") as f:
            f.write(f"{context['ti'].task_id}[{context['ti'].map_index}]\\n")

    @task
    def words(line):
        return line.split()

    with DAG("probe", schedule=None, default_args={"on_failure_callback": remember_failure}):
        first = BashOperator(task_id="first", bash_command="echo noise; echo alpha beta gamma")
        later = BashOperator(task_id="later", bash_command="echo '{{ ds }} {{ var.value.colour }}' > $OUT",
                             env={"OUT": "{{ var.value.out }}"}, append_env=True)
        each = BashOperator.partial(task_id="each", env={"OUT": "{{ var.value.out }}"}, append_env=True).expand(
            bash_command=words(first.output).map(lambda w: f"test {w} != beta && echo {w} >> $OUT"))
        after = BashOperator(task_id="after", bash_command="echo never")
        first >> later >> each >> after
''')


def run(tmp_path, monkeypatch, capsys, *args):
    (tmp_path / "probe.py").write_text(DAG_FILE)
    out = tmp_path / "out.txt"
    monkeypatch.setenv("AIRFLOW_VAR_OUT", str(out))
    monkeypatch.setenv("AIRFLOW_VAR_COLOUR", "teal")
    monkeypatch.setenv("AIRFLOW_VAR_FAILURES", str(tmp_path / "failures.txt"))
    code = run_dag.main(["probe", "--dags-folder", str(tmp_path), *args])
    captured = capsys.readouterr()
    return code, captured, out


def test_runs_in_order_renders_templates_maps_over_xcom_and_stops_at_a_failure(tmp_path, monkeypatch, capsys):
    code, captured, out = run(tmp_path, monkeypatch, capsys, "--date", "2026-03-04")
    assert code == 1
    # The failed map index (beta) does not stop the others, as in Airflow.
    assert out.read_text().splitlines() == ["2026-03-04 teal", "alpha", "gamma"]
    states = json.loads(captured.out.strip().splitlines()[-1])["states"]
    assert states == {"first": "success", "words": "success", "later": "success", "each": "failed",
                      "after": "upstream_failed"}
    assert "task each failed" in captured.err
    assert (tmp_path / "failures.txt").read_text().splitlines() == ["each[1]"]


def test_only_runs_the_named_tasks(tmp_path, monkeypatch, capsys):
    code, captured, out = run(tmp_path, monkeypatch, capsys, "--only", "later", "--date", "2026-01-02")
    assert code == 0
    assert out.read_text() == "2026-01-02 teal\n"


def test_bad_input_gets_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, monkeypatch, capsys, "--date", "yesterday")[0] == 2
    code, captured, _ = run(tmp_path, monkeypatch, capsys, "--only", "nope")
    assert code == 2
    assert captured.err.strip() == "run_dag: no task nope in probe; tasks: first, later, words, each, after"
    assert run_dag.main(["no_such_dag", "--dags-folder", str(tmp_path)]) == 2
