"""The sampling plan and its sample: each strategy's exact selection, filters, determinism, the
plan's audit entry; and the IQA's review (a new row each time, never an edit, with its audit entry).

The fixture's decisions (tests/evidence/iqa_fixtures.py), by assessor and quarter, with the first
eight hex digits of each one's stable rank (the sample takes the lowest within a group):
  Ada 2026 Q3: 1 (138a610d), 2 (bffbd1bf), 3 (0a8dbaf5), 5 (8d2cdb68), 11 (29a4d818); 4 is superseded
  Ada 2026 Q4: 6 (5125a45a), 7 (e0c80fee)
  Bob 2026 Q4: 8 (f9dd4890), 9 (d3aa77ef), 10 (68dd681b)
"""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from course.evidence import iqa, sampling
from course.evidence.models import AuditEntry, CriterionDecision, IqaReview, SamplingPlan
from course.evidence.status import learner_statuses
from course.extensions import db
from course.models import User
from tests.evidence.iqa_fixtures import P1, P2, IqaCourse, get_course, iqa_course  # noqa: F401

END = dt.date(2026, 12, 31)


def _plan(course, **fields):
    plan = sampling.plan_for(course)
    for name, value in fields.items():
        setattr(plan, name, value)
    return plan


def _ids(fx: IqaCourse, *positions: int) -> list[int]:
    return [fx.decisions[p] for p in positions]


def test_stable_rank_is_a_hash_of_the_decision_id():
    assert sampling.stable_rank(3) == hashlib.sha256(b"decision:3").hexdigest()
    assert sampling.stable_rank(3).startswith("0a8dbaf5")


def test_every_assessor_each_quarter_takes_the_share_of_each_assessor_and_quarter(app, iqa_course):
    with app.app_context():
        course = get_course()
        found = sampling.sample(course, END, _plan(course, strategy="every_assessor_quarterly", percentage=30))
        # Ada Q3: 30% of 5 -> 2 (3, 1); Ada Q4: 30% of 2 -> 1 (6); Bob Q4: 30% of 3 -> 1 (10).
        assert found.ids == _ids(iqa_course, 1, 3, 6, 10)
        assert found.eligible == 10
        assert [s.reason for s in found.items] == [
            "Ada Assessor, 2026 Q3: 2 of 5 decisions (30% rounded up, at least one).",
            "Ada Assessor, 2026 Q3: 2 of 5 decisions (30% rounded up, at least one).",
            "Ada Assessor, 2026 Q4: 1 of 2 decisions (30% rounded up, at least one).",
            "Bob Assessor, 2026 Q4: 1 of 3 decisions (30% rounded up, at least one).",
        ]
        assert found.explanation[:2] == [
            "10 current decisions made up to 2026-12-31 match the plan's filters.",
            "For every assessor, 30% of their decisions in each calendar quarter, rounded up, and at least one.",
        ]


def test_quarterly_takes_at_least_one_per_assessor_and_quarter(app, iqa_course):
    with app.app_context():
        course = get_course()
        found = sampling.sample(course, END, _plan(course, strategy="every_assessor_quarterly", percentage=1))
        assert found.ids == _ids(iqa_course, 3, 6, 10)


def test_new_assessor_fully_takes_every_decision_of_a_new_assessor(app, iqa_course):
    with app.app_context():
        course = get_course()
        bob = iqa_course.users["bob"].id
        found = sampling.sample(course, END, _plan(course, strategy="new_assessor_fully", percentage=30,
                                                   new_assessor_ids=[bob]))
        assert found.ids == _ids(iqa_course, 1, 3, 6, 8, 9, 10)
        assert {s.reason for s in found.items if s.decision.assessor_id == bob} == {
            "Every decision of Bob Assessor, a new assessor."}
        assert "Every decision of a new assessor (Bob Assessor) is sampled." in found.explanation
        # The same list under the quarterly strategy ignores "new": Bob is sampled quarterly.
        quarterly = sampling.sample(course, END, _plan(course, strategy="every_assessor_quarterly", percentage=30,
                                                       new_assessor_ids=[bob]))
        assert quarterly.ids == _ids(iqa_course, 1, 3, 6, 10)


def test_percentage_takes_the_share_rounded_up_and_one_of_every_assessor(app, iqa_course):
    with app.app_context():
        course = get_course()
        found = sampling.sample(course, END, _plan(course, strategy="percentage", percentage=30))
        # 30% of 10 -> 3 lowest ranks overall (3, 1, 11: all Ada's), then Bob's lowest (10).
        assert found.ids == _ids(iqa_course, 1, 3, 10, 11)
        assert found.explanation[1:3] == ["30% of them, rounded up: 3.",
                                          "Plus 1 decision so that every assessor has at least one sampled."]
        everything = sampling.sample(course, END, _plan(course, strategy="percentage", percentage=100))
        assert everything.ids == _ids(iqa_course, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11)  # never 4: superseded


