"""Learning services with exact marks: attempts, autosave, submission, essays, grading, time."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from course.authoring.models import Module
from course.extensions import db
from course.learning import (
    answers,
    attempts,
    errors,
    essays,
    grading,
    overview,
    player_state,
    results,
    submission,
    time_on_task,
)
from course.learning.hours import TimeByKind
from course.learning.models import Attempt, OfflineLearning, TimeLog, TimeOnTask
from course.models import User
from course.models.base import UTC
from question_bank.draw import assemble_quiz
from tests.learning.conftest import K1, K2, q_essay, q_scenario, q_single, q_tf


def learner_and_module(c):
    return db.session.get(User, c.learner.id), db.session.get(Module, c.module_id)


# ---------------------------------------------------------------- attempts


def test_attempt_is_assembled_from_its_seed_and_replays(make_course, ctx):
    c = make_course([q_single("q1"), q_single("q2"), q_single("q3"), q_tf()],
                    items=[{"draw": {"count": 2, "criterion": K1}}, {"question": "q-tf", "version": 1}], shuffle=True)
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=12345)
    db.session.commit()
    bank = attempts.snapshot_questions(attempt)
    assert [q["id"] for q in bank] == ["q-tf", "q1", "q2", "q3"]
    quiz = {k: v for k, v in attempt.quiz_snapshot.items() if k != "bank"}
    assert attempt.questions == assemble_quiz(quiz, bank, 12345)
    assert len(attempt.questions) == 3
    # Reopening returns the same attempt, same questions, same order.
    again = attempts.start_attempt(user, module)
    assert again.id == attempt.id and again.questions == attempt.questions


def test_random_seed_is_32_bit(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module)
    assert 0 <= attempt.seed < 2**32
    assert attempt.number == 1 and attempt.status == "in_progress"


def test_start_refused_when_not_enrolled(make_course, ctx):
    c = make_course(enrol=False)
    user, module = learner_and_module(c)
    with pytest.raises(errors.NotFound):
        attempts.start_attempt(user, module)


def test_autosave_is_per_item_and_idempotent(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=1)
    db.session.commit()
    answers.save_answer(attempt, 0, "b", question="q-sc", version=1)
    db.session.commit()
    rev = attempt.revision
    answers.save_answer(attempt, 0, "b")  # the same answer again (a retried request)
    db.session.commit()
    assert attempt.revision == rev
    answers.save_answer(attempt, 1, False)
    answers.save_answer(attempt, 0, "a")
    db.session.commit()
    assert attempt.responses == {"0": "a", "1": False}
    assert attempt.revision == rev + 2  # each save is one new revision


def test_autosave_refuses_another_attempts_item_and_bad_index(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=1)
    with pytest.raises(errors.Conflict, match="Item 1 of this attempt is q-sc version 1"):
        answers.save_answer(attempt, 0, "a", question="q-tf", version=1)
    with pytest.raises(errors.Invalid, match="from 0 to 1"):
        answers.save_answer(attempt, 2, "a")
    with pytest.raises(errors.Invalid):
        answers.save_answer(attempt, "0", "a")


def test_stale_revision_gets_409_with_current_state(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=1)
    player_state.save_state(attempt, {"v": 1}, "0:p0")
    db.session.commit()
    old = attempt.revision
    answers.save_answer(attempt, 0, "a", revision=old)
    db.session.commit()
    with pytest.raises(errors.Conflict) as info:
        answers.save_answer(attempt, 1, True, revision=old)
    assert info.value.payload["attempt"]["responses"] == ["a", None]
    assert info.value.payload["attempt"]["revision"] == old + 1


def test_two_tabs_writing_at_once_lose_nothing(app, make_course):
    """Two sessions load the attempt, each saves a different item: the slower one is retried."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    c = make_course()
    with app.app_context():
        user, module = learner_and_module(c)
        attempt_id = attempts.start_attempt(user, module, seed=1).id
        db.session.commit()
        engine = db.engine
        tab_a, tab_b = Session(engine), Session(engine)
        a = tab_a.get(Attempt, attempt_id)
        b = tab_b.get(Attempt, attempt_id)
        a.responses = {**a.responses, "0": "a"}
        tab_a.commit()
        b.responses = {**b.responses, "1": True}
        with pytest.raises(StaleDataError):
            tab_b.commit()  # tab B's write was based on an old revision: refused, not merged blindly
        tab_b.rollback()
        tab_a.close()
        tab_b.close()
        # The view retries the operation on fresh data: both answers survive.
        fresh = db.session.get(Attempt, attempt_id)
        db.session.refresh(fresh)
        answers.save_answer(fresh, 1, True)
        db.session.commit()
        assert fresh.responses == {"0": "a", "1": True}


