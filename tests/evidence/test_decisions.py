"""The assessor's decision: judging claimed criteria, supersession with audit, the queue, and a
marked essay as evidence only for the criteria the assessor ticks."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from course.authoring.models import Course
from course.evidence import decisions, essay_evidence, records
from course.evidence.models import AuditEntry, CriterionDecision, WorkplaceEvidence
from course.evidence.status import learner_statuses
from course.extensions import db
from course.learning.models import AnswerMark
from course.models import User
from course.models.base import utcnow
from tests.evidence.conftest_evidence import (ESSAY_ANSWER, K1, P1, P2, audit_actions, counts, ctx, get, valid_fields,
                                              world)

__all__ = ["ctx", "world"]


def user(w, key):
    return get(User, w.users[key].id)


def evidence(w, *, actor="tutor", claimed=(P1, P2, K1), declared=False, learner="learner", **kw):
    e = records.record_evidence(get(Course, w.course_id), user(w, learner), user(w, actor),
                                **valid_fields(claimed=list(claimed), **kw),
                                declaration=records.DECLARATION if declared else None)
    db.session.flush()
    return e


def test_assessor_judges_two_met_and_refers_one(world, ctx):
    e = evidence(world)
    rows = decisions.judge(e, user(world, "assessor"), {
        P1: ("met", "Seen offering a choice."), P2: ("met", ""), K1: ("referred", "Explain why consent matters.")})
    assert [(r.criterion_ref, r.outcome, r.comment, r.superseded, r.supersedes_id) for r in rows] == [
        (P1, "met", "Seen offering a choice.", False, None), (P2, "met", "", False, None),
        (K1, "referred", "Explain why consent matters.", False, None)]
    assert all(r.course_id == world.course_id and r.learner_id == world.users["learner"].id for r in rows)
    assert e.assessed_at is not None
    assert audit_actions()[-3:] == ["decision.made"] * 3
    made = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "decision.made")).all()
    assert made[2].old is None and made[2].new["outcome"] == "referred" and made[2].new["evidence_id"] == e.id
    assert made[2].subject_type == "decision" and made[2].subject_id == str(rows[2].id)
    states = learner_statuses(get(Course, world.course_id), world.users["learner"].id)
    assert (states[P1].state, states[P2].state, states[K1].state) == ("met", "met", "referred")


def test_not_judged_leaves_the_evidence_awaiting(world, ctx):
    e = evidence(world)
    decisions.judge(e, user(world, "admin"), {P1: ("met", ""), P2: ("", ""), K1: ("", "")})
    assert e.assessed_at is None
    assert set(decisions.current_decisions(e)) == {P1}
    states = learner_statuses(get(Course, world.course_id), world.users["learner"].id)
    assert (states[P1].state, states[P2].state) == ("met", "evidence_submitted")
    decisions.judge(e, user(world, "assessor"), {P2: ("met", ""), K1: ("met", "")})
    assert e.assessed_at is not None


def test_changing_a_decision_writes_a_new_row_and_audits_old_and_new(world, ctx):
    e = evidence(world, claimed=[P1])
    [first] = decisions.judge(e, user(world, "assessor"), {P1: ("referred", "Needs a witness.")},
                              now=utcnow() - dt.timedelta(days=1))
    first_id = first.id
    [second] = decisions.judge(e, user(world, "admin"), {P1: ("met", "Witness testimony added.")})
    db.session.commit()
    rows = db.session.scalars(select(CriterionDecision).order_by(CriterionDecision.id)).all()
    assert [(r.id, r.outcome, r.comment, r.superseded, r.supersedes_id) for r in rows] == [
        (first_id, "referred", "Needs a witness.", True, None),
        (second.id, "met", "Witness testimony added.", False, first_id)]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decision.changed"))
    assert (entry.old["outcome"], entry.old["comment"], entry.old["decision_id"]) == ("referred", "Needs a witness.", first_id)
    assert (entry.new["outcome"], entry.new["comment"], entry.new["decision_id"]) == ("met", "Witness testimony added.", second.id)
    assert entry.actor_id == world.users["admin"].id and entry.subject_id == str(second.id)
    assert learner_statuses(get(Course, world.course_id), world.users["learner"].id)[P1].state == "met"


def test_an_unchanged_choice_writes_nothing(world, ctx):
    e = evidence(world, claimed=[P1, P2])
    decisions.judge(e, user(world, "assessor"), {P1: ("met", "Seen."), P2: ("met", "")})
    before = counts()
    assert decisions.judge(e, user(world, "assessor"), {P1: ("met", " Seen. "), P2: ("met", "")}) == []
    assert counts() == before


BAD = [
    ({P1: ("met", ""), "TESTFW/K2": ("met", "")}, {"TESTFW/K2": "This evidence does not claim this criterion; only claimed criteria can be judged."}),
    ({P1: ("passed", "")}, {P1: "Choose met, referred or not judged."}),
    ({P1: ("referred", "  ")}, {P1: "Say why it is referred: a comment is required."}),
    ({P1: ("met", "x" * 5001)}, {P1: "The comment is 5,001 characters; at most 5,000."}),
    ({P1: ("", "A thought.")}, {P1: "Choose met or referred for a comment to be kept."}),
    ({P1: ("", ""), P2: ("", "")}, {"decision": "Judge at least one criterion met or referred."}),
    ({}, {"decision": "Judge at least one criterion met or referred."}),
]


@pytest.mark.parametrize(("choices", "errors"), BAD, ids=[f"bad-{i}" for i in range(len(BAD))])
def test_bad_choices_are_named_and_nothing_is_half_saved(world, ctx, choices, errors):
    e = evidence(world, claimed=[P1, P2])
    db.session.commit()
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        # P2 is fine on its own; a bad P1 (or a stray criterion) must keep P2 from being saved too.
        decisions.judge(e, user(world, "assessor"), {P2: ("met", "ok")} | choices if choices and P2 not in choices else choices)
    assert caught.value.errors == errors
    db.session.rollback()
    assert counts() == before and get(WorkplaceEvidence, e.id).assessed_at is None


def test_a_decision_cannot_be_taken_back(world, ctx):
    e = evidence(world, claimed=[P1])
    decisions.judge(e, user(world, "assessor"), {P1: ("met", "")})
    with pytest.raises(records.EvidenceInvalid) as caught:
        decisions.judge(e, user(world, "assessor"), {P1: ("", "")})
    assert caught.value.errors == {P1: "A decision cannot be taken back; change it to met or referred instead."}


def test_learner_recorded_evidence_needs_the_declaration_first(world, ctx):
    e = evidence(world, actor="learner", claimed=[P1])
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        decisions.judge(e, user(world, "assessor"), {P1: ("met", "")})
    assert caught.value.errors == {"declaration": "The learner has not yet declared this evidence their own work; it cannot be judged."}
    assert counts() == before
    records.declare(e, user(world, "learner"), records.DECLARATION)
    assert [r.outcome for r in decisions.judge(e, user(world, "assessor"), {P1: ("met", "")})] == ["met"]


@pytest.mark.parametrize("who", ["tutor", "iqa", "learner", "b_assessor", "b_admin"])
def test_only_assessors_and_admins_of_the_organisation_judge(world, ctx, who):
    e = evidence(world, claimed=[P1])
    with pytest.raises(records.EvidenceDenied):
        decisions.judge(e, user(world, who), {P1: ("met", "")})
    assert e.decisions == []


def test_the_queue_is_oldest_first_across_the_organisation_and_filters_by_course(world, ctx):
    other = Course(organisation_id=world.org_a, slug="second", title="Second course")
    other.course_frameworks = list(get(Course, world.course_id).course_frameworks[:0])
    db.session.add(other)
    old = evidence(world, title="Oldest")
    old.created_at = utcnow() - dt.timedelta(days=3)
    new = evidence(world, title="Newest", learner="learner2")
    undeclared = evidence(world, title="Undeclared", actor="learner")
    decided = evidence(world, title="Done", claimed=[P1])
    decisions.judge(decided, user(world, "assessor"), {P1: ("met", "")})
    db.session.flush()
    queue = decisions.assessment_queue(world.org_a)
    assert [e.title for e in queue.ready] == ["Oldest", "Newest"] and queue.awaiting_declaration == 1
    assert undeclared.id not in [e.id for e in queue.ready]
    assert [e.title for e in decisions.assessment_queue(world.org_a, world.course_id).ready] == ["Oldest", "Newest"]
    assert decisions.assessment_queue(world.org_a, other.id).ready == []
    assert decisions.assessment_queue(world.org_b).ready == [] and decisions.assessment_queue(None).ready == []
    assert new.id in [e.id for e in queue.ready]


# ---------------------------------------------------------------- a marked essay as evidence


def test_marked_essays_are_listed_with_their_performance_criteria(world, ctx):
    [essay] = essay_evidence.marked_essays(get(Course, world.course_id), world.users["learner"].id)
    assert (essay.title, essay.answer, essay.score, essay.max, essay.comment) == (
        "Reflect on consent", ESSAY_ANSWER, 1.5, 2.0, "Good: you asked him.")
    assert essay.criteria == [P1, P2] and essay.evidence_id is None  # K1 is knowledge: a quiz shows it


def test_a_marked_essay_meets_nothing_until_the_assessor_ticks_criteria(world, ctx):
    course = get(Course, world.course_id)
    ann = world.users["learner"].id
    before = learner_statuses(course, ann)
    assert (before[P1].state, before[P2].state) == ("not_started", "not_started")
    item = essay_evidence.essay_item(user(world, "assessor"), world.essay_item)
    e = essay_evidence.use_essay(item, "", user(world, "assessor"))
    assert (e.kind, e.claimed, e.answer_mark_id, e.part, e.title) == (
        "reflective_account", [P1, P2], world.essay_item, "", "Essay: Reflect on consent")
    assert e.recorded_by_id == world.users["assessor"].id and not records.needs_declaration(e)
    assert essay_evidence.essay_of(e)[2] == ESSAY_ANSWER
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence.recorded"))
    assert entry.new["answer_mark_id"] == world.essay_item and entry.new["claimed"] == [P1, P2]
    assert learner_statuses(course, ann)[P1].state == "evidence_submitted"
    decisions.judge(e, user(world, "assessor"), {P1: ("met", "Shows a choice offered."), P2: ("", "")})
    after = learner_statuses(course, ann)
    assert (after[P1].state, after[P2].state) == ("met", "evidence_submitted")
    assert essay_evidence.marked_essays(course, ann)[0].evidence_id == e.id


def test_an_essay_becomes_evidence_once(world, ctx):
    item = get(AnswerMark, world.essay_item)
    essay_evidence.use_essay(item, "", user(world, "admin"))
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        essay_evidence.use_essay(item, "", user(world, "assessor"))
    assert caught.value.errors == {"essay": "This essay is already evidence."}
    assert counts() == before


def test_an_unmarked_essay_or_one_without_performance_criteria_is_refused(world, ctx, monkeypatch):
    item = get(AnswerMark, world.essay_item)
    essays = {k: dict(v) for k, v in item.essays.items()}
    essays[""]["score"] = None
    item.essays = essays
    before = counts()
    with pytest.raises(records.EvidenceInvalid) as caught:
        essay_evidence.use_essay(item, "", user(world, "assessor"))
    assert caught.value.errors == {"essay": "A tutor has not marked this essay yet."}
    essays[""]["score"] = 1.0
    item.essays = essays
    # The same essay, had its question been tagged with a knowledge criterion only.
    monkeypatch.setattr(essay_evidence, "item_questions",
                        lambda attempt: {(item.question_id, item.version): {"title": "T", "criteria": [K1]}})
    with pytest.raises(records.EvidenceInvalid) as caught:
        essay_evidence.use_essay(item, "", user(world, "assessor"))
    assert caught.value.errors == {"essay": "This essay's question is tagged with no performance criteria of the course, "
                                            "so it cannot be workplace evidence."}
    with pytest.raises(records.EvidenceDenied):
        essay_evidence.use_essay(item, "s9", user(world, "assessor"))
    assert counts() == before


@pytest.mark.parametrize("who", ["tutor", "iqa", "learner", "b_assessor", "b_admin"])
def test_only_assessors_and_admins_of_the_organisation_use_essays(world, ctx, who):
    with pytest.raises(records.EvidenceDenied):
        essay_evidence.essay_item(user(world, who), world.essay_item)
    with pytest.raises(records.EvidenceDenied):
        essay_evidence.use_essay(get(AnswerMark, world.essay_item), "", user(world, who))
