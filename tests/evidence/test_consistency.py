"""The learner and the tutor see the same state for the same criterion, in every state: the
learner's criteria page, dashboard and unit record, the tutor's criteria map, its CSV and the unit
record, and the API for both.

Each case writes the rows behind one state directly (an attempt with criteria results, workplace
evidence, an assessor's decision, an IQA review), then reads every place."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from flask import Flask
from lxml import html as lxml_html
from sqlalchemy import select

from course.extensions import db
from tests.evidence.states_fixtures import (  # noqa: F401  (the fixture)
    K1,
    P1,
    P2,
    T0,
    EvidenceCourse,
    attempt,
    decision,
    evidence,
    evidence_course,
    review,
    rule,
)
from tests.helpers import login

DAY = dt.timedelta(days=1)


def _nothing(ec: EvidenceCourse) -> None:
    return None


def _knowledge_shown(ec: EvidenceCourse) -> None:
    attempt(ec, {K1: rule(1.0)})


def _formative_only(ec: EvidenceCourse) -> None:
    attempt(ec, {K1: rule(1.0)}, formative=True)


def _rule_not_met(ec: EvidenceCourse) -> None:
    attempt(ec, {K1: rule(0.0, met=False)})


def _performance_in_a_quiz(ec: EvidenceCourse) -> None:
    attempt(ec, {P1: rule(0.8)})


def _submitted(ec: EvidenceCourse) -> None:
    evidence(ec, [P1], "Supporting lunch")


def _referred(ec: EvidenceCourse) -> None:
    decision(ec, evidence(ec, [P1], "Supporting lunch"), P1, "referred", T0 + DAY, "Not enough detail.")


def _referred_then_new_evidence(ec: EvidenceCourse) -> None:
    _referred(ec)
    evidence(ec, [P1], "Second observation", T0 + 2 * DAY)


def _met(ec: EvidenceCourse) -> None:
    decision(ec, evidence(ec, [P1], "Supporting lunch"), P1, "met", T0 + DAY)


def _iqa_returned(ec: EvidenceCourse) -> None:
    review(ec, decision(ec, evidence(ec, [P1], "Supporting lunch"), P1, "met", T0 + DAY), "action", T0 + 2 * DAY,
           "Say which part of P1 was seen.")


def _iqa_confirmed(ec: EvidenceCourse) -> None:
    review(ec, decision(ec, evidence(ec, [P1], "Supporting lunch"), P1, "met", T0 + DAY), "agreed", T0 + 2 * DAY)


def _knowledge_referred(ec: EvidenceCourse) -> None:
    attempt(ec, {K1: rule(1.0)})
    decision(ec, evidence(ec, [K1], "Professional discussion"), K1, "referred", T0 + DAY)


CASES = [
    ("not started", _nothing, K1, "Not started"),
    ("knowledge shown", _knowledge_shown, K1, "Knowledge shown"),
    ("formative quiz never counts", _formative_only, K1, "Not started"),
    ("quiz rule not met", _rule_not_met, K1, "Not started"),
    ("performance answered in a quiz", _performance_in_a_quiz, P1, "Not started"),
    ("evidence submitted", _submitted, P1, "Evidence submitted"),
    ("referred", _referred, P1, "Referred"),
    ("referred then newer evidence", _referred_then_new_evidence, P1, "Evidence submitted"),
    ("met", _met, P1, "Met"),
    ("sent back by IQA", _iqa_returned, P1, "Sent back by IQA"),
    ("IQA confirmed", _iqa_confirmed, P1, "IQA confirmed"),
    ("knowledge criterion referred", _knowledge_referred, K1, "Referred"),
]


def _row_id(ref: str) -> str:
    return "criterion-" + ref.replace("/", "-")


def table_state(page: str, ref: str) -> str:
    """The state shown in the criteria table's row for ``ref``."""
    [cell] = lxml_html.fromstring(page).xpath(f'//tr[@id="{_row_id(ref)}"]//span[contains(@class, "cr-state")]')
    return cell.text_content().strip()


def dashboard_state(page: str, ref: str) -> str:
    """The state the dashboard lists for ``ref`` under each module teaching it (all the same)."""
    cells = lxml_html.fromstring(page).xpath(
        f'//ul[@class="cr-module-states"]/li[starts-with(normalize-space(.), "{ref}:")]/span')
    assert cells, f"{ref} is not on the dashboard"
    return " / ".join(sorted({c.text_content().strip() for c in cells}))


