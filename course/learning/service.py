"""Learning operations: enrol, attempts (start, autosave, submit, mark), time on task, offline GLH.

Every function flushes and never commits; the views commit once per request.

Concurrency (two tabs on one attempt): answers merge per item. Each write loads the attempt,
changes only the item it was given and bumps ``Attempt.revision``, which is the mapper's
version counter: if another request wrote in between, the flush raises ``StaleDataError`` and the
view retries the whole operation on fresh data, so no write is lost and none overwrites another
item. A client may also send the ``revision`` it last saw; a stale one is refused with
``Conflict`` (409) carrying the current state.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from course.authoring.models import Course, Module
from course.authoring.document import quiz_to_dict
from course.extensions import db
from course.learning.models import (
    AnswerMark,
    Attempt,
    Enrolment,
    ModuleProgress,
    OfflineLearning,
    TimeLog,
    TimeOnTask,
)
from course.models.base import utcnow
from course.models.users import User
from question_bank.draw import assemble_quiz
from question_bank.marking import ResponseError, mark, scenario_path
from question_bank.model import Question

# The player sends a heartbeat every 30 s of its clock; a beat is credited at most this much
# (the interval plus slack for timers that fire late), and never more than the wall-clock time
# since the previous beat or since the module was opened.
HEARTBEAT_INTERVAL_SECONDS = 30
HEARTBEAT_SLACK_SECONDS = 15
MAX_RESPONSE_CHARS = 100_000
MAX_STATE_CHARS = 200_000
EPSILON = 1e-9
GRADING_METHODS = ("highest", "last", "first", "average")


class LearningError(Exception):
    """A request the learning rules refuse; ``status`` is the HTTP status the views answer with."""

    status = 400

    def __init__(self, message: str, **payload: Any) -> None:
        super().__init__(message)
        self.message = message
        self.payload = payload


class NotFound(LearningError):
    """The thing does not exist or is not the user's."""

    status = 404


class Conflict(LearningError):
    """The attempt changed meanwhile or is no longer open (409); ``payload`` holds its state."""

    status = 409


class Invalid(LearningError):
    """The data sent is malformed (422)."""

    status = 422


# ---------------------------------------------------------------- enrolment


def is_enrolled(user: User, course: Course) -> bool:
    """Whether ``user`` is enrolled on ``course``."""
    return enrolment_of(user, course) is not None


def enrolment_of(user: User, course: Course) -> Enrolment | None:
    """The user's enrolment on the course, or None."""
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
    )


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_learner_fields(name: str, email: str, cohort: str) -> list[str]:
    problems = []
    if not name.strip():
        problems.append("name is empty")
    elif len(name.strip()) > 200:
        problems.append("name is longer than 200 characters")
    if not EMAIL_RE.match(email.strip()):
        problems.append(f"email {email.strip()!r} is not an email address" if email.strip() else "email is empty")
    if len(cohort.strip()) > 100:
        problems.append("cohort is longer than 100 characters")
    return problems


def enrol_learner(
    course: Course, *, name: str, email: str, cohort: str = "", by: User | None = None
) -> tuple[Enrolment, bool]:
    """Enrol the learner with ``email`` on ``course``, creating the account if new.

    Returns (enrolment, created_account). An account created here has no password: the learner
    sets one through the password reset. An existing enrolment keeps its date and takes the new
    cohort when one is given. Refused (``Invalid``) for bad fields, for a tutor or admin account,
    and for a learner of another organisation.
    """
    problems = _check_learner_fields(name, email, cohort)
    if problems:
        raise Invalid("; ".join(problems))
    user = User.by_email(email)
    created = False
    if user is None:
        user = User(email=email, name=name.strip(), role="learner", organisation_id=course.organisation_id)
        db.session.add(user)
        db.session.flush()
        created = True
    elif user.role != "learner":
        raise Invalid(f"{user.email} is a {user.role} account, not a learner")
    elif user.organisation_id not in (None, course.organisation_id):
        raise Invalid(f"{user.email} belongs to another organisation")
    enrolment = enrolment_of(user, course)
    if enrolment is None:
        enrolment = Enrolment(
            user_id=user.id, course_id=course.id, cohort=cohort.strip(), enrolled_by_id=by.id if by else None
        )
        db.session.add(enrolment)
    elif cohort.strip():
        enrolment.cohort = cohort.strip()
    db.session.flush()
    return enrolment, created


@dataclass
class CsvResult:
    """What an enrolment CSV did: rows enrolled, accounts created."""

    enrolled: int = 0
    created: int = 0
    problems: list[str] = field(default_factory=list)


