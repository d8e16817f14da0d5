"""Searching criteria by code or words: on a unit page (?q=) and across units (the list's ?q=)."""
from __future__ import annotations

import re

import pytest

from course.frameworks.search import parse_query
from course.models import ROLES
from tests.helpers import DEFAULT_PASSWORD


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _results(html: str) -> list[str]:
    """The across-units results as UNIT/CODE, in the order shown."""
    return [f"{unit}/{code}" for unit, code in re.findall(r'href="/frameworks/([^"#]+)#criterion-([^"]+)"', html)]


def _shown_rows(html: str) -> list[str]:
    """The codes of a unit page's criterion rows that a search leaves shown."""
    return re.findall(r'<tr id="criterion-([^"]+)" role="row">', html)


def _count(html: str) -> str:
    match = re.search(r'<p class="fw-count" id="fw-count"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no count"
    return _text(match.group(1))


@pytest.fixture
def tutor_client(seeded_app):
    client = seeded_app.test_client()
    client.post("/login", data={"email": "tutor@example.org", "password": "demo-tutor-pass"})
    return client


def test_list_links_each_unit_by_code_and_title(tutor_client):
    html = tutor_client.get("/frameworks/").get_data(as_text=True)
    assert '<a href="/frameworks/HSCCLD327"><code>HSCCLD327</code></a>' in html
    assert '<a href="/frameworks/HSCCLD327">Work with individuals to develop and maintain relationships</a>' in html
    assert '<label for="fw-q">Search the criteria of every unit</label>' in html
    assert 'action="/frameworks/"' in html


def test_words_in_any_order_and_any_case_across_units(tutor_client):
    for q in ("risk safeguarding", "Safeguarding RISK", "K13 risk"):
        response = tutor_client.get("/frameworks/", query_string={"q": q})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert _results(html) == ["HSCCLD327/K13"], q
        assert _count(html) == f"1 criterion matches “{q}”."
    html = tutor_client.get("/frameworks/?q=abuse").get_data(as_text=True)
    assert _results(html) == ["NOS-CONTACT/P11", "NOS-CONTACT/K28", "NOS-CONTACT/K29", "NOS-CONTACT/K30",
                              "NOS-EFFREL/K28", "NOS-EFFREL/K29", "NOS-EFFREL/K30"]
    assert _count(html) == "7 criteria match “abuse”."
    # each result: unit, outcome, code (linking to the row on the unit page) and the text marked
    row = re.search(r"<tr role=\"row\">\s*<td role=\"cell\" data-label=\"Unit\">.*?</tr>", html, re.S).group(0)
    assert 'href="/frameworks/NOS-CONTACT#criterion-P11"' in row
    assert "<mark>abuse</mark>" in row
    assert _text(row).startswith("NOS-CONTACT P.2 ")
    assert "<h1>Search the criteria of every unit</h1>" in html


def test_a_word_matches_the_start_of_a_word_only(tutor_client):
    html = tutor_client.get("/frameworks/?q=safeguard").get_data(as_text=True)
    assert _results(html) == ["HSCCLD327/K13"]
    assert "<mark>safeguard</mark>ing" in html
    html = tutor_client.get("/frameworks/?q=isk").get_data(as_text=True)
    assert _results(html) == []
    assert _count(html) == "No criteria match “isk”."


def test_a_code_finds_the_codes_starting_with_it(tutor_client):
    html = tutor_client.get("/frameworks/?q=K1").get_data(as_text=True)
    found = _results(html)
    assert len(found) == 44 and _count(html) == "44 criteria match “K1”."
    assert found[:12] == ["HSCCLD222/K1"] + [f"HSCCLD222/K{n}" for n in range(10, 20)] + ["HSCCLD327/K1"]
    assert {f.split("/")[1] for f in found} == {"K1"} | {f"K{n}" for n in range(10, 20)}
    assert '<mark>K1</mark>3</a>' in html
    # "p 1" is read as the code P1: P1, P10, P11... of the four NOS units, nothing of the QCF unit
    found = _results(tutor_client.get("/frameworks/?q=p 1").get_data(as_text=True))
    assert len(found) == 27
    assert found[:5] == ["HSCCLD222/P1", "HSCCLD222/P10", "HSCCLD327/P1", "HSCCLD327/P10", "HSCCLD327/P11"]
    assert _results(tutor_client.get("/frameworks/?q=1.3").get_data(as_text=True)) == ["QCF-RELNET/1.3"]
    assert _results(tutor_client.get("/frameworks/?q=2").get_data(as_text=True)) == [
        "QCF-RELNET/2.1", "QCF-RELNET/2.2", "QCF-RELNET/2.3"]


def test_unit_page_search_hides_the_rest(tutor_client):
    response = tutor_client.get("/frameworks/HSCCLD327?q=K1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _shown_rows(html) == ["K1"] + [f"K{n}" for n in range(10, 20)]
    assert html.count('<tr id="criterion-') == 35  # the others are there, hidden, for live filtering
    assert _count(html) == "11 criteria match “K1” (35 in this unit)."
    assert '<section class="outcome" id="outcome-1" aria-labelledby="outcome-1-heading" hidden>' in html
    assert '<a href="/frameworks/HSCCLD327">Show all 35 criteria</a>' in html
    assert 'value="K1"' in html

    html = tutor_client.get("/frameworks/HSCCLD327?q=relationships+manage").get_data(as_text=True)
    assert _shown_rows(html) == ["K13"]
    assert ("how to <mark>manage</mark> risks and safeguarding restrictions on "
            "<mark>relationships</mark>") in html


def test_unit_page_without_search_shows_every_row(tutor_client):
    html = tutor_client.get("/frameworks/HSCCLD327").get_data(as_text=True)
    assert len(_shown_rows(html)) == 35
    assert _count(html) == ""
    assert "<mark>" not in html
    assert '<p class="fw-clear" hidden>' in html


def test_search_is_bounded(tutor_client):
    message = "Search: at most 200 characters, this one has 201. Try a code or a few words."
    for path in ("/frameworks/", "/frameworks/HSCCLD327"):
        response = tutor_client.get(path, query_string={"q": "k" * 201})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert f'<p class="error-message" id="fw-q-error">{message}</p>' in html
        assert 'aria-invalid="true"' in html
        ok = tutor_client.get(path, query_string={"q": "k" * 200})
        assert ok.status_code == 200 and "error-message" not in ok.get_data(as_text=True)
    # the unit page still shows every criterion under the message
    assert len(_shown_rows(response.get_data(as_text=True))) == 35
    assert parse_query("   ") is None and parse_query(" " * 300) is None  # spaces are trimmed first


def test_percent_and_underscore_are_plain_characters(app, client, login_as, create_framework):
    outcomes = [{"code": "K.1", "title": "Knowing", "kind": "knowledge", "criteria": [
        {"code": "K1", "kind": "knowledge", "text": "visit at least 50% of the time", "workplace": False},
        {"code": "K2", "kind": "knowledge", "text": "visit 500 times", "workplace": False},
        {"code": "K3", "kind": "knowledge", "text": "read the care_plan file", "workplace": False},
        {"code": "K4", "kind": "knowledge", "text": "read the careXplan file", "workplace": False},
    ]}]
    create_framework("ODD", outcomes=outcomes)
    login_as("learner")
    assert _results(client.get("/frameworks/?q=50%25").get_data(as_text=True)) == ["ODD/K1"]
    assert _results(client.get("/frameworks/?q=care_plan").get_data(as_text=True)) == ["ODD/K3"]
    assert _results(client.get("/frameworks/?q=%25").get_data(as_text=True)) == []
    assert _results(client.get("/frameworks/?q=_").get_data(as_text=True)) == []
    assert _shown_rows(client.get("/frameworks/ODD?q=care_plan").get_data(as_text=True)) == ["K3"]
    html = client.get("/frameworks/?q=<b>").get_data(as_text=True)
    assert "“&lt;b&gt;”" in html and "<b>" not in html


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_search(app, client, create_framework, create_user, role):
    create_framework("TESTFW")
    for org in ("First", "Another organisation"):
        user = create_user(role, org=org)
        client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
        assert f"Signed in as {user.name}." in client.get("/frameworks/").get_data(as_text=True)
        across = client.get("/frameworks/?q=P2")
        assert across.status_code == 200
        assert _results(across.get_data(as_text=True)) == ["TESTFW/P2"]
        unit = client.get("/frameworks/TESTFW?q=P2")
        assert unit.status_code == 200 and _shown_rows(unit.get_data(as_text=True)) == ["P2"]
        client.post("/logout")


def test_anonymous_is_sent_to_sign_in(app, client):
    for path in ("/frameworks/?q=K1", "/frameworks/HSCCLD327?q=K1"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