# ---------------------------------------------------------------- submission


def test_submission_is_marked_by_the_server_not_the_player(make_course, ctx):
    c = make_course([q_single(), q_tf(), q_scenario()], pass_mark=0.6)
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=3)
    answers.save_answer(attempt, 0, "b")
    db.session.commit()
    # The player claims full marks; its answers: item 0 from autosave ("b", wrong), tf right,
    # scenario: wrong branch b -> s3 answered right.
    submission.submit_attempt(attempt, [None, True, {"path": ["s1", "s3"], "answers": {"s1": "b", "s3": "a"}}],
                           client_result={"score": 4, "max": 4})
    db.session.commit()
    assert attempt.status == "finished"
    assert (attempt.score, attempt.max_score, attempt.fraction) == (2.0, 4.0, 0.5)
    assert attempt.passed is False
    assert attempt.criteria_results == {
        K1: {"score": 1.0, "max": 3.0, "fraction": 0.333333, "met": False},
        K2: {"score": 1.0, "max": 1.0, "fraction": 1.0, "met": True},
    }
    assert [m.score for m in attempt.marks] == [0.0, 1.0, 1.0]
    assert attempt.marks[0].feedback == ["No."]
    assert attempt.client_result == {"score": 4, "max": 4}


def test_an_unfinished_scenario_is_completed_by_the_rules(make_course, ctx):
    c = make_course([q_scenario()])
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=3)
    # a step joins the path when the learner moves on (the server keeps the branches)
    assert answers.check_answer(attempt, 0, "a", step="s1") == {"next": "s2"}
    submission.submit_attempt(attempt, None)
    assert attempt.marks[0].response == {"path": ["s1", "s2"], "answers": {"s1": "a", "s2": None}}
    assert attempt.score == 1.0 and attempt.max_score == 2.0


def test_double_submission_is_idempotent(make_course, ctx):
    c = make_course(attempts=2)
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=3)
    submission.submit_attempt(attempt, ["a", False])
    db.session.commit()
    first = results.result_json(attempt)
    again = submission.submit_attempt(attempt, ["b", True])  # a retried or second click
    db.session.commit()
    assert results.result_json(again) == first
    assert first["score"] == 1.0
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    assert attempts.attempts_left(user, module) == 1


def test_malformed_answer_names_the_item_and_stores_nothing(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=3)
    db.session.commit()
    with pytest.raises(errors.Invalid, match=r"item 1: unknown option 'zz'"):
        submission.submit_attempt(attempt, ["zz", True])
    db.session.rollback()
    assert attempt.status == "in_progress" and attempt.marks == []


def test_attempt_limit(make_course, ctx):
    c = make_course(attempts=2)
    user, module = learner_and_module(c)
    for _ in range(2):
        a = attempts.start_attempt(user, module)
        submission.submit_attempt(a, ["b", False])
        db.session.commit()
    assert attempts.attempts_left(user, module) == 0
    with pytest.raises(errors.Conflict, match="used all 2 attempts"):
        attempts.start_attempt(user, module)
    assert [a.number for a in db.session.scalars(select(Attempt).order_by(Attempt.number))] == [1, 2]