class CsvError(Invalid):
    """The CSV was refused; ``problems`` names each bad row. Nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


CSV_COLUMNS = ("name", "email", "cohort")


def enrol_from_csv(course: Course, data: bytes | str, *, by: User | None = None) -> CsvResult:
    """Enrol every row of a CSV with columns name, email, cohort (header row required).

    All or nothing: every row is checked first and ``CsvError`` lists each problem as
    "row N: ..." (N counts lines of the file, the header being row 1); nothing is enrolled then.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvError(["the file is not UTF-8 text (save it as \"CSV UTF-8\")"]) from None
    else:
        text = data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvError(["the file is empty; expected a header row: name,email,cohort"])
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in ("name", "email") if c not in header]
    unknown = [c for c in header if c and c not in CSV_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        raise CsvError(["row 1: " + "; ".join(parts) + " (expected name,email,cohort)"])
    col = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    problems: list[str] = []
    wanted: list[tuple[int, str, str, str]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"row {number}: {len(row)} values, but the header has {len(header)} columns")
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        name, email, cohort = cell("name"), cell("email"), cell("cohort")
        row_problems = _check_learner_fields(name, email, cohort)
        key = User.normalise_email(email)
        if not row_problems and key in seen:
            row_problems.append(f"email {email} is also on row {seen[key]}")
        if not row_problems:
            user = User.by_email(email)
            if user is not None and user.role != "learner":
                row_problems.append(f"{user.email} is a {user.role} account, not a learner")
            elif user is not None and user.organisation_id not in (None, course.organisation_id):
                row_problems.append(f"{user.email} belongs to another organisation")
        seen.setdefault(key, number)
        if row_problems:
            problems.append(f"row {number}: " + "; ".join(row_problems))
        else:
            wanted.append((number, name, email, cohort))
    if problems:
        raise CsvError(problems)
    if not wanted:
        raise CsvError(["the file has a header but no learners"])
    result = CsvResult()
    for _, name, email, cohort in wanted:
        _, created = enrol_learner(course, name=name, email=email, cohort=cohort, by=by)
        result.enrolled += 1
        result.created += int(created)
    return result


# ---------------------------------------------------------------- quiz data


def _bank_rows_for_quiz(organisation_id: int, items: list[dict[str, Any]]) -> list[Any]:
    """The question versions a quiz can use: its fixed versions and every current draw candidate."""
    from course.bank.service import current_questions, get_version

    rows: dict[tuple[str, int], Any] = {}
    for number, item in enumerate(items, start=1):
        if "draw" in item:
            draw = item["draw"] or {}
            for row in current_questions(organisation_id, criterion=draw.get("criterion"), tag=draw.get("tag")):
                rows.setdefault((row.question_id, row.version), row)
        else:
            row = get_version(item.get("question"), item.get("version"), organisation=organisation_id)
            if row is None:
                raise LearningError(
                    f"quiz item {number}: question {item.get('question')!r} version {item.get('version')!r} "
                    "is not in the question bank"
                )
            rows.setdefault((row.question_id, row.version), row)
    return sorted(rows.values(), key=lambda r: (r.question_id, r.version))


def snapshot_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """The question versions of the attempt's snapshot ("bank"), as question JSON."""
    from course.bank.models import QuestionVersion

    keys = {(qid, version) for qid, version in attempt.quiz_snapshot.get("bank", [])}
    if not keys:
        return []
    organisation_id = attempt.module.course.organisation_id
    ids = sorted({qid for qid, _ in keys})
    rows = db.session.scalars(
        select(QuestionVersion).where(
            QuestionVersion.organisation_id == organisation_id, QuestionVersion.question_id.in_(ids)
        )
    )
    found = {(r.question_id, r.version): r.data for r in rows if (r.question_id, r.version) in keys}
    return [found[key] for key in sorted(found)]


def _questions_by_key(attempt: Attempt) -> dict[tuple[str, int], dict[str, Any]]:
    return {(q["id"], q["version"]): q for q in snapshot_questions(attempt)}


# ---------------------------------------------------------------- attempts


def attempts_used(user: User, module: Module) -> int:
    """Attempts the learner has submitted on the module (in progress ones do not count)."""
    return db.session.scalar(
        select(func.count()).select_from(Attempt).where(
            Attempt.user_id == user.id, Attempt.module_id == module.id, Attempt.status != "in_progress"
        )
    ) or 0


def attempts_left(user: User, module: Module) -> int | None:
    """Submissions left under the quiz's limit; None when unlimited (or no quiz)."""
    quiz = module.quiz
    if quiz is None or not quiz.attempts:
        return None
    return max(0, quiz.attempts - attempts_used(user, module))


def open_attempt(user: User, module: Module) -> Attempt | None:
    """The learner's attempt in progress on the module, if any."""
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.module_id == module.id, Attempt.status == "in_progress")
        .order_by(Attempt.number.desc())
    )