def test_filters_narrow_the_eligible_decisions(app, iqa_course):
    with app.app_context():
        course = get_course()
        users = iqa_course.users
        every = dict(strategy="percentage", percentage=100)
        assert sampling.sample(course, END, _plan(course, **every, learner_ids=[users["lee"].id])).ids == \
            _ids(iqa_course, 1, 2, 5, 6, 8)
        assert sampling.sample(course, END, _plan(course, **every, assessor_ids=[users["bob"].id])).ids == \
            _ids(iqa_course, 8, 9, 10)
        assert sampling.sample(course, END, _plan(course, **every, criteria=[P2])).ids == _ids(iqa_course, 2, 6, 10, 11)
        assert sampling.sample(course, END, _plan(course, **every, evidence_kinds=["product"])).ids == \
            _ids(iqa_course, 3, 8, 11)
        both = _plan(course, **every, learner_ids=[users["mia"].id], evidence_kinds=["observation"])
        assert sampling.sample(course, END, both).ids == _ids(iqa_course, 7, 9)
        # Decisions after "today" are not sampled yet.
        assert sampling.sample(course, dt.date(2026, 7, 31), _plan(course, **every)).ids == _ids(iqa_course, 1, 2)


def test_the_sample_is_the_same_on_every_call_and_shows_reviews(app, iqa_course):
    with app.app_context():
        course = get_course()
        first = sampling.sample(course, END).ids  # the default plan: quarterly, 25%
        assert first == sampling.sample(course, END).ids == _ids(iqa_course, 1, 3, 6, 10)
        decision = db.session.get(CriterionDecision, iqa_course.decisions[3])
        iqa.review_decision(course, decision, db.session.get(User, iqa_course.users["iqa"].id), outcome="agreed")
        db.session.commit()
        found = sampling.sample(course, END)
        assert [(s.decision.id, s.review.outcome if s.review else None) for s in found.items] == [
            (iqa_course.decisions[1], None), (iqa_course.decisions[3], "agreed"),
            (iqa_course.decisions[6], None), (iqa_course.decisions[10], None)]
        assert found.reviewed_count == 1


def test_saving_the_plan_writes_plan_changed_with_old_and_new(app, iqa_course):
    with app.app_context():
        course = get_course()
        ivy = db.session.get(User, iqa_course.users["iqa"].id)
        bob = iqa_course.users["bob"].id
        plan, changed = sampling.save_plan(course, ivy, strategy="new_assessor_fully", percentage="40",
                                           new_assessor_ids=[str(bob)], evidence_kinds=["product", "observation"])
        db.session.commit()
        assert changed
        first = {"strategy": "new_assessor_fully", "percentage": 40, "learner_ids": [], "assessor_ids": [],
                 "criteria": [], "evidence_kinds": ["observation", "product"], "new_assessor_ids": [bob]}
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.action, entry.subject_type, entry.subject_id, entry.actor_id, entry.course_id,
                entry.old, entry.new) == ("plan.changed", "sampling_plan", str(plan.id), ivy.id, course.id, None, first)
        _, changed = sampling.save_plan(course, ivy, strategy="new_assessor_fully", percentage=40,
                                        new_assessor_ids=[bob], evidence_kinds=["observation", "product"])
        assert not changed
        sampling.save_plan(course, ivy, strategy="percentage", percentage=10)
        db.session.commit()
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert len(entries) == 2
        assert entries[1].old == first
        assert entries[1].new == {"strategy": "percentage", "percentage": 10, "learner_ids": [], "assessor_ids": [],
                                  "criteria": [], "evidence_kinds": [], "new_assessor_ids": []}
        assert db.session.scalar(select(func.count()).select_from(SamplingPlan)) == 1


