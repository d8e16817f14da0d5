"""RQF units in the app: stored as frameworks, imported by the CLI, shown on the framework page,
served by the API, carried by the course document (export, import page, re-export)."""
from __future__ import annotations

import copy
import io
import json
import re

import pytest
from sqlalchemy import func, select

from course.authoring import service as authoring
from course.authoring.document import DocumentError, export_course_bytes, import_course
from course.authoring.models import Course
from course.extensions import db
from course.frameworks.service import FrameworkError, store_framework
from course.models import Criterion, Framework, Organisation, User
from course.units import parse_unit_file
from tests.helpers import login, make_app
from tests.units.test_rqf import EAT_AND_DRINK, PERSON_CENTRED


def store_both(app) -> None:
    with app.app_context():
        for path in (PERSON_CENTRED, EAT_AND_DRINK):
            store_framework(parse_unit_file(path), source=path.name)
        db.session.commit()


def framework_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Framework))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row(html: str, code: str) -> str:
    match = re.search(rf"<tr id=\"criterion-{re.escape(code)}\"[^>]*>(.*?)</tr>", html, re.S)
    assert match, f"no row for {code}"
    return text_of(match.group(1))


def test_stored_rqf_units_give_back_their_json(app):
    store_both(app)
    with app.app_context():
        pcp = Framework.by_code("R-650-2231")
        assert pcp.to_dict() == parse_unit_file(PERSON_CENTRED)
        assert (pcp.kind, pcp.urn, pcp.level, pcp.glh, pcp.credit, pcp.tqt, pcp.tqt_hours) == (
            "rqf", "R/650/2231", "3", 39, 6, 60, 60)
        assert pcp.source_filename == "rqf_person_centred.txt"
        eat = Framework.by_code("T-601-8291")
        assert eat.to_dict() == parse_unit_file(EAT_AND_DRINK)
        assert (eat.level, eat.glh, eat.credit, eat.tqt, eat.tqt_hours) == ("2", 15, 2, None, 20)
        flags = {c.code: (c.kind, c.workplace) for c in pcp.criteria}
        assert flags == {"1.1": ("knowledge", False), "1.2": ("knowledge", False), "1.3": ("knowledge", False),
                         "2.1": ("performance", True), "2.2": ("performance", True), "2.3": ("performance", True),
                         "3.1": ("performance", True), "3.2": ("performance", True),
                         "4.1": ("performance", True), "4.2": ("performance", True)}
        assert Criterion.by_ref("T-601-8291/3.3").text == (
            "Report any difficulties with swallowing in line with agreed ways of working")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("credit", "6", "credit: must be a whole number from 0 to 100,000"),
    ("tqt", -1, "tqt: must be a whole number from 0 to 100,000"),
    ("tqt", True, "tqt: must be a whole number from 0 to 100,000"),
    ("level", "Level three of eight", "level: longer than 16 characters"),
    ("kind", "rqF", "kind: must be one of nos, qcf, rqf"),
])
def test_store_refuses_bad_figures_and_stores_nothing(app, key, value, message):
    data = dict(parse_unit_file(PERSON_CENTRED), **{key: value})
    with app.app_context():
        with pytest.raises(FrameworkError) as caught:
            store_framework(data, source="x")
        db.session.rollback()
    assert str(caught.value).startswith(message)
    assert framework_count(app) == 0


def test_cli_imports_both_formats(app, runner):
    for path, line in ((PERSON_CENTRED, "Imported R-650-2231: Promote person-centred practice in adult care "
                                        "settings (4 outcomes, 10 criteria)\n"),
                       (EAT_AND_DRINK, "Imported T-601-8291: Support individuals to eat and drink safely "
                                       "(3 outcomes, 7 criteria)\n")):
        result = runner.invoke(args=["import-unit", str(path), "--wait"])
        assert result.exit_code == 0, result.output + result.stderr
        assert result.stdout == line
    preview = runner.invoke(args=["import-unit", str(EAT_AND_DRINK), "--json", "--code", "EAT-L2"])
    assert preview.exit_code == 0, preview.stderr
    data = json.loads(preview.stdout)
    assert (data["kind"], data["code"], data["urn"], data["level"], data["credit"]) == (
        "rqf", "EAT-L2", "T/601/8291", "2", 2)
    assert framework_count(app) == 2  # the preview stored nothing