def start_attempt(user: User, module: Module, *, seed: int | None = None) -> Attempt:
    """The learner's open attempt on the module's quiz, or a new one.

    A new attempt gets a random 32-bit seed (or ``seed``), the quiz settings and the question
    versions its draws can take (``quiz_snapshot``), and the assembled list ``assemble_quiz``
    gives (``questions``); the player replays the same assembly from the same data. Refused when
    the learner is not enrolled, the module has no quiz, or no attempts are left.
    """
    if not is_enrolled(user, module.course):
        raise NotFound("You are not enrolled on this course.")
    quiz = module.quiz
    if quiz is None:
        raise LearningError("This module has no quiz.")
    existing = open_attempt(user, module)
    if existing is not None:
        return existing
    left = attempts_left(user, module)
    if left == 0:
        raise Conflict(f"You have used all {quiz.attempts} attempts at this quiz.")
    snapshot = quiz_to_dict(quiz)
    rows = _bank_rows_for_quiz(module.course.organisation_id, snapshot["items"])
    snapshot["bank"] = [[r.question_id, r.version] for r in rows]
    seed = secrets.randbits(32) if seed is None else seed & 0xFFFFFFFF
    try:
        assembled = assemble_quiz(snapshot, [r.data for r in rows], seed)
    except ValueError as exc:  # DrawError: the quiz cannot be assembled from the bank
        raise LearningError(f"This quiz cannot be started: {exc}") from None
    used = {(e["question"], e["version"]) for e in assembled}
    from course.bank.service import mark_in_use

    for row in rows:
        if (row.question_id, row.version) in used:
            mark_in_use(row)
    number = (
        db.session.scalar(
            select(func.max(Attempt.number)).where(Attempt.user_id == user.id, Attempt.module_id == module.id)
        )
        or 0
    ) + 1
    attempt = Attempt(
        user_id=user.id,
        module_id=module.id,
        quiz_id=quiz.id,
        number=number,
        seed=seed,
        quiz_snapshot=snapshot,
        questions=assembled,
        responses={},
        criteria_results={},
    )
    # Two tabs starting at once both try number n; the unique constraint refuses one and the
    # view retries it, which then finds this attempt open.
    db.session.add(attempt)
    db.session.flush()
    return attempt


def get_attempt(attempt_id: int, user: User) -> Attempt:
    """The user's own attempt, else ``NotFound``."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("There is no such attempt.")
    return attempt


def attempt_snapshot(attempt: Attempt) -> dict[str, Any]:
    """The attempt as a client resumes it: ids, revision, state, responses, status."""
    return {
        "id": attempt.id,
        "number": attempt.number,
        "status": attempt.status,
        "revision": attempt.revision,
        "seed": attempt.seed,
        "state": attempt.state,
        "location": attempt.location,
        "responses": [attempt.responses.get(str(i)) for i in range(len(attempt.questions))],
    }


def _check_revision(attempt: Attempt, revision: Any) -> None:
    if revision is not None and revision != attempt.revision:
        raise Conflict(
            "The attempt was changed in another window.", attempt=attempt_snapshot(attempt)
        )


def _check_open(attempt: Attempt) -> None:
    if not attempt.is_open:
        raise Conflict("This attempt has been submitted; answers can no longer change.",
                       attempt=attempt_snapshot(attempt), result=result_json(attempt))


# Answers may arrive this long after a time limit runs out: the player's automatic submission
# and a slow connection still count; a script answering later does not.
TIME_LIMIT_GRACE = dt.timedelta(seconds=60)


def deadline(attempt: Attempt) -> dt.datetime | None:
    """When the quiz's time limit (with the grace period) runs out, or None without a limit."""
    minutes = attempt.quiz_snapshot.get("time_limit_minutes")
    if not minutes:
        return None
    return attempt.started_at + dt.timedelta(minutes=minutes) + TIME_LIMIT_GRACE


def _in_time(attempt: Attempt, now: dt.datetime | None) -> bool:
    limit = deadline(attempt)
    return limit is None or (now or utcnow()) <= limit


def _size(value: Any) -> int:
    import json

    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def save_answer(
    attempt: Attempt,
    index: Any,
    response: Any,
    *,
    question: str | None = None,
    version: int | None = None,
    revision: int | None = None,
    now: dt.datetime | None = None,
) -> Attempt:
    """Store the learner's answer to item ``index`` as given (idempotent: same answer, same data).

    ``question``/``version``, when sent, must name the item at ``index`` (a tab showing another
    attempt gets ``Conflict``). The answer is checked by the engine at submission, not here: an
    answer in progress (a scenario half way) is kept as it is. After the quiz's time limit (and
    its grace period) answers are refused with ``Conflict``.
    """
    _check_open(attempt)
    _check_revision(attempt, revision)
    if not _in_time(attempt, now):
        raise Conflict("Time is up for this quiz: the answers saved before the time limit will be marked.",
                       attempt=attempt_snapshot(attempt))
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(attempt.questions):
        raise Invalid(f"index: expected an item number from 0 to {len(attempt.questions) - 1}")
    entry = attempt.questions[index]
    if question is not None and (question != entry["question"] or (version is not None and version != entry["version"])):
        raise Conflict(
            f"Item {index + 1} of this attempt is {entry['question']} version {entry['version']}, "
            f"not {question} version {version}.",
            attempt=attempt_snapshot(attempt),
        )
    if _size(response) > MAX_RESPONSE_CHARS:
        raise Invalid(f"response: longer than {MAX_RESPONSE_CHARS} characters")
    key = str(index)
    if attempt.responses.get(key, None) == response and (response is not None or key in attempt.responses):
        return attempt  # idempotent: nothing changes, no new revision
    responses = dict(attempt.responses)
    responses[key] = response
    attempt.responses = responses  # the flush bumps attempt.revision (the version counter)
    db.session.flush()
    return attempt


