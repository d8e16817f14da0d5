"""``carecourse demo-data``: a course with many learners, attempts and time, inserted in bulk.

For trying the reports and for the scale benchmark. Learners get no password (they cannot sign
in). Marks follow a simple ability model (each learner an ability, each question a difficulty),
so item analysis shows sensible facility and positive discrimination. Deterministic for a seed.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from course.authoring.models import Course, CourseFramework, Module, Page, Quiz
from course.extensions import db
from course.learning.models import AnswerMark, Attempt, Enrolment, OfflineLearning, TimeLog, TimeOnTask
from course.models.frameworks import Framework
from course.models.users import Organisation, User

DEMO_DATA_ORGANISATION = "Demo Data Provider"
CHUNK = 5000
FIRST = ("Amara", "Ben", "Chloe", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jonah", "Kofi", "Lena",
         "Mo", "Nia", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tomasz")
LAST = ("Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Murphy", "Nowak", "Okafor", "Patel", "Roberts", "Smith", "Taylor", "Williams")


@dataclass
class DemoSummary:
    """What was built, and how long it took."""

    course_slug: str
    course_id: int
    learners: int
    modules: int
    questions: int
    attempts: int
    answer_marks: int
    time_rows: int
    offline_rows: int
    seconds: float

    def __str__(self) -> str:
        return (f"course {self.course_slug} (id {self.course_id}): {self.learners} learners, {self.modules} modules, "
                f"{self.questions} questions, {self.attempts} attempts, {self.answer_marks} item marks, "
                f"{self.time_rows} time rows, {self.offline_rows} offline records in {self.seconds:.1f} s")


def _framework(modules: int) -> Framework:
    from course.frameworks.service import store_framework

    code = f"DEMODATA{modules}"
    existing = Framework.by_code(code)
    if existing is not None:
        return existing
    outcomes = []
    for i in range(1, modules + 1):
        outcomes.append({"code": f"{i}", "title": f"Understand topic {i}", "kind": "knowledge", "criteria": [
            {"code": f"{i}.1", "kind": "knowledge", "text": f"Explain the first idea of topic {i}", "workplace": False},
            {"code": f"{i}.2", "kind": "knowledge", "text": f"Describe the second idea of topic {i}", "workplace": False},
            {"code": f"{i}.3", "kind": "performance", "text": f"Show topic {i} in practice", "workplace": True},
        ]})
    return store_framework({
        "kind": "qcf", "code": code, "title": f"Demonstration unit ({modules} outcomes)", "urn": None, "version": "1",
        "date_approved": None, "review_date": None, "suite": None, "keywords": [], "overview": "Generated.",
        "glh": modules * 2, "linked_standards": None, "outcomes": outcomes, "scope": None, "values": None,
        "guidance": None,
    }, source="demo-data")


def _questions(prefix: str, code: str, i: int) -> list[dict[str, Any]]:
    k1, k2 = f"{code}/{i}.1", f"{code}/{i}.2"
    return [
        {"id": f"{prefix}-m{i}-q1", "version": 1, "type": "single_choice", "title": f"Topic {i}: first choice",
         "stem": f"Which is right about topic {i}?", "criteria": [k1], "shuffle": False,
         "options": [{"id": "a", "text": "The right answer", "correct": True},
                     {"id": "b", "text": "A near miss", "correct": False},
                     {"id": "c", "text": "A clear mistake", "correct": False}]},
        {"id": f"{prefix}-m{i}-q2", "version": 1, "type": "true_false", "title": f"Topic {i}: true or false",
         "stem": f"Topic {i} matters.", "criteria": [k1], "answer": True},
        {"id": f"{prefix}-m{i}-q3", "version": 1, "type": "single_choice", "title": f"Topic {i}: second choice",
         "stem": f"What do you do first in topic {i}?", "criteria": [k2], "shuffle": False,
         "options": [{"id": "a", "text": "Ask the person", "correct": True},
                     {"id": "b", "text": "Ask the manager", "correct": False},
                     {"id": "c", "text": "Do nothing", "correct": False},
                     {"id": "d", "text": "Ask the family", "correct": False}]},
        {"id": f"{prefix}-m{i}-q4", "version": 1, "type": "multiple_response", "title": f"Topic {i}: select all",
         "stem": f"Which are true of topic {i}?", "criteria": [k2], "shuffle": False,
         "options": [{"id": "a", "text": "First true", "correct": True},
                     {"id": "b", "text": "Second true", "correct": True},
                     {"id": "c", "text": "False", "correct": False}]},
    ]


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def generate(*, learners: int, modules: int = 10, attempts_per_learner: int | None = None, seed: int = 1,
             slug: str | None = None, cohorts: int = 4, progress: Any = None) -> DemoSummary:
    """Build a demo course with ``learners`` learners on ``modules`` modules (flush only; commit after).

    Learner i makes ``attempts_per_learner`` attempts (default: one per module): attempt j is at
    module j mod M, number j div M + 1. About 2% of attempts are left in progress.
    """
    from course.bank.service import save_questions

    started = time.perf_counter()
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    k = modules if attempts_per_learner is None else attempts_per_learner
    org = db.session.scalar(select(Organisation).where(Organisation.name == DEMO_DATA_ORGANISATION))
    if org is None:
        org = Organisation(name=DEMO_DATA_ORGANISATION)
        db.session.add(org)
        db.session.flush()
    if slug is None:
        n = db.session.scalar(select(func.count()).select_from(Course).where(Course.organisation_id == org.id)) or 0
        slug = f"demo-data-{n + 1}"
        while Course.by_slug(org.id, slug) is not None:
            n += 1
            slug = f"demo-data-{n + 1}"
    elif Course.by_slug(org.id, slug) is not None:
        raise ValueError(f"{DEMO_DATA_ORGANISATION} already has a course {slug!r}")
    framework = _framework(modules)
    all_questions = [q for i in range(1, modules + 1) for q in _questions(slug, framework.code, i)]
    save_questions(all_questions, organisation=org.id, user=None)
    course = Course(organisation_id=org.id, slug=slug, title=f"Demonstration course {slug}",
                    description="Generated by carecourse demo-data.")
    course.course_frameworks.append(CourseFramework(framework_id=framework.id, position=0))
    for i in range(1, modules + 1):
        module = Module(position=i - 1, slug=f"m{i:02d}", title=f"Topic {i}", outcomes=[f"{framework.code}/{i}"],
                        target_minutes=90, workplace=[f"{framework.code}/{i}.3"])
        module.pages = [Page(position=0, slug="intro", title=f"About topic {i}", body=f"Topic {i}.", html=f"<p>Topic {i}.</p>")]
        module.quiz = Quiz(title=f"Topic {i} check", pass_mark=0.75, items=[
            {"question": q["id"], "version": 1} for q in _questions(slug, framework.code, i)])
        course.modules.append(module)
    db.session.add(course)
    db.session.flush()
    mods = list(course.modules)
    say(f"course {slug}: {modules} modules")

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    user_rows = []
    for i in range(learners):
        user_rows.append({"email": f"{slug}-{i + 1:06d}@demo.example", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                          "role": "learner", "organisation_id": org.id, "password_hash": "", "active": True,
                          "failed_logins": 0, "created_at": now, "updated_at": now})
    _insert(User, user_rows)
    ids = [uid for (uid,) in db.session.execute(
        select(User.id).where(User.email.like(f"{slug}-%@demo.example")).order_by(User.email))]
    _insert(Enrolment, [{"user_id": uid, "course_id": course.id, "cohort": f"Cohort {n % cohorts + 1}" if cohorts else "",
                         "enrolled_at": now, "created_at": now, "updated_at": now} for n, uid in enumerate(ids)])
    say(f"{len(ids)} learners enrolled")

    # Items per module: (question id, max score, type, criteria, difficulty).
    items = {}
    for i, m in enumerate(mods, start=1):
        qs = _questions(slug, framework.code, i)
        items[m.id] = [(q["id"], 1.0, q["type"], q["criteria"], rng.uniform(-1.5, 1.5)) for q in qs]
    attempt_rows: list[dict[str, Any]] = []
    mark_rows: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    time_on: dict[tuple[int, int], int] = {}
    time_day: dict[tuple[int, int], dt.date] = {}
    for uid in ids:
        ability = rng.gauss(0.6, 1.0)
        for j in range(k):
            m = mods[j % modules]
            number = j // modules + 1
            start = now - dt.timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 600))
            key = (uid, m.id)
            time_on[key] = time_on.get(key, 0) + rng.randint(600, 6000)
            time_day[key] = start.date()
            if rng.random() < 0.02:
                attempt_rows.append(_attempt(uid, m, number, start, rng, None))
                continue
            marks = []
            for pos, (qid, max_score, qtype, crit, difficulty) in enumerate(items[m.id]):
                p = 1 / (1 + math.exp(-(ability + 0.3 * (number - 1) - difficulty)))
                right = rng.random() < p
                marks.append({"position": pos, "question_id": qid, "version": 1, "response": _response(qtype, right, rng),
                              "auto_score": 1.0 if right else 0.0, "score": 1.0 if right else 0.0, "max_score": max_score,
                              "fraction": 1.0 if right else 0.0, "correct": right, "feedback": [], "pending": False,
                              "criteria": crit, "essays": {}})
            mark_rows[(uid, m.id, number)] = marks
            attempt_rows.append(_attempt(uid, m, number, start, rng, marks))
    _insert(Attempt, attempt_rows)
    say(f"{len(attempt_rows)} attempts")
    module_ids = [m.id for m in mods]
    n_marks = 0
    batch: list[dict[str, Any]] = []
    for start in range(0, len(module_ids), 5):
        chunk = module_ids[start:start + 5]
        for aid, uid, mid, number in db.session.execute(
            select(Attempt.id, Attempt.user_id, Attempt.module_id, Attempt.number)
            .where(Attempt.module_id.in_(chunk), Attempt.status == "finished")
        ):
            for row in mark_rows.get((uid, mid, number), []):
                batch.append(dict(row, attempt_id=aid))
            if len(batch) >= 50_000:
                _insert(AnswerMark, batch)
                n_marks += len(batch)
                batch = []
    _insert(AnswerMark, batch)
    n_marks += len(batch)
    say(f"{n_marks} item marks")
    time_rows = [{"user_id": u, "module_id": m, "seconds": s, "last_heartbeat_at": None} for (u, m), s in time_on.items()]
    _insert(TimeOnTask, time_rows)
    day = now.date()
    _insert(TimeLog, [{"user_id": u, "module_id": m, "day": time_day[(u, m)], "seconds": s}
                      for (u, m), s in time_on.items()])
    offline = []
    for uid in ids:
        if rng.random() < 0.5:
            offline.append({"learner_id": uid, "course_id": course.id, "date": day - dt.timedelta(days=rng.randint(1, 60)),
                            "minutes": rng.choice((60, 90, 120, 180)), "activity": "Supervision and shadowing",
                            "outcomes": [f"{framework.code}/{rng.randint(1, modules)}"], "recorded_by_id": None,
                            "created_at": now, "updated_at": now})
    _insert(OfflineLearning, offline)
    db.session.flush()
    return DemoSummary(slug, course.id, len(ids), modules, len(all_questions), len(attempt_rows), n_marks,
                       len(time_rows), len(offline), time.perf_counter() - started)


def _response(qtype: str, right: bool, rng: random.Random) -> Any:
    if qtype == "true_false":
        return right
    if qtype == "multiple_response":
        return ["a", "b"] if right else rng.choice((["a"], ["a", "c"], ["b", "c"]))
    return "a" if right else rng.choice(("b", "c"))


def _attempt(uid: int, module: Module, number: int, start: dt.datetime, rng: random.Random,
             marks: list[dict[str, Any]] | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "user_id": uid, "module_id": module.id, "quiz_id": module.quiz.id, "number": number,
        "seed": rng.randrange(2**32), "quiz_snapshot": {"pass_mark": 0.75, "items": module.quiz.items},
        "questions": [{"question": i["question"], "version": 1, "order": None} for i in module.quiz.items],
        "state": None, "location": None, "responses": {}, "started_at": start, "revision": 1,
        "created_at": start, "updated_at": start, "criteria_results": {}, "client_result": None,
        "status": "in_progress", "submitted_at": None, "finished_at": None, "score": None, "max_score": None,
        "fraction": None, "passed": None,
    }
    if marks is None:
        return row
    score = sum(m["score"] for m in marks)
    maximum = sum(m["max_score"] for m in marks)
    crit: dict[str, list[float]] = {}
    for m in marks:
        for ref in m["criteria"]:
            c = crit.setdefault(ref, [0.0, 0.0])
            c[0] += m["score"]
            c[1] += m["max_score"]
    done = start + dt.timedelta(minutes=rng.randint(5, 40))
    fraction = round(score / maximum, 6)
    row.update(status="finished", submitted_at=done, finished_at=done, score=score, max_score=maximum,
               fraction=fraction, passed=fraction >= 0.75, updated_at=done,
               responses={str(m["position"]): m["response"] for m in marks},
               criteria_results={ref: {"score": s, "max": mx, "fraction": round(s / mx, 6), "met": s / mx >= 0.75}
                                 for ref, (s, mx) in crit.items()})
    return row
