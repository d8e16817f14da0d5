"""Attempts: start one from the quiz's snapshot, autosave answers and the player's state, read the result.

Every function flushes and never commits; the views commit once per request.

Concurrency (two tabs on one attempt): answers merge per item. Each write loads the attempt,
changes only the item it was given and bumps ``Attempt.revision``, which is the mapper's
version counter: if another request wrote in between, the flush raises ``StaleDataError`` and the
view retries the whole operation on fresh data, so no write is lost and none overwrites another
item. A client may also send the ``revision`` it last saw; a stale one is refused with
``Conflict`` (409) carrying the current state.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from typing import Any

from sqlalchemy import func, select, update

from course.authoring.document import quiz_to_dict
from course.authoring.models import Module, Page
from course.extensions import db
from course.learning.attempt_criteria import attempt_criteria
from course.learning.display import key_response
from course.learning.enrolment import is_enrolled
from course.learning.errors import Conflict, Invalid, LearningError, NotFound
from course.learning.models import Attempt, ModuleProgress
from course.models.base import utcnow
from course.models.users import User
from question_bank.draw import assemble_quiz
from question_bank.marking import ResponseError, check_shape, mark, mark_step, step_after
from question_bank.model import Question

MAX_RESPONSE_CHARS = 100_000
MAX_STATE_CHARS = 200_000
# A new attempt tries this many unused seeds and keeps the one whose questions overlap the
# learner's previous attempt least, so a retake shows other questions wherever the pools hold them.
FRESH_DRAW_TRIES = 8


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


def _versions(attempt: Attempt, keys: set[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Question JSON of these (id, version) keys from the attempt's organisation's bank, in one query."""
    from course.bank.models import QuestionVersion

    if not keys:
        return {}
    rows = db.session.scalars(
        select(QuestionVersion).where(
            QuestionVersion.organisation_id == attempt.module.course.organisation_id,
            QuestionVersion.question_id.in_(sorted({qid for qid, _ in keys})),
        )
    )
    return {(r.question_id, r.version): r.data for r in rows if (r.question_id, r.version) in keys}


def snapshot_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """Every question version the attempt's draws could take (its snapshot's "bank"): what replays
    its assembly from the seed. The attempt itself plays only ``item_questions``."""
    found = _versions(attempt, {(qid, version) for qid, version in attempt.quiz_snapshot.get("bank", [])})
    return [found[key] for key in sorted(found)]


def item_questions(attempt: Attempt, indexes: set[int] | None = None) -> dict[tuple[str, int], dict[str, Any]]:
    """The question versions the attempt plays (its stored items, or only those at ``indexes``), by key."""
    return _versions(attempt, {(e["question"], e["version"]) for i, e in enumerate(attempt.questions)
                               if indexes is None or i in indexes})


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


def option_feedback_shown(attempt: Attempt) -> bool:
    """Whether the learner may read the feedback texts of this attempt's marks (README: Summative and
    formative quizzes), by the quiz's ``option_feedback`` as the attempt's snapshot holds it.

    "always" (and a snapshot from before the setting: formative) shows them; "never" never does;
    "after_final_attempt" once this attempt is submitted and the learner has no attempt left at the
    module's quiz, by its limit now (a tutor who raises it gives attempts back, and hides the texts
    again; a module whose quiz was removed has none left). Passing does not count: a learner who
    passed may still try again while attempts are left, and with unlimited attempts none is final.
    """
    policy = attempt.quiz_snapshot.get("option_feedback", "always")
    if policy == "always":
        return True
    if policy != "after_final_attempt" or attempt.is_open:
        return False
    return attempts_left(attempt.user, attempt.module) == 0 or attempt.module.quiz is None


def _without_texts(mark: dict[str, Any]) -> dict[str, Any]:
    """A mark (or a checked scenario's record) as the learner may see it while its texts are held back:
    score, verdict and, for a scenario, the next step, with no feedback text."""
    if "steps" in mark:
        return {**mark, "steps": {step: _without_texts(m) for step, m in mark["steps"].items()}}
    return {**mark, "feedback": []} if "feedback" in mark else dict(mark)


def open_attempt(user: User, module: Module) -> Attempt | None:
    """The learner's attempt in progress on the module, if any."""
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.module_id == module.id, Attempt.status == "in_progress")
        .order_by(Attempt.number.desc())
    )