def _checked_state(state: Any, location: Any) -> tuple[dict | None, str | None]:
    """The player's state (an object within MAX_STATE_CHARS) and location (cut to 255), or Invalid."""
    if state is not None and not isinstance(state, dict):
        raise Invalid("state: expected an object")
    if location is not None and not isinstance(location, str):
        raise Invalid("location: expected a string")
    if _size(state) > MAX_STATE_CHARS:
        raise Invalid(f"state: longer than {MAX_STATE_CHARS} characters")
    return state, None if location is None else location[:255]


def save_state(attempt: Attempt, state: Any, location: Any, *, revision: int | None = None) -> Attempt:
    """Store the player's compact state and location (after submission too: it is only the view)."""
    _check_revision(attempt, revision)
    state, location = _checked_state(state, location)
    if attempt.state == state and attempt.location == location:
        return attempt
    attempt.state = state
    attempt.location = location
    _record_pages(attempt.user_id, attempt.module, location)
    db.session.flush()
    return attempt


LOCATION_RE = re.compile(r"^-?\d+:([a-z])(\d*)$")


def _record_pages(user_id: int, module: Module, location: str | None) -> None:
    """Note the page the player is on ("0:p3" is page 4; "0:i" the quiz intro, past every page)."""
    match = LOCATION_RE.match(location or "")
    if not match:
        return
    view, number = match.group(1), match.group(2)
    total = len(module.pages)
    if view == "p" and number:
        seen = min(total, int(number) + 1)
    elif view in ("i", "q", "r", "v"):
        seen = total
    else:
        return
    progress = module_progress(user_id, module.id)
    if seen > progress.pages_seen:
        progress.pages_seen = seen
    if total and progress.pages_seen >= total:
        progress.pages_done = True


def module_progress(user_id: int, module_id: int) -> ModuleProgress:
    """The learner's progress row for the module (created, flushed, when missing)."""
    progress = db.session.scalar(
        select(ModuleProgress).where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
    )
    if progress is None:
        progress = ModuleProgress(user_id=user_id, module_id=module_id, pages_seen=0, pages_done=False)
        db.session.add(progress)
        db.session.flush()
    return progress


def save_module_state(progress: ModuleProgress, state: Any, location: Any) -> ModuleProgress:
    """Store the player state of a module without a quiz, and the pages seen."""
    progress.state, progress.location = _checked_state(state, location)
    _record_pages(progress.user_id, progress.module, progress.location)
    db.session.flush()
    return progress


# ---------------------------------------------------------------- marking


def _committed(question: dict[str, Any], response: Any) -> Any:
    """A scenario response completed to the path its answers give (steps not reached score 0)."""
    if question["type"] != "scenario" or not isinstance(response, dict):
        return response
    answers = response.get("answers")
    if not isinstance(answers, dict):
        return response
    path = scenario_path(question, answers)
    return {"path": path, "answers": {k: v for k, v in answers.items() if k in path and v is not None}}


def _essay_parts(question: dict[str, Any], normalised: Any) -> dict[str, dict[str, Any]]:
    """The parts of an item a tutor must mark: {"": ...} for an essay, {stepId: ...} in a scenario."""
    if question["type"] == "essay" and normalised is not None:
        return {"": {"max": question["points"], "score": None, "comment": ""}}
    if question["type"] == "scenario" and isinstance(normalised, dict):
        parts = {}
        for step in question["steps"]:
            if step["id"] in normalised["path"] and step["question"]["type"] == "essay" \
                    and normalised["answers"].get(step["id"]) is not None:
                parts[step["id"]] = {"max": step["question"]["points"], "score": None, "comment": ""}
        return parts
    return {}


def _item_score(question: dict[str, Any], item: AnswerMark) -> float:
    """The item's score with the tutor's essay scores added to the automatic part."""
    essays = item.essays or {}
    if not essays:
        return item.auto_score
    tutor = sum(part["score"] or 0 for part in essays.values())
    if question["type"] == "essay":
        return round(min(tutor, question["points"]), 6)
    # Scenario: points x (sum of child scores on the path) / (sum of child points on the path).
    path = (item.response or {}).get("path", [])
    total = sum(s["question"]["points"] for s in question["steps"] if s["id"] in path)
    if not total:
        return item.auto_score
    auto_children = item.auto_score * total / question["points"]
    return round(question["points"] * (auto_children + tutor) / total, 6)


