"""``decide``: every rule and every state, on facts built by hand (no database)."""
from __future__ import annotations

import datetime as dt

import pytest

from course.evidence.status import STATES, CriterionFacts, Decision, PendingEvidence, QuizResult, count_states, decide

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def knowledge(**kw: object) -> CriterionFacts:
    return CriterionFacts("TESTFW/K1", "knowledge", False, **kw)  # type: ignore[arg-type]


def performance(**kw: object) -> CriterionFacts:
    return CriterionFacts("TESTFW/P1", "performance", True, **kw)  # type: ignore[arg-type]


def quiz(at: dt.datetime = T0, number: int = 1, fraction: float = 0.75) -> QuizResult:
    return QuizResult(attempt_id=11, module_title="Choices", attempt_number=number, finished_at=at, fraction=fraction)


def pending(at: dt.datetime = T0, title: str = "Supporting lunch") -> PendingEvidence:
    return PendingEvidence(evidence_id=21, title=title, kind="observation", submitted_at=at)


def decided(outcome: str = "met", at: dt.datetime = T0, review: str | None = None, actions: str = "",
            comment: str = "Clear and confident.") -> Decision:
    return Decision(decision_id=31, evidence_id=21, evidence_title="Supporting lunch", outcome=outcome,
                    comment=comment, assessor="Asha Assessor", decided_at=at, review_outcome=review,
                    review_by="Ian Iqa" if review else "", reviewed_at=at + DAY if review else None,
                    review_actions=actions)


def test_nothing_is_not_started_with_the_reason_for_each_kind() -> None:
    k = decide(knowledge())
    assert (k.state, k.label, k.achieved) == ("not_started", "Not started", False)
    assert k.reasons == ("No summative quiz result or workplace evidence yet.",)
    p = decide(performance())
    assert (p.state, p.reasons) == ("not_started", ("Needs workplace evidence judged by an assessor.",))


def test_a_summative_quiz_rule_met_shows_knowledge() -> None:
    s = decide(knowledge(quiz=[quiz()]))
    assert (s.state, s.label, s.achieved) == ("knowledge_shown", "Knowledge shown", True)
    assert s.reasons == ("Quiz rule met in Choices, attempt 1 (75%, 2026-11-02).",)
    assert [q.attempt_id for q in s.quiz] == [11]


def test_a_performance_criterion_answered_in_a_quiz_stays_not_started_with_the_reason() -> None:
    s = decide(performance(quiz=[quiz(fraction=0.8)]))
    assert (s.state, s.achieved) == ("not_started", False)
    assert s.reasons == ("Answered in a quiz, but a quiz cannot meet a workplace criterion: an assessor must "
                         "judge workplace evidence.",)


def test_a_knowledge_criterion_kept_for_the_workplace_is_not_shown_by_a_quiz() -> None:
    s = decide(CriterionFacts("TESTFW/K2", "knowledge", True, quiz=[quiz()]))
    assert s.state == "not_started" and s.reasons[0].startswith("Answered in a quiz, but a quiz cannot meet")


def test_evidence_awaiting_the_assessor_is_evidence_submitted() -> None:
    s = decide(performance(pending=[pending()]))
    assert (s.state, s.label, s.achieved) == ("evidence_submitted", "Evidence submitted", False)
    assert s.reasons == ("Evidence \u201cSupporting lunch\u201d submitted 2026-11-02, awaiting the assessor.",)


def test_the_assessors_met_decision_meets_it_with_who_when_and_what() -> None:
    s = decide(performance(decision=decided("met")))
    assert (s.state, s.label, s.achieved) == ("met", "Met", True)
    assert s.reasons == ("Assessor Asha Assessor judged it met on 2026-11-02 against \u201cSupporting lunch\u201d: "
                         "Clear and confident.",)


def test_referred_stays_referred() -> None:
    s = decide(performance(decision=decided("referred", comment="")))
    assert (s.state, s.label, s.achieved) == ("referred", "Referred", False)
    assert s.reasons == ("Assessor Asha Assessor judged it referred on 2026-11-02 against \u201cSupporting lunch\u201d.",)


def test_referred_then_newer_evidence_is_evidence_submitted() -> None:
    s = decide(performance(decision=decided("referred"), pending=[pending(T0 + DAY, "Second observation")]))
    assert s.state == "evidence_submitted"
    # Evidence from before the referral does not reopen it.
    assert decide(performance(decision=decided("referred", at=T0 + DAY), pending=[pending(T0)])).state == "referred"


def test_iqa_agreed_is_iqa_confirmed() -> None:
    s = decide(performance(decision=decided("met", review="agreed")))
    assert (s.state, s.label, s.achieved) == ("iqa_confirmed", "IQA confirmed", True)
    assert s.reasons[1] == "IQA Ian Iqa agreed on 2026-11-03."


def test_iqa_action_is_sent_back() -> None:
    s = decide(performance(decision=decided("met", review="action", actions="Say which part of P1 was seen.")))
    assert (s.state, s.label, s.achieved) == ("iqa_returned", "Sent back by IQA", False)
    assert s.reasons[1] == "IQA Ian Iqa sent it back on 2026-11-03: Say which part of P1 was seen."


def test_a_knowledge_criterion_with_a_quiz_result_and_a_referral_is_referred() -> None:
    s = decide(knowledge(quiz=[quiz()], decision=decided("referred")))
    assert (s.state, s.achieved) == ("referred", False)
    assert s.reasons[0].startswith("Assessor Asha Assessor judged it referred")
    assert s.reasons[1] == "Quiz rule met in Choices, attempt 1 (75%, 2026-11-02)."


def test_a_knowledge_criterion_met_by_an_assessor_is_met() -> None:
    assert decide(knowledge(quiz=[quiz()], decision=decided("met"))).state == "met"


@pytest.mark.parametrize("facts,state", [
    (knowledge(), "not_started"), (knowledge(quiz=[quiz()]), "knowledge_shown"),
    (performance(pending=[pending()]), "evidence_submitted"), (performance(decision=decided("referred")), "referred"),
    (performance(decision=decided("met")), "met"), (performance(decision=decided("met", review="action")), "iqa_returned"),
    (performance(decision=decided("met", review="agreed")), "iqa_confirmed"),
])
def test_every_state_is_reached_and_counted(facts: CriterionFacts, state: str) -> None:
    s = decide(facts)
    assert s.state == state and s.label == STATES[state]
    assert count_states([s]) == {**dict.fromkeys(STATES, 0), state: 1}
    assert s.as_dict()["state"] == state and s.as_dict()["label"] == STATES[state]


def test_as_dict_carries_the_decision_and_its_review() -> None:
    d = decide(performance(decision=decided("met", review="agreed"))).as_dict()
    assert d["decision"] == {
        "outcome": "met", "assessor": "Asha Assessor", "decided_at": "2026-11-02T10:00:00+00:00", "evidence_id": 21,
        "evidence_title": "Supporting lunch", "comment": "Clear and confident.",
        "iqa": {"outcome": "agreed", "by": "Ian Iqa", "at": "2026-11-03T10:00:00+00:00", "actions": ""}}
    assert d["achieved"] is True and d["quiz_attempts"] == [] and d["pending_evidence"] == []
