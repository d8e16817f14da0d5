"""The framework browser pages and the store_framework service."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.frameworks.service import FrameworkError, store_framework
from course.models import Criterion, Framework
from course.units import parse_unit_file
from tests.helpers import SEEDS_DIR, framework_doc


def _row(html: str, code: str) -> str:
    match = re.search(rf"<tr id=\"criterion-{re.escape(code)}\"[^>]*>(.*?)</tr>", html, re.S)
    assert match, f"no row for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_list_shows_every_framework_with_counts(seeded_app):
    client = seeded_app.test_client()
    client.post("/login", data={"email": "learner@example.org", "password": "demo-learner-pass"})
    response = client.get("/frameworks/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for code in ("HSCCLD327", "QCF-RELNET", "NOS-EFFREL", "NOS-CONTACT", "HSCCLD222"):
        assert f'href="/frameworks/{code}"' in html
    assert "24 knowledge, 11 performance" in html   # HSCCLD327
    assert "50 knowledge, 31 performance" in html   # NOS-EFFREL
    assert '<a href="/frameworks/" aria-current="page">Frameworks</a>' in html


def test_detail_shows_outcomes_and_criteria(seeded_app):
    client = seeded_app.test_client()
    client.post("/login", data={"email": "tutor@example.org", "password": "demo-tutor-pass"})
    response = client.get("/frameworks/HSCCLD327")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Work with individuals to develop and maintain relationships</h1>" in html
    assert _row(html, "K13") == "K13 how to manage risks and safeguarding restrictions on relationships Knowledge No"
    assert _row(html, "P1").startswith("P1 establish consent") and _row(html, "P1").endswith("Performance Yes")
    assert html.count('<tr id="criterion-') == 35  # one row per criterion
    assert '<th scope="col" role="columnheader" class="col-work">Assessed at work</th>' in html


def test_qcf_detail_marks_workplace_outcomes(seeded_app):
    client = seeded_app.test_client()
    client.post("/login", data={"email": "admin@example.org", "password": "demo-admin-pass"})
    html = client.get("/frameworks/QCF-RELNET").get_data(as_text=True)
    assert "Learning outcomes and assessment criteria" in html
    assert "<dt>Guided learning hours</dt><dd>27</dd>" in html
    assert _row(html, "1.3").startswith("1.3 ")
    assert _row(html, "1.3").endswith("may be affected by the way support is provided Knowledge No")
    assert _row(html, "2.1").endswith("Performance Yes")


def test_unknown_framework_is_404(client, login_as):
    login_as("tutor")
    response = client.get("/frameworks/NOPE")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_detail_queries_do_not_grow_with_criteria(app, client, login_as, create_framework, count_queries):
    login_as("tutor")
    create_framework("SMALL")
    many = [{"code": f"K.{n}", "title": f"Group {n}", "kind": "knowledge",
             "criteria": [{"code": f"K{n}{m}", "kind": "knowledge", "text": f"item {n} {m}", "workplace": False}
                          for m in range(10)]} for n in range(1, 9)]
    create_framework("LARGE", outcomes=many)
    with count_queries() as small:
        assert client.get("/frameworks/SMALL").status_code == 200
    with count_queries() as large:
        assert client.get("/frameworks/LARGE").status_code == 200
    assert large.count == small.count
    with count_queries() as listing:
        assert client.get("/frameworks/").status_code == 200
    assert listing.count == small.count - 1  # no outcome/criterion loads; one count query


def test_store_framework_round_trips_the_parser_output(app):
    data = parse_unit_file(SEEDS_DIR / "001_cbb267609ac38888.txt", code="QCF-RELNET")
    with app.app_context():
        framework = store_framework(data, source="001.txt")
        db.session.commit()
        framework = Framework.by_code(data["code"])
        assert framework.to_dict() == data
        criterion = framework.outcomes[0].criteria[2]
        assert criterion.ref == f"{data['code']}/1.3"
        assert framework.outcomes[1].ref == f"{data['code']}/2"
        assert Criterion.by_ref(f"{data['code']}/1.3").id == criterion.id
        assert Criterion.by_ref("nonsense") is None


@pytest.mark.parametrize("change,message", [
    (lambda d: d.update(code=""), "code: missing"),
    (lambda d: d.update(kind="scorm"), "kind: must be one of nos, qcf"),
    (lambda d: d["outcomes"][1]["criteria"][1].update(code="P1"), "duplicate criterion code P1"),
    (lambda d: d["outcomes"][1].update(code="P.1"), "outcome 2: duplicate outcome code P.1"),
    (lambda d: d.update(date_approved="31/01/2026"), "date_approved: not an ISO date"),
    (lambda d: d["outcomes"][0]["criteria"][0].update(text=" "), "criterion P1: text missing"),
    # the limits of question_bank.limits (the columns' sizes, and bounds on the long texts)
    (lambda d: d.update(title="x" * 501), "title: longer than 500 characters"),
    (lambda d: d.update(overview="x" * 100_001), "overview: longer than 100,000 characters"),
    (lambda d: d["outcomes"][0]["criteria"][1].update(text="x" * 2_001),
     "outcome 1, criterion 2: text longer than 2,000 characters"),
    (lambda d: d.update(outcomes=d["outcomes"] * 251), "outcomes: 502 outcomes, at most 500"),
])
def test_store_framework_refuses_bad_documents(app, change, message):
    doc = framework_doc("BAD")
    change(doc)
    with app.app_context():
        with pytest.raises(FrameworkError, match=re.escape(message)):
            store_framework(doc, source="bad")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Framework)) == 0
        assert db.session.scalar(select(func.count()).select_from(Criterion)) == 0


def test_store_framework_flushes_but_does_not_commit(app):
    with app.app_context():
        framework = store_framework(framework_doc("FLUSHED"), source="x")
        assert framework.id is not None
        db.session.rollback()
        assert Framework.by_code("FLUSHED") is None