def _summarise(attempt: Attempt) -> None:
    """Totals, per-criterion results, pass and status from the item marks (the player's rules).

    While an essay is unmarked the attempt is ``pending_marking``: the provisional totals leave
    pending items out (as the player does) and ``passed`` is None. Once all are marked every item
    counts and the attempt is ``finished``.
    """
    snapshot = attempt.quiz_snapshot
    pending = any(m.pending for m in attempt.marks)
    score = maximum = 0.0
    crit: dict[str, dict[str, float]] = {}
    for item in attempt.marks:
        if item.pending:
            continue
        score += item.score
        maximum += item.max_score
        for ref in item.criteria:
            c = crit.setdefault(ref, {"score": 0.0, "max": 0.0})
            c["score"] += item.score
            c["max"] += item.max_score
    threshold = snapshot.get("criterion_threshold")
    pass_mark = snapshot.get("pass_mark", 0.8)
    bar = pass_mark if threshold is None else threshold
    results = {}
    for ref, c in crit.items():
        fraction = round(c["score"] / c["max"], 6) if c["max"] else 0.0
        results[ref] = {"score": round(c["score"], 6), "max": round(c["max"], 6), "fraction": fraction,
                        "met": fraction + EPSILON >= bar}
    attempt.score = round(score, 6)
    attempt.max_score = round(maximum, 6)
    attempt.fraction = round(score / maximum, 6) if maximum else 0.0
    attempt.criteria_results = results
    if pending:
        attempt.status = "pending_marking"
        attempt.passed = None
        attempt.finished_at = None
    else:
        attempt.status = "finished"
        attempt.passed = attempt.fraction + EPSILON >= pass_mark and (
            threshold is None or all(r["met"] for r in results.values())
        )
        attempt.finished_at = attempt.finished_at or utcnow()


def submit_attempt(
    attempt: Attempt,
    responses: Any = None,
    *,
    client_result: Any = None,
    revision: int | None = None,
    now: dt.datetime | None = None,
) -> Attempt:
    """Mark the attempt with the Python engine and close it; its mark is the one that counts.

    ``responses`` (a list by item index, as the player sends) are merged over the autosaved
    answers item by item (a ``None`` keeps the saved answer); after the quiz's time limit they
    are ignored and only the answers autosaved in time are marked. Idempotent: submitting a
    submitted attempt returns it unchanged. ``Conflict`` when the attempt limit was reached
    meanwhile (another attempt submitted); ``Invalid`` naming the item when an answer is
    malformed (nothing is stored then).
    """
    if not attempt.is_open:
        return attempt
    _check_revision(attempt, revision)
    if responses is not None and not isinstance(responses, list):
        raise Invalid("responses: expected a list, one answer per item")
    if responses is not None and len(responses) > len(attempt.questions):
        raise Invalid(f"responses: {len(responses)} answers for {len(attempt.questions)} items")
    if _size(responses) > MAX_RESPONSE_CHARS * max(1, len(attempt.questions)):
        raise Invalid("responses: too long")
    limit = attempt.quiz_snapshot.get("attempts") or 0
    if limit:
        used = attempts_used(attempt.user, attempt.module)
        if used >= limit:
            raise Conflict(f"You have used all {limit} attempts at this quiz.", attempt=attempt_snapshot(attempt))
    merged = dict(attempt.responses)
    # After the time limit only what was autosaved in time counts, never answers sent late.
    for i, value in enumerate((responses or []) if _in_time(attempt, now) else []):
        if value is not None:
            merged[str(i)] = value
    by_key = _questions_by_key(attempt)
    marks: list[AnswerMark] = []
    for i, entry in enumerate(attempt.questions):
        question = by_key.get((entry["question"], entry["version"]))
        if question is None:
            raise LearningError(f"item {i + 1}: question {entry['question']} version {entry['version']} is missing")
        response = _committed(question, merged.get(str(i)))
        if response is None and question["type"] == "ordering" and entry.get("order"):
            response = list(entry["order"])  # as the player does: the order shown is an answer
        try:
            result = mark(Question.trusted(question), response)
        except ResponseError as exc:
            raise Invalid(f"item {i + 1}: {exc}", index=i) from None
        essays = _essay_parts(question, result.response) if result.pending else {}
        marks.append(AnswerMark(
            position=i,
            question_id=entry["question"],
            version=entry["version"],
            response=result.response,
            auto_score=result.score,
            score=result.score,
            max_score=result.max,
            fraction=result.fraction,
            correct=result.correct,
            feedback=list(result.feedback),
            pending=result.pending,
            criteria=list(question.get("criteria") or []),
            essays=essays,
        ))
    attempt.responses = merged
    attempt.marks = marks
    attempt.submitted_at = now or utcnow()
    attempt.client_result = client_result if isinstance(client_result, dict) else None
    _summarise(attempt)
    db.session.flush()
    return attempt