def unit_record_state(page: str, ref: str) -> str:
    """The state the unit record shows for ``ref`` (its rows are keyed by the criterion's code)."""
    [cell] = lxml_html.fromstring(page).xpath(
        f'//tr[@id="criterion-{ref.split("/")[1]}"]//strong[contains(@class, "ur-state")]')
    return cell.text_content().strip()


def csv_state(text: str, ref: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    [row] = [r for r in rows if r["criterion"] == ref]
    return row["status"]


def seen_everywhere(app: Flask, ec: EvidenceCourse, ref: str) -> dict[str, str]:
    """The label each place shows for ``ref``: learner's pages, unit record and API; tutor's map, CSV,
    unit record and API."""
    learner, tutor = app.test_client(), app.test_client()
    with app.app_context():
        from course.models import User

        user = db.session.get(User, ec.learner_id)
        user.set_password("a long enough password")
        db.session.commit()
    assert login(learner, ec.learner_email, "a long enough password").status_code == 302
    assert login(tutor, ec.tutor_email).status_code == 302
    api = f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria"
    with app.app_context():
        from course.models import Framework

        framework_id = db.session.scalar(select(Framework.id).where(Framework.code == ref.split("/")[0]))
    record = f"/record/courses/{ec.course_id}/learners/{ec.learner_id}/units/{framework_id}"
    base = f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria"
    pages = {
        "learner page": learner.get(f"/learn/courses/{ec.slug}/criteria"),
        "dashboard": learner.get("/learn/"),
        "learner API": learner.get(api),
        "learner's unit record": learner.get(record),
        "criteria map": tutor.get(base),
        "CSV": tutor.get(f"{base}.csv"),
        "tutor API": tutor.get(api),
        "tutor's unit record": tutor.get(record),
    }
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)

    def api_label(r: object) -> str:
        [c] = [c for c in r.get_json()["criteria"] if c["ref"] == ref]  # type: ignore[attr-defined]
        return c["label"]

    return {
        "learner page": table_state(pages["learner page"].text, ref),
        "dashboard": dashboard_state(pages["dashboard"].text, ref),
        "learner API": api_label(pages["learner API"]),
        "learner's unit record": unit_record_state(pages["learner's unit record"].text, ref),
        "criteria map": table_state(pages["criteria map"].text, ref),
        "CSV": csv_state(pages["CSV"].text, ref),
        "tutor API": api_label(pages["tutor API"]),
        "tutor's unit record": unit_record_state(pages["tutor's unit record"].text, ref),
    }


@pytest.mark.parametrize("name,make,ref,label", CASES, ids=[c[0] for c in CASES])
def test_every_place_shows_the_same_state(app: Flask, evidence_course: EvidenceCourse, name: str,
                                          make: Callable[[EvidenceCourse], None], ref: str, label: str) -> None:
    with app.app_context():
        make(evidence_course)
        db.session.commit()
    seen = seen_everywhere(app, evidence_course, ref)
    assert seen == dict.fromkeys(seen, label), name


