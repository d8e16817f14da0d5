"""The bank service and the import-questions / export-questions commands."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from course.bank.models import QuestionCriterion, QuestionVersion
from course.bank.service import (
    BankError,
    current_questions,
    get_version,
    mark_in_use,
    save_questions,
)
from course.extensions import db
from question_bank.formats import export_moodle, import_moodle

from .conftest import INTEROP, make_bank


def _count(app, org_id=None):
    with app.app_context():
        stmt = select(func.count(QuestionVersion.id))
        if org_id is not None:
            stmt = stmt.where(QuestionVersion.organisation_id == org_id)
        return db.session.scalar(stmt)


# ------------------------------------------------------------------ service


def test_save_validates_everything_first(app, org):
    bank = make_bank()
    bad = dict(bank[0], id="broken", options=[])
    with app.app_context():
        with pytest.raises(BankError) as err:
            save_questions(bank[:3] + [bad], organisation=org, user=None)
        assert err.value.problems == ["broken: options: Shorter than minimum length 2."]
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 0


def test_save_and_find_by_criterion_and_tag(app, org):
    with app.app_context():
        rows = save_questions(make_bank(), organisation=org, user=None)
        db.session.commit()
        assert [r.version for r in rows] == [1] * 9
        k13 = current_questions(org, criterion="HSCCLD327/K13")
        assert [r.question_id for r in k13] == [
            "essay-reflect-1",
            "mr-signs-1",
            "sa-gaps-1",
            "sa-word-1",
            "tf-consent-1",
        ]
        assert [r.question_id for r in current_questions(org, tag="trust")] == ["sc-trust-1"]
        links = db.session.scalars(
            select(QuestionCriterion.criterion_ref)
            .join(QuestionVersion)
            .where(QuestionVersion.question_id == "sc-trust-1")
        ).all()
        assert sorted(links) == ["NOS-CONTACT/K14", "NOS-EFFREL/K14"]
        row = get_version("sc-trust-1", 1, organisation=org)
        assert row.data == make_bank()[0] and row.type == "single_choice" and row.is_current


def test_editing_in_use_makes_a_new_version(app, org):
    with app.app_context():
        (row,) = save_questions([make_bank()[0]], organisation=org, user=None)
        # unchanged: nothing new
        (same,) = save_questions([make_bank()[0]], organisation=org, user=None)
        assert same.id == row.id
        # changed, not in use: edited in place
        edited = dict(make_bank()[0], title="Trust (edited)", criteria=["NOS-EFFREL/K14"])
        (again,) = save_questions([edited], organisation=org, user=None)
        assert again.id == row.id and again.version == 1 and again.title == "Trust (edited)"
        assert [link.criterion_ref for link in again.criterion_links] == ["NOS-EFFREL/K14"]
        # in use: a new version becomes current, the old one is kept unchanged
        mark_in_use(again)
        db.session.flush()
        newer = dict(edited, title="Trust (v2)")
        (v2,) = save_questions([newer], organisation=org, user=None)
        db.session.commit()
        assert v2.version == 2 and v2.is_current and v2.data["version"] == 2
        old = get_version("sc-trust-1", 1, organisation=org)
        assert old.title == "Trust (edited)" and not old.is_current and old.in_use
        assert [r.version for r in current_questions(org)] == [2]
        assert [r.question_id for r in current_questions(org, criterion="NOS-EFFREL/K14")] == [
            "sc-trust-1"
        ]


# ------------------------------------------------------------------ import-questions


def test_import_json_counts_and_skipped(app, cli_runner, org):
    path = INTEROP / "moodle-gapfill-examples-images.xml"
    res = cli_runner.invoke(
        args=["import-questions", "--wait", str(path), "--json", "--criterion", "HSCCLD327/K13"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == {"questions", "by_type", "skipped", "errors"}
    assert out["questions"] == 1 and out["by_type"] == {"short_answer": 1} and out["errors"] == []
    assert len(out["skipped"]) == 23
    assert out["skipped"][0] == {
        "name": "Core DDWTos Example",
        "type": "ddwtos",
        "reason": "drag-and-drop into text cannot be represented in the bank",
    }
    assert _count(app) == 1


def test_import_warns_about_criteria_no_framework_has(
    app, cli_runner, org, create_framework, tmp_path
):
    create_framework("HSCCLD327")  # criteria P1, P2, K1, K2
    path = tmp_path / "two.gift"
    path.write_bytes(b"// criterion: HSCCLD327/K1\nA? {T}\n\n// criterion: HSCCLD327/K99\nB? {F}\n")
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path)])
    assert res.exit_code == 0, res.output
    assert res.stderr == (
        "warning: criterion HSCCLD327/K99 is not in any imported framework "
        "(import its unit first)\n"
    )
    assert _count(app) == 2


def test_import_dry_run_stores_nothing(app, cli_runner, org):
    path = INTEROP / "gift-moodlecore-questions.gift.txt"
    res = cli_runner.invoke(
        args=["import-questions", "--wait", str(path), "--dry-run", "--criterion", "QCF-RELNET/1.3"]
    )
    assert res.exit_code == 0, res.output
    assert (
        res.stdout.splitlines()[0]
        == "Would import 9 question(s) from gift-moodlecore-questions.gift.txt (gift)"
    )
    assert "  true_false: 3" in res.stdout and "By criterion:\n  QCF-RELNET/1.3: 9" in res.stdout
    assert "\r" not in res.stdout  # no progress bar off a terminal
    assert _count(app) == 0


def test_import_human_output_and_store(app, cli_runner, org, tmp_path):
    path = tmp_path / "bank.xml"
    path.write_bytes(export_moodle(make_bank()))
    res = cli_runner.invoke(
        args=["import-questions", "--wait", str(path), "--organisation", "Northfield Care"]
    )
    assert res.exit_code == 0, res.output
    assert (
        res.stdout.splitlines()[0]
        == "Imported 9 question(s) from bank.xml (moodle) into Northfield Care"
    )
    assert "By criterion:\n  HSCCLD222/K1: 1\n  HSCCLD327/K13: 5\n" in res.stdout
    assert _count(app) == 9
    # importing the same file again changes nothing
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path)])
    assert res.exit_code == 0 and _count(app) == 9


@pytest.mark.parametrize("as_json", [False, True])
def test_import_malformed_exits_1_and_imports_nothing(app, cli_runner, org, tmp_path, as_json):
    path = tmp_path / "bad.gift"
    path.write_bytes(b"// criterion: HSCCLD327/K13\nGood? {T}\n\nBroken {=a ~b\n")
    args = ["import-questions", "--wait", str(path)] + (["--json"] if as_json else [])
    res = cli_runner.invoke(args=args)
    assert res.exit_code == 1
    assert res.stderr == "error: bad.gift: line 4: answer block '{' is not closed with '}'\n"
    if as_json:
        assert json.loads(res.stdout)["errors"] == [
            "bad.gift: line 4: answer block '{' is not closed with '}'"
        ]
    else:
        assert res.stdout == ""
    assert _count(app) == 0


def test_import_keeps_questions_without_criteria_unmapped(app, cli_runner, org):
    res = cli_runner.invoke(
        args=["import-questions", "--wait", str(INTEROP / "aiken-moodlecore-questions.txt")]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("Imported 2 question(s) from aiken-moodlecore-questions.txt (aiken)")
    assert "By criterion:" not in res.stdout
    assert (
        "warning: 2 question(s) carry no criterion reference (The-Moodle-project-was-started-by, "
        "Moodle-s-abilities-include-handling-user-input-that-includes): they wait in the bank, "
        "marked 'not mapped', and no quiz takes them until a tutor gives each a criterion (or "
        "import again with --criterion REF)\n" == res.stderr
    )
    with app.app_context():
        stored = current_questions(org.id, include_unmapped=True)
        assert [(r.question_id, r.criteria, r.criterion_links) for r in stored] == [
            ("Moodle-s-abilities-include-handling-user-input-that-includes", [], []),
            ("The-Moodle-project-was-started-by", [], []),
        ]
        # quizzes draw from the mapped questions only
        assert current_questions(org.id) == []


def test_import_json_of_a_file_without_criteria(app, cli_runner, org):
    res = cli_runner.invoke(
        args=["import-questions", "--wait", str(INTEROP / "aiken-moodlecore-questions.txt"), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {
        "questions": 2,
        "by_type": {"single_choice": 2},
        "skipped": [],
        "errors": [],
    }
    assert res.stderr == ""
    assert _count(app) == 2


def test_import_billion_laughs_refused(app, cli_runner, org, tmp_path):
    path = tmp_path / "evil.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>'
    )
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--format", "moodle"])
    assert res.exit_code == 1 and "DTDs and entity declarations are not allowed" in res.stderr
    assert _count(app) == 0


def test_import_needs_an_organisation_when_several(app, cli_runner, create_org, tmp_path):
    create_org("A")
    create_org("B")
    path = tmp_path / "bank.xml"
    path.write_bytes(export_moodle(make_bank()))
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path)])
    assert res.exit_code == 1 and "pass --organisation NAME" in res.stderr
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--organisation", "B"])
    assert res.exit_code == 0 and _count(app) == 9


# ------------------------------------------------------------------ export-questions


def test_export_filters_by_criterion(app, cli_runner, org, tmp_path):
    with app.app_context():
        save_questions(make_bank(), organisation=org, user=None)
        db.session.commit()
    out = tmp_path / "k14.xml"
    res = cli_runner.invoke(
        args=[
            "export-questions",
            "--format",
            "moodle",
            "--out",
            str(out),
            "--criterion",
            "NOS-EFFREL/K14",
            "--criterion",
            "NOS-CONTACT/K14",
        ]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout == f"Exported 2 question(s) to {out} (moodle for Moodle 5.3)\n"
    back = import_moodle(out.read_bytes(), source="k14.xml")
    assert [q["id"] for q in back.questions] == ["num-fluids-1", "sc-trust-1"]
    assert "<text>criterion:NOS-EFFREL/K14</text>" in out.read_text()


@pytest.mark.parametrize("fmt", ["gift", "aiken", "qti21", "qti30"])
def test_export_other_formats_report_losses(app, cli_runner, org, tmp_path, fmt):
    with app.app_context():
        save_questions(make_bank(), organisation=org, user=None)
        db.session.commit()
    out = tmp_path / f"bank.{fmt}"
    res = cli_runner.invoke(args=["export-questions", "--format", fmt, "--out", str(out)])
    assert res.exit_code == 0, res.output
    expected = {"gift": 7, "aiken": 1, "qti21": 9, "qti30": 9}[fmt]
    assert res.stdout == f"Exported {expected} question(s) to {out} ({fmt})\n"
    assert res.stderr.startswith("warning: ")
    if fmt.startswith("qti"):
        with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as zf:
            assert len([n for n in zf.namelist() if n.startswith("items/")]) == 9


def _gift_bank(n: int) -> bytes:
    return "\n".join(
        f"// criterion: HSCCLD327/K13\n::Q{i}::Is {i} even? {{{'T' if i % 2 == 0 else 'F'}}}\n"
        for i in range(n)
    ).encode()


def test_progress_bar_only_on_a_terminal_and_not_with_json(
    app, cli_runner, org, tmp_path, monkeypatch
):
    from course.bank import commands

    path = tmp_path / "many.gift"
    path.write_bytes(_gift_bank(450))
    monkeypatch.setattr(commands, "_interactive", lambda as_json: not as_json)
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path)])
    assert res.exit_code == 0, res.output
    assert "Importing questions" in res.stdout
    assert _count(app) == 450
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--json"])
    assert res.exit_code == 0 and "Importing questions" not in res.stdout
    assert json.loads(res.stdout)["by_type"] == {"true_false": 450}


def test_import_missing_file_and_unknown_organisation(app, cli_runner, org, tmp_path):
    res = cli_runner.invoke(args=["import-questions", "--wait", str(tmp_path / "nope.xml")])
    assert (
        res.exit_code == 1
        and res.stderr == f"error: {tmp_path / 'nope.xml'}: No such file or directory\n"
    )
    path = tmp_path / "bank.xml"
    path.write_bytes(export_moodle(make_bank()))
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--organisation", "Nobody"])
    assert res.exit_code == 1 and res.stderr == "error: no organisation named 'Nobody'\n"
    res = cli_runner.invoke(args=["import-questions", "--wait", str(path), "--criterion", "K13"])
    assert (
        res.exit_code == 1
        and res.stderr == "error: --criterion 'K13' is not a FRAMEWORK/CODE reference\n"
    )
    assert _count(app) == 0