def result_json(attempt: Attempt) -> dict[str, Any]:
    """The server's mark as the player and the pages read it."""
    done = attempt.status in ("finished", "pending_marking")
    return {
        "attempt": attempt.id,
        "number": attempt.number,
        "status": attempt.status,
        "score": attempt.score if done else None,
        "max": attempt.max_score if done else None,
        "fraction": attempt.fraction if done else None,
        "passed": attempt.passed,
        "pending": sum(1 for m in attempt.marks if m.pending) if done else 0,
        "criteria": [{"ref": ref, **values} for ref, values in (attempt.criteria_results or {}).items()],
        "items": [
            {"index": m.position, "question": m.question_id, "version": m.version, "score": m.score,
             "max": m.max_score, "correct": m.correct, "pending": m.pending, "feedback": m.feedback,
             "comments": [p["comment"] for p in (m.essays or {}).values() if p.get("comment")]}
            for m in attempt.marks
        ] if done else [],
    }


# ---------------------------------------------------------------- tutor marking


@dataclass
class PendingEssay:
    """One essay awaiting a tutor: the item, its part ("" or a scenario step id), its question."""

    item: AnswerMark
    part: str
    question: dict[str, Any]
    answer: str


def pending_essays(organisation_id: int, *, course: Course | None = None) -> list[PendingEssay]:
    """Unmarked essays in attempts on the organisation's courses, oldest submission first."""
    stmt = (
        select(AnswerMark)
        .join(Attempt, AnswerMark.attempt_id == Attempt.id)
        .join(Module, Attempt.module_id == Module.id)
        .join(Course, Module.course_id == Course.id)
        .where(AnswerMark.pending.is_(True), Course.organisation_id == organisation_id,
               Attempt.status == "pending_marking")
        .order_by(Attempt.submitted_at, Attempt.id, AnswerMark.position)
    )
    if course is not None:
        stmt = stmt.where(Course.id == course.id)
    out = []
    cache: dict[int, dict[tuple[str, int], dict[str, Any]]] = {}
    for item in db.session.scalars(stmt):
        by_key = cache.setdefault(item.attempt_id, _questions_by_key(item.attempt))
        question = by_key.get((item.question_id, item.version))
        if question is None:
            continue
        for part, info in (item.essays or {}).items():
            if info.get("score") is None:
                shown = question if part == "" else next(s["question"] for s in question["steps"] if s["id"] == part)
                answer = item.response if part == "" else (item.response or {}).get("answers", {}).get(part)
                out.append(PendingEssay(item=item, part=part, question=shown, answer=str(answer or "")))
    return out


def get_answer_mark(item_id: int, organisation_id: int) -> AnswerMark:
    """An item mark on one of the organisation's courses, else ``NotFound``."""
    item = db.session.get(AnswerMark, item_id)
    if item is None or item.attempt.module.course.organisation_id != organisation_id:
        raise NotFound("There is no such answer.")
    return item


def mark_essay(
    item: AnswerMark, part: str, score: float, comment: str, *, tutor: User, now: dt.datetime | None = None
) -> Attempt:
    """Record a tutor's score (0..the part's points) and comment for one essay; re-total the attempt.

    The attempt's mark becomes final (``finished``) when its last essay is marked. A marked
    essay can be marked again (a correction): the totals follow.
    """
    essays = {k: dict(v) for k, v in (item.essays or {}).items()}
    if part not in essays:
        raise NotFound("That answer has no such essay.")
    maximum = essays[part]["max"]
    if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= maximum:
        raise Invalid(f"score: expected a number from 0 to {maximum:g}")
    essays[part].update(score=round(float(score), 6), comment=comment.strip(), marked_by=tutor.id,
                        marked_at=(now or utcnow()).isoformat())
    item.essays = essays
    attempt = item.attempt
    question = _questions_by_key(attempt)[(item.question_id, item.version)]
    item.pending = any(p["score"] is None for p in essays.values())
    item.score = _item_score(question, item)
    item.fraction = round(item.score / item.max_score, 6) if item.max_score else 0.0
    item.correct = None if item.pending else item.fraction == 1.0
    _summarise(attempt)
    db.session.flush()
    return attempt


# ---------------------------------------------------------------- grading over attempts


@dataclass
class Grade:
    """A learner's grade on a module's quiz by its grading method (over finished attempts)."""

    method: str
    fraction: float | None = None
    passed: bool | None = None
    attempt: Attempt | None = None
    attempts: int = 0
    criteria: dict[str, dict[str, Any]] = field(default_factory=dict)


