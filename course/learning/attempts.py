"""Attempts: start one from the quiz's snapshot, find it, and count those used and left.

A new attempt takes a fresh draw of the quiz's questions from the question bank (the snapshot keeps
every version its draws could take, so the player replays the same assembly from its seed). Also
here: the attempt as a client resumes it (``attempt_snapshot``), whether the learner may read its
feedback texts (``option_feedback_shown``), the revision check and the quiz's time limit
(``deadline``), which the writes in ``course.learning.answers``, ``course.learning.player_state``
and ``course.learning.submission`` use.

Nothing here commits: ``start_attempt`` flushes the attempt it adds; the views commit once per
request.

Concurrency: ``Attempt.revision`` is the mapper's version counter, bumped by every write to the
attempt. A client may send the ``revision`` it last saw; a stale one is refused with ``Conflict``
(409) carrying the current state (``check_revision``). Two tabs starting an attempt at once both
try the same number; the unique constraint refuses one and the view retries it.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import func, select, update

from course.authoring.document import quiz_to_dict
from course.authoring.models import Module
from course.extensions import db
from course.learning.enrolment import is_enrolled
from course.learning.errors import Conflict, LearningError, NotFound
from course.learning.models import Attempt
from course.models.base import utcnow
from course.models.users import User
from question_bank.draw import assemble_quiz

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


def without_texts(mark: dict[str, Any]) -> dict[str, Any]:
    """A mark (or a checked scenario's record) as the learner may see it while its texts are held back:
    score, verdict and, for a scenario, the next step, with no feedback text."""
    if "steps" in mark:
        return {**mark, "steps": {step: without_texts(m) for step, m in mark["steps"].items()}}
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
    return {key: without_texts(mark) for key, mark in checked.items()}


def check_revision(attempt: Attempt, revision: Any) -> None:
    """Refuse (``Conflict``, with the attempt as it now stands) a write based on an older revision."""
    if revision is not None and revision != attempt.revision:
        raise Conflict(
            "The attempt was changed in another window.", attempt=attempt_snapshot(attempt)
        )


# Answers may arrive this long after a time limit runs out: the player's automatic submission
# and a slow connection still count; a script answering later does not.
TIME_LIMIT_GRACE = dt.timedelta(seconds=60)


def deadline(attempt: Attempt) -> dt.datetime | None:
    """When the quiz's time limit (with the grace period) runs out, or None without a limit."""
    minutes = attempt.quiz_snapshot.get("time_limit_minutes")
    if not minutes:
        return None
    return attempt.started_at + dt.timedelta(minutes=minutes) + TIME_LIMIT_GRACE


def in_time(attempt: Attempt, now: dt.datetime | None) -> bool:
    """Whether ``now`` is within the attempt's time limit and its grace (always, with no limit)."""
    limit = deadline(attempt)
    return limit is None or (now or utcnow()) <= limit