def test_submission_refused_once_the_limit_was_reached_elsewhere(make_course, ctx):
    c = make_course(attempts=1)
    user, module = learner_and_module(c)
    a = attempts.start_attempt(user, module, seed=1)
    db.session.commit()
    # Another attempt finished meanwhile (made by hand: start_attempt would reuse the open one).
    other = Attempt(user_id=user.id, module_id=module.id, quiz_id=c.quiz_id, number=2, seed=2,
                    quiz_snapshot=a.quiz_snapshot, questions=a.questions, responses={}, status="finished",
                    criteria_results={})
    db.session.add(other)
    db.session.commit()
    with pytest.raises(errors.Conflict, match="used all 1 attempts"):
        submission.submit_attempt(a, ["a", True])


def test_criterion_threshold_fails_a_pass_on_total(make_course, ctx):
    qs = [q_single("q1", [K1]), q_single("q2", [K1]), q_single("q3", [K1]), q_tf("q4", [K2]), q_tf("q5", [K2])]
    c = make_course(qs, pass_mark=0.6, criterion_threshold=0.5)
    user, module = learner_and_module(c)
    a = attempts.start_attempt(user, module, seed=1)
    submission.submit_attempt(a, ["a", "a", "a", False, False])  # 3 of 5 = 60 %, but K2 at 0 %
    assert a.fraction == 0.6
    assert a.criteria_results[K1]["met"] is True and a.criteria_results[K2]["met"] is False
    assert a.passed is False
    db.session.commit()
    b = attempts.start_attempt(user, module, seed=2)
    submission.submit_attempt(b, ["a", "a", "b", True, False])  # 3 of 5, K1 2/3, K2 1/2: both reach 0.5
    assert b.fraction == 0.6 and b.passed is True


# ---------------------------------------------------------------- essays


def test_essay_goes_to_the_queue_and_the_mark_is_final_when_marked(make_course, ctx):
    c = make_course([q_tf(), q_essay(points=2.0)], pass_mark=0.75)
    user, module = learner_and_module(c)
    tutor = db.session.get(User, c.tutor.id)
    a = attempts.start_attempt(user, module, seed=1)
    submission.submit_attempt(a, [True, "I asked her what she wanted first."])
    db.session.commit()
    assert a.status == "pending_marking" and a.passed is None
    assert (a.score, a.max_score) == (1.0, 1.0)  # provisional: the essay counts nowhere yet
    queue = essays.pending_essays(c.org_id)
    assert [(e.item.position, e.part, e.answer) for e in queue] == [(1, "", "I asked her what she wanted first.")]
    assert essays.pending_essays(c.org_id + 1000) == []
    with pytest.raises(errors.Invalid, match="from 0 to 2"):
        essays.mark_essay(queue[0].item, "", 3, "", tutor=tutor)
    essays.mark_essay(queue[0].item, "", 1, "Good start; say how you checked.", tutor=tutor)
    db.session.commit()
    assert a.status == "finished"
    assert (a.score, a.max_score, a.fraction) == (2.0, 3.0, 0.666667)
    assert a.passed is False
    assert a.criteria_results[K2] == {"score": 2.0, "max": 3.0, "fraction": 0.666667, "met": False}
    assert results.result_json(a)["items"][1]["comments"] == ["Good start; say how you checked."]
    assert essays.pending_essays(c.org_id) == []


def test_essay_step_in_a_scenario_is_marked_into_the_scenario(make_course, ctx):
    scen = q_scenario()
    scen["steps"][1]["question"] = {"id": "c2", "type": "essay", "stem": "Explain her rights.", "points": 1.0}
    c = make_course([scen])
    user, module = learner_and_module(c)
    tutor = db.session.get(User, c.tutor.id)
    a = attempts.start_attempt(user, module, seed=1)
    submission.submit_attempt(a, [{"path": ["s1", "s2"], "answers": {"s1": "a", "s2": "She decides."}}])
    db.session.commit()
    assert a.status == "pending_marking"
    [essay] = essays.pending_essays(c.org_id)
    assert essay.part == "s2" and essay.answer == "She decides."
    essays.mark_essay(essay.item, "s2", 0.5, "", tutor=tutor)
    assert a.status == "finished"
    assert a.score == 1.5 and a.max_score == 2.0  # 2 x (1 + 0.5) / 2