def test_met_and_iqa_states_show_the_assessor_date_and_evidence(app: Flask, evidence_course: EvidenceCourse) -> None:
    ec = evidence_course
    with app.app_context():
        _iqa_confirmed(ec)
        decision(ec, evidence(ec, [P2], "Handover notes"), P2, "met", T0 + DAY, "Accurate and timely.")
        db.session.commit()
    client = app.test_client()
    assert login(client, ec.tutor_email).status_code == 302
    page = client.get(f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria").text
    [row] = lxml_html.fromstring(page).xpath(f'//tr[@id="{_row_id(P1)}"]')
    reasons = [" ".join(li.text_content().split()) for li in row.xpath('.//ul[@class="cr-reasons"]/li')]
    assert reasons == ["Assessor Asha Assessor judged it met on 2026-11-03 against \u201cSupporting lunch\u201d.",
                       "IQA Ian Iqa agreed on 2026-11-04."]
    shown = [" ".join(li.text_content().split()) for li in row.xpath('.//ul[@class="cr-evidence"]/li')]
    assert shown == ["Met by Asha Assessor on 3 Nov 2026: \u201cSupporting lunch\u201d", "IQA Ian Iqa agreed on 4 Nov 2026"]
    rows = {r["criterion"]: r for r in csv.DictReader(io.StringIO(
        client.get(f"/reports/courses/{ec.course_id}/learners/{ec.learner_id}/criteria.csv").text))}
    assert [rows[P2][k] for k in ("status", "assessor", "decided on", "evidence", "IQA", "IQA reviewed on")] == [
        "Met", "Asha Assessor", "2026-11-03", "Handover notes", "", ""]
    assert [rows[P1][k] for k in ("status", "IQA", "IQA reviewed on")] == ["IQA confirmed", "Ian Iqa", "2026-11-04"]
    body = client.get(f"/api/v1/courses/{ec.slug}/learners/{ec.learner_id}/criteria").get_json()
    p2 = next(c for c in body["criteria"] if c["ref"] == P2)
    assert p2["decision"] == {"outcome": "met", "assessor": "Asha Assessor", "decided_at": "2026-11-03T10:00:00+00:00",
                              "evidence_id": p2["decision"]["evidence_id"], "evidence_title": "Handover notes",
                              "comment": "Accurate and timely.", "iqa": None}
    assert body["counts"] == {"not_started": 2, "knowledge_shown": 0, "evidence_submitted": 0, "referred": 0,
                              "met": 1, "iqa_returned": 0, "iqa_confirmed": 1}


def test_an_essay_tagged_to_performance_criteria_marked_0_8_meets_none_of_them(
        app: Flask, evidence_course: EvidenceCourse) -> None:
    """The issue's case: a tutor marks a reflective essay tagged to P1 and P2 0.8. The quiz rule is
    met for both in that attempt, but a quiz cannot meet a workplace criterion: both stay "Not
    started" (needs workplace evidence) for the learner, in the player's results and for the tutor."""
    from course.learning import attempts, essays, submission
    from course.learning.models import AnswerMark
    from course.models import User

    ec = evidence_course
    with app.app_context():
        learner = db.session.get(User, ec.learner_id)
        from course.authoring.models import Module

        a = attempts.start_attempt(learner, db.session.get(Module, ec.m1), seed=1)
        submission.submit_attempt(a, ["a", "In my shift I asked Mrs Patel what she wanted for lunch."])
        db.session.commit()
        attempt_id = a.id
        item = db.session.scalar(db.select(AnswerMark).where(AnswerMark.attempt_id == a.id,
                                                             AnswerMark.question_id == "q-essay"))
        essays.mark_essay(item, "", 0.8, "Thoughtful.", tutor=db.session.scalar(
            db.select(User).where(User.email == ec.tutor_email)))
        db.session.commit()
        done = db.session.get(type(a), attempt_id)
        assert done.status == "finished"
        assert done.criteria_results[P1] == {"score": 0.8, "max": 1.0, "fraction": 0.8, "met": True}
    for ref in (P1, P2):
        seen = seen_everywhere(app, ec, ref)
        assert seen == dict.fromkeys(seen, "Not started"), ref
    # K1 was answered right in the same summative attempt: knowledge shown, on both sides.
    seen = seen_everywhere(app, ec, K1)
    assert seen == dict.fromkeys(seen, "Knowledge shown")
    # The player's results and the review page: the rule was met in this attempt, the state is not "Met".
    client = app.test_client()
    assert login(client, ec.learner_email, "a long enough password").status_code == 302
    result = client.get(f"/learn/api/attempts/{attempt_id}").get_json()["result"]
    p1 = next(c for c in result["criteria"] if c["ref"] == P1)
    assert (p1["attempt_result"], p1["note"], p1["state"], p1["label"]) == (
        "Quiz rule met in this attempt",
        "A quiz cannot meet this criterion: it needs workplace evidence judged by an assessor.",
        "not_started", "Not started")
    assert p1["reasons"] == ["Answered in a quiz, but a quiz cannot meet a workplace criterion: an assessor must "
                             "judge workplace evidence."]
    k1 = next(c for c in result["criteria"] if c["ref"] == K1)
    assert (k1["attempt_result"], k1["note"], k1["label"]) == ("Quiz rule met in this attempt", "", "Knowledge shown")
    review_page = client.get(f"/learn/attempts/{attempt_id}").text
    rows = lxml_html.fromstring(review_page).xpath('//table[.//caption[text()="Results by criterion"]]/tbody/tr')
    cells = {r.xpath("./th")[0].text.strip(): [" ".join(td.text_content().split()) for td in r.xpath("./td")]
             for r in rows}
    assert list(cells) == [K1, P1, P2]
    assert cells[P1][:2] == ["80%", "Quiz rule met in this attemptA quiz cannot meet this criterion: it needs "
                                    "workplace evidence judged by an assessor."]
    assert cells[P1][2].startswith("Not started")
    assert cells[K1][1:] == ["Quiz rule met in this attempt", f"Knowledge shownQuiz rule met in Choices, attempt 1 "
                             f"(100%, {dt.datetime.now(dt.UTC).date().isoformat()})."]