@pytest.mark.parametrize("fields, message", [
    ({"strategy": "random"}, "Strategy is one of: Every assessor, each quarter; Every decision of a new assessor, "
                             "then every assessor each quarter; A fixed share of all decisions."),
    ({"percentage": "0"}, "Percentage is a whole number from 1 to 100."),
    ({"percentage": "101"}, "Percentage is a whole number from 1 to 100."),
    ({"percentage": "ten"}, "Percentage is a whole number from 1 to 100."),
    ({"learner_ids": ["999"]}, "Learners: '999' is not one of this course's learners."),
    ({"assessor_ids": ["abc"]}, "Assessors: 'abc' is not one of this course's assessors."),
    ({"criteria": ["OTHER/X1"]}, "Criteria: 'OTHER/X1' is not one of this course's criteria."),
    ({"evidence_kinds": ["video"]}, "Evidence kinds: 'video' is not one of this course's evidence kinds."),
])
def test_a_bad_plan_is_refused_and_changes_nothing(app, iqa_course, fields, message):
    with app.app_context():
        course = get_course()
        ivy = db.session.get(User, iqa_course.users["iqa"].id)
        args = {"strategy": "percentage", "percentage": "20", **fields}
        with pytest.raises(sampling.IqaError) as caught:
            sampling.save_plan(course, ivy, **args)
        db.session.rollback()
        assert caught.value.message == message
        assert db.session.scalar(select(func.count()).select_from(SamplingPlan)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_review_is_a_new_row_each_time_with_its_audit_entry(app, iqa_course):
    with app.app_context():
        course = get_course()
        ivy = db.session.get(User, iqa_course.users["iqa"].id)
        decision = db.session.get(CriterionDecision, iqa_course.decisions[1])
        first = iqa.review_decision(course, decision, ivy, outcome="action", actions="Record where it was observed.",
                                    comment="Thin evidence.")
        db.session.commit()
        lee = iqa_course.users["lee"].id
        second = iqa.review_decision(course, decision, ivy, outcome="agreed", actions="ignored when agreed")
        db.session.commit()
        rows = db.session.scalars(select(IqaReview).order_by(IqaReview.id)).all()
        assert [(r.id, r.outcome, r.actions, r.comment) for r in rows] == [
            (first.id, "action", "Record where it was observed.", "Thin evidence."), (second.id, "agreed", "", "")]
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.subject_type, e.subject_id, e.learner_id, e.old, e.new) for e in entries] == [
            ("review.made", "decision", str(decision.id), lee, None,
             {"outcome": "action", "comment": "Thin evidence.", "actions": "Record where it was observed.",
              "criterion": P1, "review_id": first.id}),
            ("review.made", "decision", str(decision.id), lee,
             {"outcome": "action", "actions": "Record where it was observed."},
             {"outcome": "agreed", "comment": "", "actions": "", "criterion": P1, "review_id": second.id}),
        ]


def test_the_latest_review_decides_the_state(app, iqa_course):
    with app.app_context():
        course = get_course()
        ivy = db.session.get(User, iqa_course.users["iqa"].id)
        mia = iqa_course.users["mia"].id
        # Mia's current P2 decision is Bob's of 21 November (10), the newest.
        decision = db.session.get(CriterionDecision, iqa_course.decisions[10])
        iqa.review_decision(course, decision, ivy, outcome="action", actions="Add a witness statement.")
        db.session.commit()
        assert learner_statuses(course, mia)[P2].state == "iqa_returned"
        iqa.review_decision(course, decision, ivy, outcome="agreed")
        db.session.commit()
        assert learner_statuses(course, mia)[P2].state == "iqa_confirmed"


@pytest.mark.parametrize("position, who, fields, message, field", [
    (1, "iqa", {"outcome": "action", "actions": "  "},
     "Say what the assessor must do: actions are required when you send a decision back.", "actions"),
    (1, "iqa", {"outcome": "maybe"}, "Choose whether you agree with the decision or send it back with actions.",
     "outcome"),
    (1, "iqa", {"outcome": "agreed", "comment": "x" * 5001}, "Comment is at most 5,000 characters.", "comment"),
    (4, "iqa", {"outcome": "agreed"}, "A newer decision replaced this one: review the current decision instead.",
     "decision"),
    (1, "ada", {"outcome": "agreed"}, "You made this decision: another quality assurer must review it.", "decision"),
])
def test_a_bad_review_is_refused_and_stores_nothing(app, iqa_course, position, who, fields, message, field):
    with app.app_context():
        course = get_course()
        actor = db.session.get(User, iqa_course.users[who].id)
        decision = db.session.get(CriterionDecision, iqa_course.decisions[position])
        with pytest.raises(sampling.IqaError) as caught:
            iqa.review_decision(course, decision, actor, **fields)
        db.session.rollback()
        assert (caught.value.message, caught.value.field) == (message, field)
        assert db.session.scalar(select(func.count()).select_from(IqaReview)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_another_courses_decision_cannot_be_reviewed_here(app, iqa_course):
    with app.app_context():
        course = get_course()
        assert iqa.course_decision(course, iqa_course.other_decision) is None
        theirs = db.session.get(CriterionDecision, iqa_course.other_decision)
        with pytest.raises(sampling.IqaError, match="That decision is not on this course."):
            iqa.review_decision(course, theirs, db.session.get(User, iqa_course.users["iqa"].id), outcome="agreed")