# ---------------------------------------------------------------- grading methods


def fake(number, fraction, passed=None, status="finished", criteria=None):
    return SimpleNamespace(number=number, fraction=fraction, passed=fraction >= 0.5 if passed is None else passed,
                           status=status, criteria_results=criteria or {})


ATTEMPTS = [fake(1, 0.4), fake(2, 0.9), fake(3, 0.6), fake(4, 1.0, status="pending_marking"), fake(5, 0.0, status="in_progress")]


@pytest.mark.parametrize(("method", "fraction", "number", "passed"), [
    ("highest", 0.9, 2, True), ("last", 0.6, 3, True), ("first", 0.4, 1, False), ("average", 0.633333, None, True),
])
def test_grading_methods_over_finished_attempts(method, fraction, number, passed):
    g = grading.grade(ATTEMPTS, method=method, pass_mark=0.5, criterion_threshold=None)
    assert g.fraction == fraction and g.attempts == 3
    assert (g.attempt.number if g.attempt else None) == number
    assert g.passed is passed


def test_highest_prefers_a_passed_attempt_on_a_tie_then_the_earlier():
    tied = [fake(1, 0.8, passed=False), fake(2, 0.8, passed=True), fake(3, 0.8, passed=True)]
    assert grading.grade(tied, method="highest", pass_mark=0.5, criterion_threshold=0.5).attempt.number == 2


def test_average_applies_the_criterion_rule_to_mean_criterion_fractions():
    runs = [fake(1, 0.8, criteria={K1: {"fraction": 1.0, "met": True}, K2: {"fraction": 0.2, "met": False}}),
            fake(2, 0.6, criteria={K1: {"fraction": 0.6, "met": True}, K2: {"fraction": 0.6, "met": True}})]
    g = grading.grade(runs, method="average", pass_mark=0.6, criterion_threshold=0.5)
    assert g.fraction == 0.7
    assert g.criteria == {K1: {"fraction": 0.8, "met": True}, K2: {"fraction": 0.4, "met": False}}
    assert g.passed is False


def test_no_finished_attempt_no_grade():
    g = grading.grade([fake(1, 1.0, status="pending_marking")], method="highest", pass_mark=0.5, criterion_threshold=None)
    assert (g.fraction, g.passed, g.attempts) == (None, None, 0)


# ---------------------------------------------------------------- time on task


def t(seconds):
    return dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC) + dt.timedelta(seconds=seconds)


