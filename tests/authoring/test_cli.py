"""carecourse courses / export-course / import-course, and init loading the shipped course."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from course.authoring.models import Course
from course.extensions import db
from course.models import Organisation
from tests.helpers import make_app

SHIPPED_SLUG = "relationships-and-carers"


def test_init_loads_the_shipped_course_once(runner, app):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Shipped course: relationships-and-carers loaded into carecourse (" in result.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0
    assert "Shipped course: relationships-and-carers already present in carecourse" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1

    listing = runner.invoke(args=["courses", "--json"])
    assert listing.exit_code == 0
    (row,) = json.loads(listing.output)
    assert row["slug"] == SHIPPED_SLUG and row["organisation"] == "carecourse"
    assert row["frameworks"] == ["HSCCLD327", "QCF-RELNET", "NOS-EFFREL", "NOS-CONTACT", "HSCCLD222"]
    assert row["modules"] >= 1
    text = runner.invoke(args=["courses"]).output
    assert text.startswith(f"{SHIPPED_SLUG}\tRelationships and support for carers\tHSCCLD327, QCF-RELNET")


def test_init_demo_loads_it_into_the_demo_organisation(runner, app):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "loaded into Demo Care Training" in result.output


def test_init_fails_loudly_when_the_shipped_course_is_invalid(runner, app, monkeypatch):
    import course.shipped

    original = course.shipped.load_shipped_document

    def broken():
        doc = original()
        doc["modules"][0]["outcomes"] = ["HSCCLD327/NOPE"]
        return doc

    monkeypatch.setattr(course.shipped, "load_shipped_document", broken)
    result = runner.invoke(args=["init"])
    assert result.exit_code == 1
    assert "modules[0].outcomes[0]: unknown outcome 'HSCCLD327/NOPE'" in result.stderr
    assert "the shipped course was not loaded" in result.stderr
    # The earlier steps stay done.
    assert "Frameworks added: HSCCLD327" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 0
        assert db.session.scalar(select(Organisation).where(Organisation.name == "carecourse")) is None


def test_export_then_import_into_a_fresh_database(runner, app, tmp_path):
    assert runner.invoke(args=["init"]).exit_code == 0
    out = tmp_path / "course.json"
    result = runner.invoke(args=["export-course", SHIPPED_SLUG, "--out", str(out)])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output == f"Wrote {out} ({out.stat().st_size:,} bytes)\n"

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = make_app(other_dir)
    other_runner = other.test_cli_runner()
    with other.app_context():
        db.session.add(Organisation(name="Elsewhere"))
        db.session.commit()
    imported = other_runner.invoke(args=["import-course", "--wait", str(out)])
    assert imported.exit_code == 0, imported.output + imported.stderr
    assert imported.output.startswith(f"Imported {SHIPPED_SLUG}: Relationships and support for carers (")
    again = tmp_path / "again.json"
    assert other_runner.invoke(args=["export-course", SHIPPED_SLUG, "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_import_course_prints_every_problem_and_exits_1(runner, app, tmp_path):
    assert runner.invoke(args=["init"]).exit_code == 0
    out = tmp_path / "course.json"
    assert runner.invoke(args=["export-course", SHIPPED_SLUG, "--out", str(out)]).exit_code == 0
    doc = json.loads(out.read_bytes())
    doc["modules"][1]["target_minutes"] = -5
    doc["modules"][2]["quiz"] = {"title": ""} if doc["modules"][2]["quiz"] else None
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = runner.invoke(args=["import-course", "--wait", str(bad), "--organisation", "carecourse"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "modules[1].target_minutes: Must be greater than or equal to 0." in lines
    # Problems the app alone can see are listed with the document's own.
    assert "course.slug: your organisation already has a course with the slug 'relationships-and-carers'" in lines
    assert lines[-1].startswith(f"error: {bad}: ") and lines[-1].endswith("problem(s); nothing imported")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Course)) == 1


def test_import_course_into_the_same_organisation_reports_the_slug(runner, app, tmp_path):
    assert runner.invoke(args=["init"]).exit_code == 0
    out = tmp_path / "course.json"
    assert runner.invoke(args=["export-course", SHIPPED_SLUG, "--out", str(out)]).exit_code == 0
    result = runner.invoke(args=["import-course", "--wait", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == \
        "course.slug: your organisation already has a course with the slug 'relationships-and-carers'"


def test_export_course_unknown_slug(runner, app, tmp_path):
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["export-course", "nope", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert result.stderr == "error: no course with the slug 'nope' (see `carecourse courses`)\n"
    assert runner.invoke(args=["courses", "--json", "--organisation", "nobody"]).output == "[]\n"