@pytest.mark.parametrize(("old", "new", "message"), [
    ("Unit reference number: R/650/2231", "Unit reference number: R/650/22310",
     "bad.txt:2: unit reference number 'R/650/22310' is not an Ofqual unit reference (a letter, 3 digits and "
     "4 digits, such as R/650/2231)"),
    ("2 Be able to work with individuals in a person-centred way\n", "",
     "bad.txt:33: criterion 2.1 is under no learning outcome: learning outcome 2 is not given before it"),
])
def test_cli_refuses_a_bad_unit_naming_file_and_line(app, runner, tmp_path, old, new, message):
    bad = tmp_path / "bad.txt"
    bad.write_text(PERSON_CENTRED.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    for extra in (["--wait"], ["--json"]):
        result = runner.invoke(args=["import-unit", str(bad), *extra])
        assert result.exit_code == 1
        assert result.stderr == f"error: {tmp_path}/{message}\n"
        assert result.stdout == ""
    assert framework_count(app) == 0


def test_framework_pages_show_level_credit_glh_and_tqt(app, client, login_as):
    store_both(app)
    login_as("learner")
    html = client.get("/frameworks/R-650-2231").get_data(as_text=True)
    for fact in ("<dt>Type</dt><dd>RQF unit</dd>", "<dt>Unit reference number</dt><dd>R/650/2231</dd>",
                 "<dt>Level</dt><dd>3</dd>", "<dt>Credit value</dt><dd>6</dd>",
                 "<dt>Guided learning hours</dt><dd>39</dd>",
                 "<dt>Total qualification time</dt><dd>60 hours</dd>"):
        assert fact in html
    assert "Total qualification time adds the learner's own study, such as e-learning taken alone." in html
    assert row(html, "1.2") == ("1.2 Describe how a care and support plan records an individual&#39;s history, "
                                "preferences, wishes and needs Knowledge No")
    assert row(html, "3.1") == ("3.1 Establish consent for an activity or action, in line with the Mental "
                                "Capacity Act 2005 Performance Yes")
    html = client.get("/frameworks/T-601-8291").get_data(as_text=True)
    assert ("<dt>Total qualification time</dt><dd>credit 2 × 10 = 20 hours (the unit gives only its credit "
            "value)</dd>") in html
    assert "<dt>Level</dt><dd>2</dd>" in html and "<dt>Credit value</dt><dd>2</dd>" in html
    listing = text_of(client.get("/frameworks/").get_data(as_text=True))
    assert ("Support individuals to eat and drink safely Code T-601-8291 Type RQF unit Level 2 "
            "Criteria 2 knowledge, 5 performance Guided learning hours 15") in listing


def test_api_gives_the_figures(app, client, login_as):
    store_both(app)
    login_as("tutor", org="Org A")
    listing = client.get("/api/v1/frameworks").get_json()
    assert [(f["code"], f["kind"], f["glh"]) for f in listing] == [("R-650-2231", "rqf", 39),
                                                                    ("T-601-8291", "rqf", 15)]
    pcp = client.get("/api/v1/frameworks/R-650-2231").get_json()
    assert (pcp["urn"], pcp["level"], pcp["credit"], pcp["tqt"], pcp["tqt_hours"]) == ("R/650/2231", "3", 6, 60, 60)
    assert pcp["outcomes"][1]["criteria"][0] == {
        "code": "2.1", "ref": "R-650-2231/2.1", "kind": "performance", "workplace": True,
        "text": "Find out the history, preferences, wishes and needs of the individual"}
    eat = client.get("/api/v1/frameworks/T-601-8291").get_json()
    assert (eat["level"], eat["credit"], eat["tqt"], eat["tqt_hours"]) == ("2", 2, None, 20)


def rqf_course(app) -> bytes:
    """A course on both RQF units, exported: its canonical bytes."""
    store_both(app)
    with app.app_context():
        org = Organisation(name="Exporters")
        db.session.add(org)
        db.session.commit()
        course = authoring.create_course(organisation=org, user=None, title="Care certificate units",
                                         frameworks=["R-650-2231", "T-601-8291"], description="Two RQF units.")
        module = authoring.add_module(course, title="Person-centred values", outcomes=["R-650-2231/1"],
                                      workplace=["R-650-2231/2.1"])
        authoring.add_page(module, title="Values", body="Dignity, choice, respect.")
        # An RQF outcome's default target is its share of the unit's GLH, as for QCF:
        # 39 h x 60 = 2,340 min over 10 criteria, 3 of them in outcome 1.
        assert module.target_minutes == 702
        db.session.commit()
        return export_course_bytes(db.session.get(Course, course.id))


def test_course_document_round_trip(app, tmp_path):
    first = rqf_course(app)
    doc = json.loads(first)
    pcp, eat = doc["frameworks"]
    assert (pcp["kind"], pcp["urn"], pcp["level"], pcp["credit"], pcp["tqt"], pcp["glh"]) == (
        "rqf", "R/650/2231", "3", 6, 60, 39)
    assert (eat["level"], eat["credit"], "tqt" in eat) == ("2", 2, False)
    folder = tmp_path / "fresh"
    folder.mkdir()
    other = make_app(folder)
    with other.app_context():
        org = Organisation(name="Importers")
        db.session.add(org)
        db.session.commit()
        course = import_course(first, organisation=org, user=None)
        db.session.commit()
        stored = Framework.by_code("T-601-8291")
        assert (stored.kind, stored.urn, stored.level, stored.credit, stored.tqt, stored.tqt_hours) == (
            "rqf", "T/601/8291", "2", 2, None, 20)
        assert Criterion.by_ref("R-650-2231/4.2").workplace is True
        assert export_course_bytes(db.session.get(Course, course.id)) == first


def test_course_document_checks_the_figures_and_reads_older_documents(app, tmp_path):
    doc = json.loads(rqf_course(app))
    bad = copy.deepcopy(doc)
    bad["course"]["slug"] = "bad"
    bad["frameworks"][0]["credit"] = "6"
    bad["frameworks"][1]["level"] = ""
    with app.app_context():
        org = db.session.scalar(select(Organisation))
        with pytest.raises(DocumentError) as caught:
            import_course(json.dumps(bad).encode(), organisation=org, user=None)
    paths = [path for path, _ in caught.value.problems]
    assert "frameworks[0].credit" in paths and "frameworks[1].level" in paths
    # A document written before level, credit and TQT existed: the keys are simply absent.
    older = copy.deepcopy(doc)
    for fw in older["frameworks"]:
        for key in ("level", "credit", "tqt"):
            fw.pop(key, None)
    folder = tmp_path / "older"
    folder.mkdir()
    other = make_app(folder)
    with other.app_context():
        org = Organisation(name="Importers")
        db.session.add(org)
        db.session.commit()
        course = import_course(json.dumps(older).encode(), organisation=org, user=None)
        db.session.commit()
        stored = Framework.by_code("R-650-2231")
        assert (stored.kind, stored.level, stored.credit, stored.tqt, stored.glh) == ("rqf", None, None, None, 39)
        again = json.loads(export_course_bytes(db.session.get(Course, course.id)))
    assert again["frameworks"] == older["frameworks"]


def test_course_import_page_accepts_rqf_units(app, tmp_path):
    data = rqf_course(app)
    folder = tmp_path / "page"
    folder.mkdir()
    other = make_app(folder)
    with other.app_context():
        org = Organisation(name="Importers")
        db.session.add(org)
        db.session.commit()
        tutor = User(email="tutor@importers.test", name="Tutor", role="tutor", organisation_id=org.id)
        tutor.set_password("a-long-test-password")
        db.session.add(tutor)
        db.session.commit()
    client = other.test_client()
    assert login(client, "tutor@importers.test", "a-long-test-password").status_code == 302
    response = client.post("/courses/import", data={"file": (io.BytesIO(data), "care.course.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Course “Care certificate units” imported" in page
    with other.app_context():
        assert [(f.code, f.kind, f.level, f.credit, f.tqt) for f in
                db.session.scalars(select(Framework).order_by(Framework.code))] == [
            ("R-650-2231", "rqf", "3", 6, 60), ("T-601-8291", "rqf", "2", 2, None)]
    html = client.get("/frameworks/T-601-8291").get_data(as_text=True)
    assert "credit 2 × 10 = 20 hours" in html
