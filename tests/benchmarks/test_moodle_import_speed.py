"""Benchmark: a 2,000-question Moodle XML file imports in under 2 s with under 200 MB peak memory.

Run on demand: `pytest tests/benchmarks/test_moodle_import_speed.py` (or `make benchmarks`); the
figures are printed even when output is captured.
The import runs in a fresh subprocess so that its peak resident memory (ru_maxrss, which counts
lxml's C allocations too) and its Python allocations (tracemalloc) are its own. The time is the
best of three runs (wall clock; CPU time printed too), since a loaded machine only adds to it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

N = 2000
REPO = Path(__file__).resolve().parents[2]


def moodle_file(n: int = N) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n',
        '<question type="category"><category><text>$course$/top/Benchmark</text></category></question>\n',
    ]
    for i in range(n):
        kind = i % 6
        head = (
            f'<question type="{{t}}"><name><text>Question {i}</text></name>'
            f'<questiontext format="html"><text><![CDATA[<p>Question {i}: which statement about '
            f"relationships in care work is right? {'Lorem ipsum dolor sit amet. ' * 6}</p>]]></text>"
            f'</questiontext><generalfeedback format="html"><text>General {i}</text></generalfeedback>'
            f"<defaultgrade>1</defaultgrade><penalty>0</penalty><hidden>0</hidden><idnumber>bench-{i}</idnumber>"
        )
        tags = (
            f"<tags><tag><text>criterion:HSCCLD327/K{i % 20 + 1}</text></tag>"
            f"<tag><text>bench</text></tag></tags></question>\n"
        )
        if kind == 0:
            body = "<single>true</single><shuffleanswers>1</shuffleanswers>" + "".join(
                f'<answer fraction="{100 if k == 0 else 0}"><text>Option {k} of {i}</text>'
                f"<feedback><text>Feedback {k}</text></feedback></answer>"
                for k in range(4)
            )
            parts.append(head.format(t="multichoice") + body + tags)
        elif kind == 1:
            body = "<single>false</single>" + "".join(
                f'<answer fraction="{50 if k < 2 else -50}"><text>Choice {k}</text><feedback><text></text>'
                f"</feedback></answer>"
                for k in range(4)
            )
            parts.append(head.format(t="multichoice") + body + tags)
        elif kind == 2:
            body = (
                '<answer fraction="100"><text>true</text><feedback><text>Yes</text></feedback></answer>'
                '<answer fraction="0"><text>false</text><feedback><text>No</text></feedback></answer>'
            )
            parts.append(head.format(t="truefalse") + body + tags)
        elif kind == 3:
            body = "<usecase>0</usecase>" + "".join(
                f'<answer fraction="{f}"><text>word{k}</text><feedback><text></text></feedback></answer>'
                for k, f in enumerate((100, 50))
            )
            parts.append(head.format(t="shortanswer") + body + tags)
        elif kind == 4:
            body = (
                '<answer fraction="100"><text>42</text><tolerance>0.5</tolerance><feedback><text>'
                "</text></feedback></answer>"
            )
            parts.append(head.format(t="numerical") + body + tags)
        else:
            body = "<shuffleanswers>1</shuffleanswers>" + "".join(
                f'<subquestion format="html"><text>Premise {k}</text><answer><text>Response {k}</text>'
                f"</answer></subquestion>"
                for k in range(4)
            )
            parts.append(head.format(t="matching") + body + tags)
    parts.append("</quiz>\n")
    return "".join(parts).encode()


CHILD = textwrap.dedent("""
    import json, resource, sys, time, tracemalloc
    from question_bank.formats import import_moodle
    data = open(sys.argv[1], "rb").read()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = [], []
    for _ in range(3):  # the first run is cold (lazy imports); the best of three is the figure
        t0, c0 = time.perf_counter(), time.process_time()
        result = import_moodle(data, source="bench.xml")
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    import_moodle(data, source="bench.xml")
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"questions": len(result.questions), "cold": wall[0], "seconds": min(wall),
                      "cpu_seconds": min(cpu), "tracemalloc_peak_mb": py_peak / 2**20,
                      "max_rss_mb": rss / 1024, "rss_before_mb": base_rss / 1024}))
""")


def test_moodle_import_2000_questions(tmp_path, capsys):
    path = tmp_path / "bench.xml"
    path.write_bytes(moodle_file())
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    figures = json.loads(out.stdout)
    size_mb = path.stat().st_size / 2**20
    with capsys.disabled():
        print(
            f"\nMoodle XML import, {N} questions ({size_mb:.1f} MB): best of 3 {figures['seconds']:.3f} s "
            f"wall, {figures['cpu_seconds']:.3f} s CPU (first, cold run {figures['cold']:.3f} s); "
            f"peak Python allocations {figures['tracemalloc_peak_mb']:.1f} MB; peak RSS of the whole "
            f"process {figures['max_rss_mb']:.1f} MB (before the imports {figures['rss_before_mb']:.1f} MB)"
        )
    assert figures["questions"] == N
    assert figures["seconds"] < 2.0
    assert figures["max_rss_mb"] < 200
    assert figures["tracemalloc_peak_mb"] < 200


BANK_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from course.extensions import db
    from course.models import Organisation
    from tests.helpers import drop_postgres_schema, make_app
    app = make_app(Path(sys.argv[2]))  # a fresh schema: SQLite file, or this process's PostgreSQL schema
    with app.app_context():
        db.session.add(Organisation(name="Bench"))
        db.session.commit()
    runner = app.test_cli_runner()
    figures = {}
    for run in ("first", "again"):  # again: every question unchanged, so nothing is written
        t0, c0 = time.perf_counter(), time.process_time()
        res = runner.invoke(args=["import-questions", "--wait", sys.argv[1], "--json"])
        assert res.exit_code == 0, res.output
        figures[run] = time.perf_counter() - t0
        figures[run + "_cpu"] = time.process_time() - c0
    figures["questions"] = json.loads(res.stdout)["questions"]
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_postgres_schema()
    print(json.dumps(figures))
""")


def test_moodle_import_2000_questions_into_the_bank(tmp_path, capsys):
    """The whole `carecourse import-questions`: parse, check, store in the database, commit (the
    interpreter's start and the app's creation left out: they are the same for any file)."""
    path = tmp_path / "bench.xml"
    path.write_bytes(moodle_file())
    out = subprocess.run([sys.executable, "-c", BANK_CHILD, str(path), str(tmp_path)], capture_output=True,
                         text=True, cwd=REPO, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    engine = os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0]
    with capsys.disabled():
        print(
            f"\nimport-questions into the bank ({engine}), {N} questions: {figures['first']:.3f} s wall "
            f"({figures['first_cpu']:.3f} s CPU); again, all unchanged: {figures['again']:.3f} s; peak RSS "
            f"{figures['max_rss_mb']:.1f} MB"
        )
    assert figures["questions"] == N
    assert figures["first"] < 2.0
    assert figures["max_rss_mb"] < 200