def _fresh_draw(user: User, module: Module, snapshot: dict[str, Any], bank: list[dict[str, Any]]
                ) -> tuple[int, list[dict[str, Any]]]:
    """A seed no earlier attempt of the learner's at the module used, and its assembly: of
    ``FRESH_DRAW_TRIES`` random ones, the first that shares fewest questions with the latest attempt."""
    earlier = db.session.execute(
        select(Attempt.seed, Attempt.questions).where(Attempt.user_id == user.id, Attempt.module_id == module.id)
        .order_by(Attempt.number)
    ).all()
    used_seeds = {row.seed for row in earlier}
    previous = {entry["question"] for entry in earlier[-1].questions} if earlier else set()
    best: tuple[tuple[bool, int], int, list[dict[str, Any]]] | None = None
    fresh = 0
    # Bounded: a seed source that keeps repeating old seeds still ends, with the best it gave.
    for _ in range(FRESH_DRAW_TRIES * 8):
        seed = secrets.randbits(32)
        reused = seed in used_seeds
        if reused and best is not None:
            continue
        assembled = assemble_quiz(snapshot, bank, seed)
        rank = (reused, len(previous & {entry["question"] for entry in assembled}))
        if best is None or rank < best[0]:
            best = (rank, seed, assembled)
        fresh += not reused
        if fresh >= FRESH_DRAW_TRIES or best[0] == (False, 0):
            break
    assert best is not None
    return best[1], best[2]


def start_attempt(user: User, module: Module, *, seed: int | None = None) -> Attempt:
    """The learner's open attempt on the module's quiz, or a new one.

    A new attempt gets a fresh random 32-bit seed (``_fresh_draw``; or ``seed``), the quiz settings
    and the question versions its draws can take (``quiz_snapshot``), and the assembled list
    ``assemble_quiz`` gives (``questions``); the player replays the same assembly from the same
    data. Refused when the learner is not enrolled, the module has no quiz, no attempts are left, or
    the quiz is summative and awaits an IQA's sign-off of its mappings (``course.evidence.signoff``).
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
    from course.evidence.signoff import quiz_gate_message

    # A course requiring signed mappings keeps a summative quiz closed until an IQA has signed off
    # every question it can draw (an attempt already open carries on: it was started before).
    awaiting = quiz_gate_message(module)
    if awaiting is not None:
        raise Conflict(awaiting, reason="awaiting_quality_assurance")
    snapshot = quiz_to_dict(quiz)
    rows = _bank_rows_for_quiz(module.course.organisation_id, snapshot["items"])
    snapshot["bank"] = [[r.question_id, r.version] for r in rows]
    try:
        if seed is None:
            seed, assembled = _fresh_draw(user, module, snapshot, [r.data for r in rows])
        else:
            seed &= 0xFFFFFFFF
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


def get_attempt(attempt_id: int, user: User, *, for_update: bool = False) -> Attempt:
    """The user's own attempt, else ``NotFound``.

    ``for_update``: locked until the transaction ends, so concurrent saves to one attempt wait their
    turn on fresh data instead of failing the revision check and retrying. PostgreSQL locks the row
    (SELECT ... FOR UPDATE); SQLite has no row locks, so a write that changes nothing takes the
    database's write lock first (SQLite's reads begin no transaction; its first write does)."""
    if for_update and db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(id=Attempt.id))
    attempt = db.session.get(Attempt, attempt_id, with_for_update=for_update, populate_existing=for_update)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("There is no such attempt.")
    return attempt


def attempt_snapshot(attempt: Attempt) -> dict[str, Any]:
    """The attempt as a client resumes it: ids, revision, state, the items it plays (question ids,
    versions, display orders), the answers by item, the marks of answers already checked, status."""
    return {
        "id": attempt.id,
        "number": attempt.number,
        "status": attempt.status,
        "revision": attempt.revision,
        "seed": attempt.seed,
        "state": attempt.state,
        "location": attempt.location,
        "items": attempt.questions,
        "responses": [attempt.responses.get(str(i)) for i in range(len(attempt.questions))],
        "checked": _checked_shown(attempt),
    }


def _checked_shown(attempt: Attempt) -> dict[str, Any]:
    """The marks of the answers checked so far, their feedback texts only where the quiz allows."""
    checked = attempt.checked or {}
    if not checked or option_feedback_shown(attempt):
        return checked
    return {key: _without_texts(mark) for key, mark in checked.items()}


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
    attempt gets ``Conflict``). The answer must fit its question (``check_shape``: an answer in
    progress is fine, one that could never be marked is ``Invalid``); an answer already checked is
    final (``Conflict``), and a scenario's steps taken change only through ``check_answer``. After
    the quiz's time limit (and its grace period) answers are refused with ``Conflict``.
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
    question_data = _item_question(attempt, index)
    try:
        check_shape(question_data, response)
    except ResponseError as exc:
        raise Invalid(f"item {index + 1}: {exc}", index=index) from None
    checked = (attempt.checked or {}).get(key)
    if question_data["type"] != "scenario" and checked is not None:
        raise Conflict(f"Item {index + 1} was checked: a checked answer is final.", attempt=attempt_snapshot(attempt))
    if question_data["type"] == "scenario":
        _check_steps_kept(attempt, index, response)
    responses = dict(attempt.responses)
    responses[key] = response
    attempt.responses = responses  # the flush bumps attempt.revision (the version counter)
    db.session.flush()
    return attempt


def _item_question(attempt: Attempt, index: int) -> dict[str, Any]:
    entry = attempt.questions[index]
    question = item_questions(attempt, {index}).get((entry["question"], entry["version"]))
    if question is None:
        raise LearningError(f"item {index + 1}: question {entry['question']} version {entry['version']} is missing")
    return question


def _check_steps_kept(attempt: Attempt, index: int, response: Any) -> None:
    """A scenario's autosave keeps the steps taken (and their answers) exactly as checked."""
    saved = attempt.responses.get(str(index)) or {"path": [], "answers": {}}
    path = (response or {}).get("path", []) if isinstance(response, dict) else []
    taken = saved.get("path", [])
    answers = (response or {}).get("answers", {}) if isinstance(response, dict) else {}
    if path != taken or any(answers.get(s) != saved.get("answers", {}).get(s) for s in taken):
        raise Conflict(f"Item {index + 1}: the steps already taken cannot change.", attempt=attempt_snapshot(attempt))