def test_heartbeats_never_credit_more_than_wall_clock(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    time_on_task.open_session(user, module, now=t(0))
    assert time_on_task.record_heartbeat(user, module, 30, now=t(30)) == 30
    assert time_on_task.record_heartbeat(user, module, 30, now=t(31)) == 1    # a fast script: 1 s passed
    assert time_on_task.record_heartbeat(user, module, 30, now=t(31)) == 0    # no time passed at all
    assert time_on_task.record_heartbeat(user, module, 600, now=t(631)) == 45  # interval 30 + slack 15
    assert time_on_task.record_heartbeat(user, module, 10, now=t(700)) == 10   # a hidden tab reports less
    assert time_on_task.record_heartbeat(user, module, 30, now=t(650)) == 0    # from the past
    db.session.commit()
    assert time_on_task.seconds_on(user, module) == 86
    row = db.session.scalar(select(TimeOnTask))
    assert row.last_heartbeat_at == t(700)
    assert [(r.day, r.seconds) for r in db.session.scalars(select(TimeLog))] == [(dt.date(2026, 11, 23), 86)]


def test_first_heartbeat_without_an_opened_module_only_starts_the_clock(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    assert time_on_task.record_heartbeat(user, module, 30, now=t(0)) == 0
    assert time_on_task.record_heartbeat(user, module, 30, now=t(20)) == 20


def test_time_is_logged_per_day(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    time_on_task.open_session(user, module, now=t(13 * 3600 + 59 * 60 + 40))   # 23:59:40
    time_on_task.record_heartbeat(user, module, 30, now=t(14 * 3600 + 10))       # 00:00:10 next day
    time_on_task.record_heartbeat(user, module, 30, now=t(14 * 3600 + 40))
    db.session.commit()
    assert sorted((r.day.isoformat(), r.seconds) for r in db.session.scalars(select(TimeLog))) == [("2026-11-24", 60)]


def test_heartbeat_refuses_nonsense(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    for bad in (-1, "30", None, True):
        with pytest.raises(errors.Invalid):
            time_on_task.record_heartbeat(user, module, bad, now=t(0))


# ---------------------------------------------------------------- offline learning and progress


def test_offline_learning_counts_for_enrolled_learners_only(make_course, ctx, create_user):
    c = make_course()
    user, module = learner_and_module(c)
    tutor = db.session.get(User, c.tutor.id)
    course = module.course
    time_on_task.record_offline(user, course, date=dt.date(2026, 11, 2), minutes=90, activity="Workshop on consent",
                           outcomes=["TESTFW/K.1"], by=tutor)
    time_on_task.record_offline(user, course, date=dt.date(2026, 11, 3), minutes=30, activity="Supervision", by=tutor)
    time_on_task.record_offline(user, course, date=dt.date(2026, 11, 4), minutes=45, activity="Shadowing",
                                kind="off_the_job", by=tutor)
    assert time_on_task.offline_minutes(user, course) == 165
    assert sorted(db.session.execute(select(OfflineLearning.kind, OfflineLearning.minutes)).all()) == [
        ("guided_session", 30), ("guided_session", 90), ("off_the_job", 45)]
    with pytest.raises(errors.Invalid, match="kind: expected one of guided_session, assessment, off_the_job"):
        time_on_task.record_offline(user, course, date=dt.date(2026, 11, 2), minutes=10, activity="x", kind="lecture",
                                    by=tutor)
    stranger = db.session.get(User, create_user("learner").id)
    with pytest.raises(errors.Invalid, match="not enrolled"):
        time_on_task.record_offline(stranger, course, date=dt.date(2026, 11, 2), minutes=10, activity="x", by=tutor)
    with pytest.raises(errors.Invalid, match="minutes"):
        time_on_task.record_offline(user, course, date=dt.date(2026, 11, 2), minutes=0, activity="x", by=tutor)


def test_pages_seen_follow_the_player_location(make_course, ctx):
    c = make_course()
    user, module = learner_and_module(c)
    a = attempts.start_attempt(user, module, seed=1)
    player_state.save_state(a, {"v": 1}, "0:p0")
    assert player_state.module_progress(user.id, module.id).pages_seen == 1
    player_state.save_state(a, {"v": 1, "x": 1}, "0:p1")
    player_state.save_state(a, {"v": 1, "x": 2}, "0:p0")  # going back keeps the furthest page
    progress = player_state.module_progress(user.id, module.id)
    assert (progress.pages_seen, progress.pages_done) == (2, True)


def test_overview_for_the_dashboard(make_course, ctx):
    c = make_course(attempts=3, pass_mark=0.5, mode="summative")
    user, module = learner_and_module(c)
    a = attempts.start_attempt(user, module, seed=1)
    submission.submit_attempt(a, ["a", False])
    time_on_task.open_session(user, module, now=t(0))
    time_on_task.record_heartbeat(user, module, 25, now=t(25))
    db.session.commit()
    [course] = overview.learner_overview(user)
    assert course.figures.glh == 10 and course.figures.tqt is None
    assert course.time == TimeByKind(self_study_seconds=25)
    assert (course.time.glh_minutes, course.time.tqt_minutes) == (0, 25 / 60)
    [m] = course.modules
    assert (m.quiz_status, m.attempts_used, m.attempts_left, m.grade.fraction) == ("passed", 1, 2, 0.5)
    # The module's criteria (its outcome TESTFW/K.1) with their states from course.evidence.status:
    # K1's rule was met in the summative quiz, K2's was not (False is wrong).
    assert [(line.criterion.ref, line.status.label) for line in m.criteria] == [
        (K1, "Knowledge shown"), (K2, "Not started")]
    assert m.criteria_counts == "1 Not started, 1 Knowledge shown"
    assert course.criteria_counts == "3 Not started, 1 Knowledge shown"  # P1 and P2 need workplace evidence



def test_reopening_keeps_a_recent_heartbeat_as_the_start(make_course, ctx):
    """A reload: the closing page's last beat may come after the new page opened; it still counts."""
    c = make_course()
    user, module = learner_and_module(c)
    time_on_task.open_session(user, module, now=t(0))
    assert time_on_task.record_heartbeat(user, module, 30, now=t(30)) == 30
    time_on_task.open_session(user, module, now=t(40))          # reloaded 10 s after the last beat
    assert time_on_task.record_heartbeat(user, module, 10, now=t(41)) == 10
    time_on_task.open_session(user, module, now=t(500))         # back much later: the clock starts again
    assert time_on_task.record_heartbeat(user, module, 30, now=t(505)) == 5


def test_an_untouched_ordering_question_is_marked_in_the_order_shown(make_course, ctx):
    ordering = {"id": "q-ord", "version": 1, "type": "ordering", "title": "Steps", "stem": "Put the steps in order.",
                "criteria": [K1], "items": [{"id": "i1", "text": "Knock"}, {"id": "i2", "text": "Introduce yourself"},
                                            {"id": "i3", "text": "Ask consent"}]}
    c = make_course([ordering])
    user, module = learner_and_module(c)
    a = attempts.start_attempt(user, module, seed=5)
    shown = a.questions[0]["order"]
    submission.submit_attempt(a, [None])
    assert a.marks[0].response == shown
    expected = {("i1", "i2", "i3"): 1.0, ("i1", "i3", "i2"): 0.5, ("i2", "i1", "i3"): 0.5,
                ("i2", "i3", "i1"): 0.5, ("i3", "i1", "i2"): 0.5, ("i3", "i2", "i1"): 0.0}[tuple(shown)]
    assert a.score == expected


def test_time_limit_refuses_late_answers_and_marks_only_what_was_saved_in_time(make_course, ctx):
    c = make_course(time_limit_minutes=10)
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=1)
    db.session.commit()
    start = attempt.started_at
    assert attempts.deadline(attempt) == start + dt.timedelta(minutes=10, seconds=60)
    answers.save_answer(attempt, 0, "a", now=start + dt.timedelta(minutes=10, seconds=59))  # in the grace
    with pytest.raises(errors.Conflict, match="Time is up for this quiz"):
        answers.save_answer(attempt, 1, True, now=start + dt.timedelta(minutes=11, seconds=1))
    # The late submission's answers are ignored: only item 1, saved in time, is marked (1 of 2).
    submission.submit_attempt(attempt, ["a", True], now=start + dt.timedelta(minutes=12))
    db.session.commit()
    result = results.result_json(attempt)
    assert (result["score"], result["max"]) == (1.0, 2.0)
    assert attempt.responses == {"0": "a"}


def test_submission_in_time_counts_every_answer_sent(make_course, ctx):
    c = make_course(time_limit_minutes=10)
    user, module = learner_and_module(c)
    attempt = attempts.start_attempt(user, module, seed=1)
    db.session.commit()
    submission.submit_attempt(attempt, ["a", True], now=attempt.started_at + dt.timedelta(minutes=9))
    db.session.commit()
    assert results.result_json(attempt)["score"] == 2.0


def test_a_quiz_is_not_started_when_only_its_pages_were_read(make_course, ctx):
    """Opening a module starts an attempt; the dashboard says "in progress" only once an answer is saved."""
    c = make_course()
    user, module = learner_and_module(c)
    a = attempts.start_attempt(user, module, seed=1)
    player_state.save_state(a, {"v": 1, "x": 1}, "0:p1")
    db.session.commit()
    assert overview.learner_overview(user)[0].modules[0].quiz_status == "not started"
    answers.save_answer(a, 0, "a")
    db.session.commit()
    assert overview.learner_overview(user)[0].modules[0].quiz_status == "in progress"