def grade(attempts: Iterable[Attempt], *, method: str, pass_mark: float, criterion_threshold: float | None) -> Grade:
    """Combine finished attempts: ``highest`` (ties: the passed, then the earlier one), ``last``,
    ``first``, or ``average`` (mean fraction; each criterion's mean over the attempts that
    evidenced it; passed by the same rule as one attempt)."""
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}")
    done = sorted((a for a in attempts if a.status == "finished"), key=lambda a: a.number)
    out = Grade(method=method, attempts=len(done))
    if not done:
        return out
    if method == "average":
        fraction = round(sum(a.fraction or 0.0 for a in done) / len(done), 6)
        bar = pass_mark if criterion_threshold is None else criterion_threshold
        sums: dict[str, list[float]] = {}
        for a in done:
            for ref, r in (a.criteria_results or {}).items():
                sums.setdefault(ref, []).append(r["fraction"])
        criteria = {}
        for ref, values in sums.items():
            f = round(sum(values) / len(values), 6)
            criteria[ref] = {"fraction": f, "met": f + EPSILON >= bar}
        out.fraction = fraction
        out.criteria = criteria
        out.passed = fraction + EPSILON >= pass_mark and (
            criterion_threshold is None or all(c["met"] for c in criteria.values())
        )
        return out
    if method == "highest":
        chosen = max(done, key=lambda a: (a.fraction or 0.0, bool(a.passed), -a.number))
    elif method == "last":
        chosen = done[-1]
    else:
        chosen = done[0]
    out.attempt = chosen
    out.fraction = chosen.fraction
    out.passed = chosen.passed
    out.criteria = {ref: {"fraction": r["fraction"], "met": r["met"]} for ref, r in (chosen.criteria_results or {}).items()}
    return out


def module_grade(user: User, module: Module) -> Grade:
    """The learner's grade on the module's quiz, by the quiz's current grading method."""
    quiz = module.quiz
    if quiz is None:
        return Grade(method="highest")
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.module_id == module.id)
    ).all()
    return grade(attempts, method=quiz.grading, pass_mark=quiz.pass_mark, criterion_threshold=quiz.criterion_threshold)


# ---------------------------------------------------------------- time on task


def _time_row(user_id: int, module_id: int) -> TimeOnTask:
    row = db.session.scalar(
        select(TimeOnTask).where(TimeOnTask.user_id == user_id, TimeOnTask.module_id == module_id)
    )
    if row is None:  # a race inserting it too fails on the unique constraint; the view retries
        row = TimeOnTask(user_id=user_id, module_id=module_id, seconds=0, last_heartbeat_at=None)
        db.session.add(row)
        db.session.flush()
    return row  # type: ignore[return-value]


def open_session(user: User, module: Module, *, now: dt.datetime | None = None) -> None:
    """Mark the moment the module was opened: the first heartbeat is credited from here.

    A heartbeat within the last interval (plus slack) is kept as the start instead: on a reload
    the closing page's last beat may arrive after the new page opened, and it must still count.
    """
    now = now or utcnow()
    row = _time_row(user.id, module.id)
    recent = dt.timedelta(seconds=HEARTBEAT_INTERVAL_SECONDS + HEARTBEAT_SLACK_SECONDS)
    if row.last_heartbeat_at is None or now - row.last_heartbeat_at > recent:
        row.last_heartbeat_at = now
        db.session.flush()