def _mark_json(result: Any) -> dict[str, Any]:
    """A mark as the learner's page gets it: Mark.to_dict without the normalised response and fraction."""
    return {k: v for k, v in result.to_dict().items() if k not in ("response", "fraction")}


def check_answer(
    attempt: Attempt, index: Any, response: Any, *, step: Any = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Mark one answer as the learner checks it, or one scenario step as they move on; it is final.

    A question: only in a quiz with immediate feedback; the answer is marked by the engine and its
    mark returned. A scenario step: ``step`` must be the step the scenario is on; its answer joins
    the path, and the reply names the next step (``next``, None at the end) with the step's mark
    when feedback is immediate. Checking the same answer again returns the same reply. A mark's
    feedback texts are in the reply only where ``option_feedback_shown`` allows.
    """
    reply = _check(attempt, index, response, step=step, now=now)
    return reply if option_feedback_shown(attempt) else _without_texts(reply)


def _check(attempt: Attempt, index: Any, response: Any, *, step: Any, now: dt.datetime | None) -> dict[str, Any]:
    """check_answer with every feedback text in its reply (the stored record keeps them too)."""
    _check_open(attempt)
    if not _in_time(attempt, now):
        raise Conflict("Time is up for this quiz: the answers saved before the time limit will be marked.",
                       attempt=attempt_snapshot(attempt))
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(attempt.questions):
        raise Invalid(f"index: expected an item number from 0 to {len(attempt.questions) - 1}")
    question = _item_question(attempt, index)
    immediate = attempt.quiz_snapshot.get("feedback") == "immediate"
    key, checked = str(index), {k: v for k, v in (attempt.checked or {}).items()}
    if _size(response) > MAX_RESPONSE_CHARS:
        raise Invalid(f"response: longer than {MAX_RESPONSE_CHARS} characters")
    if response is None:
        raise Invalid(f"item {index + 1}: answer the question first", index=index)
    responses = dict(attempt.responses)
    if question["type"] != "scenario":
        if step is not None:
            raise Invalid(f"step: item {index + 1} is not a scenario")
        if not immediate:
            raise Conflict("This quiz gives its feedback after submission.", attempt=attempt_snapshot(attempt))
        if key in checked:
            if responses.get(key) == response:
                return checked[key]
            raise Conflict(f"Item {index + 1} was checked: a checked answer is final.", attempt=attempt_snapshot(attempt))
        try:
            result = mark(Question.trusted(question), response)
        except ResponseError as exc:
            raise Invalid(f"item {index + 1}: {exc}", index=index) from None
        reply = _mark_json(result)
        responses[key] = result.response
        checked[key] = reply
    else:
        saved = responses.get(key) or {"path": [], "answers": {}}
        path, answers = list(saved.get("path", [])), dict(saved.get("answers", {}))
        record = dict(checked.get(key) or {"steps": {}, "next": None})
        if step in path:  # a retry of a check that reached the server
            if answers.get(step) == response:
                return {**record["steps"].get(step, {}), "next": record.get("next")}
            raise Conflict(f"Item {index + 1}, step {step}: a checked step is final.", attempt=attempt_snapshot(attempt))
        on = step_after(question, answers, path)
        if step != on:
            raise Conflict(f"Item {index + 1}: the scenario is on step {on}, not {step}.", attempt=attempt_snapshot(attempt))
        try:
            result = mark_step(question, step, response)
        except ResponseError as exc:
            raise Invalid(f"item {index + 1}, step {step}: {exc}", index=index) from None
        answers[step] = result.response
        path.append(step)
        following = step_after(question, answers, path)
        # After-submission feedback: the page learns where the case goes, never how the step scored.
        record = {"steps": {**record["steps"], step: _mark_json(result) if immediate else {}}, "next": following}
        responses[key] = {"path": path, "answers": answers}
        checked[key] = record
        reply = {**record["steps"][step], "next": following}
    attempt.responses = responses
    attempt.checked = checked  # the flush bumps attempt.revision
    db.session.flush()
    return reply


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
    moved = attempt.location != location
    attempt.state = state
    attempt.location = location
    if moved:  # the pages seen were noted when the player came to this location
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
    total = _page_count(module)
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


def _page_count(module: Module) -> int:
    """The module's number of pages: counted in SQL unless they are loaded (an autosave, many a
    minute per learner, need not read every page's text)."""
    if "pages" in module.__dict__:
        return len(module.pages)
    return db.session.scalar(select(func.count()).select_from(Page).where(Page.module_id == module.id)) or 0


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


def _step_marks(question: dict[str, Any] | None, response: Any) -> dict[str, dict[str, Any]]:
    """Each scenario step's own mark, for the learner's review (the item's mark is their total)."""
    if not question or question["type"] != "scenario" or not isinstance(response, dict):
        return {}
    answers = response.get("answers") or {}
    out = {}
    for step in response.get("path") or []:
        try:
            out[step] = _mark_json(mark_step(question, step, answers.get(step)))
        except ResponseError:
            out[step] = {"score": 0.0, "max": 0.0, "correct": False, "feedback": [], "pending": False}
    return out


def result_json(attempt: Attempt, questions: dict[tuple[str, int], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The server's mark as the player and the pages read it (each item's feedback, a scenario's steps;
    the feedback texts only where ``option_feedback_shown`` allows); ``questions``: the attempt's
    ``item_questions`` when the caller has them already."""
    done = attempt.status in ("finished", "pending_marking")
    by_key = (questions if questions is not None else item_questions(attempt)) if done else {}
    shown = done and option_feedback_shown(attempt)

    def steps_of(m: Any) -> dict[str, Any]:
        question = by_key.get((m.question_id, m.version))
        marks = _step_marks(question, m.response)
        if not shown:
            return {step: _without_texts(mark) for step, mark in marks.items()}
        steps = {s["id"]: s["question"] for s in question["steps"]}
        return {step: {**mark, "answer": key_response(steps[step])} for step, mark in marks.items()}

    def key_of(m: Any) -> dict[str, Any]:
        """The best answer, with the explanations and never before them (no key reaches an open attempt)."""
        question = by_key.get((m.question_id, m.version))
        answer = key_response(question) if shown and question else None
        return {} if answer is None else {"answer": answer}

    return {
        "attempt": attempt.id,
        "number": attempt.number,
        "status": attempt.status,
        "score": attempt.score if done else None,
        "max": attempt.max_score if done else None,
        "fraction": attempt.fraction if done else None,
        "passed": attempt.passed,
        "pending": sum(1 for m in attempt.marks if m.pending) if done else 0,
        # Per criterion: the quiz rule in this attempt, and the criterion's state (course.evidence).
        "criteria": attempt_criteria(attempt),
        "items": [
            {"index": m.position, "question": m.question_id, "version": m.version, "score": m.score,
             "max": m.max_score, "correct": m.correct, "pending": m.pending,
             "feedback": m.feedback if shown else [],
             "comments": [p["comment"] for p in (m.essays or {}).values() if p.get("comment")], **key_of(m),
             **({"steps": steps_of(m)}
                if (by_key.get((m.question_id, m.version)) or {}).get("type") == "scenario" else {})}
            for m in attempt.marks
        ] if done else [],
    }