def record_heartbeat(user: User, module: Module, active_seconds: Any, *, now: dt.datetime | None = None) -> int:
    """Credit active seconds to the learner on the module; returns the seconds credited.

    Credited = min(active_seconds, wall-clock seconds since the previous heartbeat (or since the
    module was opened), the heartbeat interval plus slack). The update is conditional on the
    previous heartbeat time, so two beats racing cannot both spend the same wall-clock time.
    """
    if not isinstance(active_seconds, (int, float)) or isinstance(active_seconds, bool) or active_seconds < 0:
        raise Invalid("active_seconds: expected a number of seconds, 0 or more")
    now = now or utcnow()
    cap = HEARTBEAT_INTERVAL_SECONDS + HEARTBEAT_SLACK_SECONDS
    for _ in range(5):
        row = _time_row(user.id, module.id)
        db.session.refresh(row)
        previous = row.last_heartbeat_at
        if previous is None:
            wall = 0.0  # no known start: this beat only starts the clock
        else:
            wall = max(0.0, (now - previous).total_seconds())
        credit = int(min(float(active_seconds), wall, cap))
        if previous is not None and now < previous:
            return 0  # a beat from the past (clock skew, a delayed retry) gains nothing
        condition = TimeOnTask.last_heartbeat_at.is_(None) if previous is None else TimeOnTask.last_heartbeat_at == previous
        result = db.session.execute(
            update(TimeOnTask)
            .where(TimeOnTask.id == row.id, condition)
            .values(seconds=TimeOnTask.seconds + credit, last_heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            if credit:
                _log_time(user.id, module.id, now.date(), credit)
            db.session.expire(row)
            return credit
    return 0


def _log_time(user_id: int, module_id: int, day: dt.date, seconds: int) -> None:
    result = db.session.execute(
        update(TimeLog)
        .where(TimeLog.user_id == user_id, TimeLog.module_id == module_id, TimeLog.day == day)
        .values(seconds=TimeLog.seconds + seconds)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        return
    db.session.add(TimeLog(user_id=user_id, module_id=module_id, day=day, seconds=seconds))
    db.session.flush()


def seconds_on(user: User, module: Module) -> int:
    """Active online seconds credited to the learner on the module."""
    return db.session.scalar(
        select(TimeOnTask.seconds).where(TimeOnTask.user_id == user.id, TimeOnTask.module_id == module.id)
    ) or 0


# ---------------------------------------------------------------- offline learning


def record_offline(
    learner: User,
    course: Course,
    *,
    date: dt.date,
    minutes: int,
    activity: str,
    outcomes: list[str] | None = None,
    by: User,
) -> OfflineLearning:
    """Record guided learning done away from the screen; it counts toward the course's GLH."""
    if not is_enrolled(learner, course):
        raise Invalid(f"{learner.name} is not enrolled on {course.title}")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 < minutes <= 24 * 60:
        raise Invalid("minutes: expected a whole number from 1 to 1440")
    if not activity.strip():
        raise Invalid("activity: describe what was done")
    if date > utcnow().date():
        raise Invalid("date: the learning cannot be in the future")
    row = OfflineLearning(
        learner_id=learner.id, course_id=course.id, date=date, minutes=minutes,
        activity=activity.strip(), outcomes=list(outcomes or []), recorded_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def offline_minutes(user: User, course: Course) -> int:
    """Offline guided minutes recorded for the learner on the course."""
    return db.session.scalar(
        select(func.coalesce(func.sum(OfflineLearning.minutes), 0)).where(
            OfflineLearning.learner_id == user.id, OfflineLearning.course_id == course.id
        )
    ) or 0


# ---------------------------------------------------------------- the learner's dashboard


@dataclass
class ModuleSummary:
    """One module on the dashboard."""

    module: Module
    pages: int
    pages_seen: int
    has_quiz: bool
    quiz_status: str  # not started | in progress | awaiting marking | passed | not passed | no quiz
    attempts_used: int
    attempts_left: int | None
    grade: Grade | None
    seconds: int
    target_minutes: int
    criteria_met: list[str]
    latest: Attempt | None


@dataclass
class CourseSummary:
    """One enrolled course on the dashboard."""

    course: Course
    enrolment: Enrolment
    modules: list[ModuleSummary]
    glh: int | None
    online_seconds: int
    offline_minutes: int

    @property
    def total_minutes(self) -> int:
        """Online and offline guided minutes together."""
        return self.online_seconds // 60 + self.offline_minutes


def learner_overview(user: User) -> list[CourseSummary]:
    """Everything the learner's dashboard shows, in a fixed number of queries per course."""
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at, Enrolment.id)
    ).all()
    attempts: dict[int, list[Attempt]] = {}
    for a in db.session.scalars(select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.number)):
        attempts.setdefault(a.module_id, []).append(a)
    progress = {p.module_id: p for p in db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == user.id))}
    seconds = dict(db.session.execute(
        select(TimeOnTask.module_id, TimeOnTask.seconds).where(TimeOnTask.user_id == user.id)).all())
    offline = dict(db.session.execute(
        select(OfflineLearning.course_id, func.sum(OfflineLearning.minutes))
        .where(OfflineLearning.learner_id == user.id).group_by(OfflineLearning.course_id)).all())
    out = []
    for enrolment in enrolments:
        course = enrolment.course
        modules = []
        for module in course.modules:
            mine = attempts.get(module.id, [])
            quiz = module.quiz
            used = sum(1 for a in mine if a.status != "in_progress")
            g = grade(mine, method=quiz.grading, pass_mark=quiz.pass_mark,
                      criterion_threshold=quiz.criterion_threshold) if quiz else None
            latest = mine[-1] if mine else None
            if quiz is None:
                status = "no quiz"
            elif g is not None and g.attempts:
                status = "passed" if g.passed else "not passed"
                if latest is not None and latest.status == "pending_marking":
                    status = "awaiting marking"
            elif latest is None:
                status = "not started"
            elif latest.status == "pending_marking":
                status = "awaiting marking"
            else:
                status = "in progress"
            met: list[str] = []
            for a in mine:
                for ref, r in (a.criteria_results or {}).items():
                    if a.status == "finished" and r.get("met") and ref not in met:
                        met.append(ref)
            p = progress.get(module.id)
            modules.append(ModuleSummary(
                module=module, pages=len(module.pages), pages_seen=p.pages_seen if p else 0, has_quiz=quiz is not None,
                quiz_status=status, attempts_used=used,
                attempts_left=(max(0, quiz.attempts - used) if quiz and quiz.attempts else None),
                grade=g, seconds=seconds.get(module.id, 0), target_minutes=module.target_minutes,
                criteria_met=met, latest=latest,
            ))
        glhs = [f.glh for f in course.frameworks if f.glh]
        out.append(CourseSummary(
            course=course, enrolment=enrolment, modules=modules, glh=sum(glhs) if glhs else None,
            online_seconds=sum(m.seconds for m in modules), offline_minutes=int(offline.get(course.id) or 0),
        ))
    return out
