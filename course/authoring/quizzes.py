"""A module's quiz: its settings and modes, its fixed questions and random draws, and the question
versions it can contain. Functions flush and never commit (see ``course.authoring.common``)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.authoring.common import AuthoringError, _check_title, check_version
from course.authoring.models import FEEDBACK_MODES, GRADING_METHODS, OPTION_FEEDBACK, QUIZ_MODES, Course, Module, Quiz
from course.authoring.service import course_criteria
from course.extensions import db
from question_bank import limits
from question_bank.limits import too_many

MAX_VERSION = 2**31 - 1  # question versions are 32-bit integer columns in PostgreSQL


# --------------------------------------------------------------------------- the question bank


def _question_data(row: Any) -> dict[str, Any]:
    """A bank row (QuestionVersion) or a plain dict as the question JSON with id and version."""
    if isinstance(row, dict):
        return row
    return dict(row.data, id=row.question_id, version=row.version)


def bank_current_questions(organisation_id: int) -> dict[str, dict[str, Any]]:
    """The current version of every question of the organisation's bank, by id."""
    from course.bank import service as bank

    rows = bank.current_questions(organisation_id)
    out = {}
    for row in rows:
        data = _question_data(row)
        out[data["id"]] = data
    return dict(sorted(out.items()))


def bank_version(organisation_id: int, question_id: str, version: int) -> dict[str, Any] | None:
    """One version of one question of the organisation's bank, or None."""
    from course.bank import service as bank

    row = bank.get_version(question_id, version, organisation=organisation_id)
    return None if row is None else _question_data(row)


def question_criteria(question: dict[str, Any]) -> list[str]:
    """Every criterion a question evidences, its scenario steps' own criteria included."""
    refs = list(question.get("criteria") or [])
    for step in question.get("steps") or []:
        for ref in (step.get("question") or {}).get("criteria") or []:
            if ref not in refs:
                refs.append(ref)
    return refs


def draw_candidates(current: dict[str, dict[str, Any]], draw: dict[str, Any]) -> list[str]:
    """Ids of the current questions a draw takes from, sorted (as ``question_bank.draw`` picks)."""
    return [
        qid
        for qid, q in sorted(current.items())
        if (draw.get("criterion") is None or draw["criterion"] in (q.get("criteria") or []))
        and (draw.get("tag") is None or draw["tag"] in (q.get("tags") or []))
    ]


@dataclass(frozen=True)
class DrawAvailability:
    """What one draw can take: ``matches`` current bank questions carry its criterion or tag, and
    ``available`` of them are left once the quiz's fixed questions and, in the worst case, the
    draws before it are taken out (as ``validate_quiz_items`` reckons)."""

    count: int
    matches: int
    available: int

    @property
    def short(self) -> bool:
        """Fewer questions can be drawn than the draw asks for."""
        return self.available < self.count


def draw_availability(items: Sequence[dict[str, Any]], current: dict[str, dict[str, Any]]) -> list[DrawAvailability | None]:
    """Per quiz item (already normalised): its ``DrawAvailability``, or None for a fixed question."""
    fixed = {item["question"] for item in items if "question" in item}
    earlier: list[tuple[int, set[str]]] = []
    out: list[DrawAvailability | None] = []
    for item in items:
        if "draw" not in item:
            out.append(None)
            continue
        draw = item["draw"]
        candidates = set(draw_candidates(current, draw)) - fixed
        taken = sum(min(count, len(pool & candidates)) for count, pool in earlier)
        out.append(DrawAvailability(draw["count"], len(candidates), max(len(candidates) - taken, 0)))
        earlier.append((draw["count"], candidates))
    return out


def _normalise_item(item: Any, path: str) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    if not isinstance(item, dict):
        return None, [(path, "an item is {question, version} or {draw}")]
    if "draw" in item:
        draw = item["draw"]
        if set(item) != {"draw"} or not isinstance(draw, dict):
            return None, [(path, "an item is either {question, version} or {draw}, not both")]
        count = draw.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            return None, [(f"{path}.draw.count", "a draw takes a whole number of questions, 1 or more")]
        criterion, tag = draw.get("criterion"), draw.get("tag")
        if (criterion is None) == (tag is None) or set(draw) - {"count", "criterion", "tag"}:
            return None, [(f"{path}.draw", "a draw names exactly one of a criterion or a tag")]
        sel = {"criterion": str(criterion).strip()} if criterion is not None else {"tag": str(tag).strip()}
        if not next(iter(sel.values())):
            return None, [(f"{path}.draw", "a draw names exactly one of a criterion or a tag")]
        return {"draw": {"count": count, **sel}}, []
    qid, version = item.get("question"), item.get("version")
    if set(item) - {"question", "version"} or not isinstance(qid, str) or not qid:
        return None, [(path, "a fixed item is {question, version}")]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        return None, [(f"{path}.version", f"a version is a whole number from 1 to {MAX_VERSION}")]
    return {"question": qid, "version": version}, []


def quiz_item_problems(item: Any) -> list[tuple[str, str]]:
    """What is wrong with the shape of one quiz item, as (path within the item, message): "" for
    the item itself, "version", "draw", "draw.count". Nothing is looked up."""
    return [(path.partition(".")[2], message) for path, message in _normalise_item(item, "item")[1]]


def validate_quiz_items(
    course: Course, items: Sequence[Any], current: dict[str, dict[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Check quiz items against the course's frameworks and its organisation's bank.

    Returns the normalised items and every problem as (path, message), paths like
    ``items[1].draw.count``. A draw needs enough candidates after the quiz's fixed questions
    and, in the worst case, everything earlier draws could take from the same pool. ``current``:
    the bank's current questions by id (bank_current_questions), when the caller has them.
    """
    if len(items) > limits.ITEMS_PER_QUIZ:  # before any of them is looked at
        return [], [("items", too_many(len(items), limits.ITEMS_PER_QUIZ, "items"))]
    problems: list[tuple[str, str]] = []
    normalised: list[dict[str, Any]] = []
    criteria = course_criteria(course)
    if current is None:
        current = bank_current_questions(course.organisation_id)
    for n, raw in enumerate(items):
        item, item_problems = _normalise_item(raw, f"items[{n}]")
        problems += item_problems
        if item is not None:
            normalised.append(item)
    if problems:
        return normalised, problems
    fixed = {item["question"] for item in normalised if "question" in item}
    seen_fixed: set[str] = set()
    earlier: list[tuple[int, set[str]]] = []
    for n, item in enumerate(normalised):
        path = f"items[{n}]"
        if "question" in item:
            qid, version = item["question"], item["version"]
            stored = bank_version(course.organisation_id, qid, version)
            if stored is None:
                problems.append((f"{path}.question", f"question {qid!r} version {version} is not in your question bank"))
            elif not stored.get("criteria"):
                problems.append((f"{path}.question", f"question {qid!r} is not mapped to a criterion yet: "
                                 "edit it in the question bank to add one"))
            elif qid in seen_fixed:
                problems.append((f"{path}.question", f"question {qid!r} is already in this quiz"))
            seen_fixed.add(qid)
            continue
        draw = item["draw"]
        if "criterion" in draw and draw["criterion"] not in criteria:
            problems.append((f"{path}.draw.criterion", f"{draw['criterion']} is not a criterion of this course's frameworks"))
            continue
        candidates = set(draw_candidates(current, draw)) - fixed
        taken = sum(min(count, len(pool & candidates)) for count, pool in earlier)
        available = max(len(candidates) - taken, 0)
        if available < draw["count"]:
            what = f"evidencing {draw['criterion']}" if "criterion" in draw else f"tagged {draw['tag']!r}"
            problems.append((
                f"{path}.draw.count",
                f"draw of {draw['count']} questions {what} has only {available} candidate(s) in your question bank",
            ))
        earlier.append((draw["count"], candidates))
    return normalised, problems


# --------------------------------------------------------------------------- quizzes


QUIZ_DEFAULTS: dict[str, Any] = {
    "pass_mark": 0.8,
    "criterion_threshold": None,
    "attempts": 0,
    "grading": "highest",
    "shuffle": False,
    "feedback": "immediate",
    "time_limit_minutes": None,
    "mode": "formative",
    "option_feedback": "always",
    "shuffle_options": False,
}

# What choosing a mode sets (README: Summative and formative quizzes); each can then be changed.
# A summative attempt is evidence, so it must not be won by retrying with the answers in view:
# few attempts, no feedback until submitted, the feedback texts only once no attempt is left, and
# every attempt drawn and ordered afresh.
MODE_DEFAULTS: dict[str, dict[str, Any]] = {
    "formative": {"attempts": 0, "feedback": "immediate", "option_feedback": "always", "shuffle": False,
                  "shuffle_options": False},
    "summative": {"attempts": 3, "feedback": "after_submission", "option_feedback": "after_final_attempt",
                  "shuffle": True, "shuffle_options": True},
}


def _fraction(value: Any, field_name: str, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise AuthoringError(f"{label} is a fraction from 0 to 1 (0.8 is 80%).", field_name)
    return float(value)


def set_quiz(
    module: Module,
    *,
    title: str | None = None,
    pass_mark: float | None = None,
    criterion_threshold: float | None | str = "unchanged",
    attempts: int | None = None,
    grading: str | None = None,
    shuffle: bool | None = None,
    feedback: str | None = None,
    time_limit_minutes: int | None | str = "unchanged",
    mode: str | None = None,
    option_feedback: str | None = None,
    shuffle_options: bool | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Quiz:
    """Create the module's quiz or change its settings (None / "unchanged": keep or default).

    ``criterion_threshold`` and ``time_limit_minutes`` may be set to None explicitly. A ``mode``
    other than the quiz's (or any mode for a new quiz) first sets ``MODE_DEFAULTS`` for it: the
    attempts, feedback, option feedback and shuffles not given in the same call.
    ``expected_version`` as in ``update_course``; "" expects the module to have no quiz yet.
    """
    check_version(module.quiz, expected_version, "quiz")
    quiz = module.quiz
    created = quiz is None
    if quiz is None:
        quiz = Quiz(title=f"{module.title}: quiz"[:300], items=[], **QUIZ_DEFAULTS)
        module.quiz = quiz
    if mode is not None:
        if mode not in QUIZ_MODES:
            raise AuthoringError(f"Mode is one of {', '.join(QUIZ_MODES)}.", "mode")
        if created or mode != quiz.mode:
            given = {"attempts": attempts, "feedback": feedback, "option_feedback": option_feedback,
                     "shuffle": shuffle, "shuffle_options": shuffle_options}
            for name, value in MODE_DEFAULTS[mode].items():
                if given[name] is None:
                    setattr(quiz, name, value)
        quiz.mode = mode
    if title is not None:
        quiz.title = _check_title(title)
    if pass_mark is not None:
        quiz.pass_mark = _fraction(pass_mark, "pass_mark", "The pass mark")
    if criterion_threshold != "unchanged":
        quiz.criterion_threshold = (
            None
            if criterion_threshold is None
            else _fraction(criterion_threshold, "criterion_threshold", "The per-criterion threshold")
        )
    if attempts is not None:
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
            raise AuthoringError("Attempts is a whole number, 0 for unlimited.", "attempts")
        quiz.attempts = attempts
    if grading is not None:
        if grading not in GRADING_METHODS:
            raise AuthoringError(f"Grading is one of {', '.join(GRADING_METHODS)}.", "grading")
        quiz.grading = grading
    if shuffle is not None:
        quiz.shuffle = bool(shuffle)
    if feedback is not None:
        if feedback not in FEEDBACK_MODES:
            raise AuthoringError(f"Feedback is one of {', '.join(FEEDBACK_MODES)}.", "feedback")
        quiz.feedback = feedback
    if time_limit_minutes != "unchanged":
        if time_limit_minutes is not None and (
            isinstance(time_limit_minutes, bool) or not isinstance(time_limit_minutes, int) or time_limit_minutes < 1
        ):
            raise AuthoringError("A time limit is a whole number of minutes, 1 or more.", "time_limit_minutes")
        quiz.time_limit_minutes = time_limit_minutes  # type: ignore[assignment]
    if option_feedback is not None:
        if option_feedback not in OPTION_FEEDBACK:
            raise AuthoringError(f"Option feedback is one of {', '.join(OPTION_FEEDBACK)}.", "option_feedback")
        quiz.option_feedback = option_feedback
    if shuffle_options is not None:
        quiz.shuffle_options = bool(shuffle_options)
    db.session.flush()
    return quiz


def only_fixed_items(quiz: Quiz | None) -> bool:
    """A quiz with items that are all fixed questions: every attempt shows the same questions."""
    return bool(quiz is not None and quiz.items and all("question" in item for item in quiz.items))


@dataclass
class DrawPlan:
    """What ``draw_per_criterion`` did: the draws made, and the criteria it could not draw for."""

    draws: list[dict[str, Any]]
    capped: dict[str, tuple[int, int]]  # criterion: (items it had, questions its pool can give)
    skipped: list[str]  # criteria with nothing left to draw, or of a framework the course is not built on


def draw_per_criterion(quiz: Quiz) -> DrawPlan:
    """Replace the quiz's items by one draw per criterion they evidence, so each attempt differs.

    A criterion's draw counts the items that evidenced it (a fixed question its own ``criteria``
    name, as draws match them; a draw by criterion its count), capped by what its pool can give
    once the draws before it have taken their worst case (as ``validate_quiz_items`` reckons).
    Draws by tag stay as they are, first, so they keep every candidate they had. AuthoringError
    when no item evidences a criterion, or no pool has a question left.
    """
    organisation_id = quiz.module.course.organisation_id
    current = bank_current_questions(organisation_id)
    wanted: dict[str, int] = {}
    by_tag: list[dict[str, Any]] = []
    for item in quiz.items or []:
        if "draw" in item:
            draw = item["draw"]
            if "criterion" in draw:
                wanted[draw["criterion"]] = wanted.get(draw["criterion"], 0) + draw["count"]
            else:
                by_tag.append({"draw": dict(draw)})
            continue
        question = bank_version(organisation_id, item["question"], item["version"]) or {}
        for ref in question.get("criteria") or []:
            wanted[ref] = wanted.get(ref, 0) + 1
    if not wanted:
        raise AuthoringError("No question in this quiz evidences a criterion to draw for.", "items")
    draws: list[dict[str, Any]] = []
    capped: dict[str, tuple[int, int]] = {}
    skipped: list[str] = []
    earlier = [(item["draw"]["count"], set(draw_candidates(current, item["draw"]))) for item in by_tag]
    known = course_criteria(quiz.module.course)
    for ref, count in wanted.items():
        if ref not in known:  # another framework's criterion: a draw may only name the course's
            skipped.append(ref)
            continue
        pool = set(draw_candidates(current, {"criterion": ref}))
        taken = sum(min(n, len(other & pool)) for n, other in earlier)
        available = max(len(pool) - taken, 0)
        if available == 0:
            skipped.append(ref)
            continue
        if available < count:
            capped[ref] = (count, available)
        drawn = min(count, available)
        draws.append({"draw": {"count": drawn, "criterion": ref}})
        earlier.append((drawn, pool))
    if not draws:
        raise AuthoringError("The question bank has no questions left to draw for this quiz's criteria.", "items")
    set_quiz_items(quiz, by_tag + draws)
    return DrawPlan(draws=[d["draw"] for d in draws], capped=capped, skipped=skipped)


def set_quiz_items(quiz: Quiz, items: Sequence[Any]) -> Quiz:
    """Replace the quiz's items after checking them all (``QuizItemsError`` lists the problems)."""
    normalised, problems = validate_quiz_items(quiz.module.course, items)
    if problems:
        raise QuizItemsError(problems)
    quiz.items = normalised
    db.session.flush()
    return quiz


class QuizItemsError(AuthoringError):
    """Quiz items that cannot be used; ``problems`` lists (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems), "items")


def add_fixed_question(quiz: Quiz, question_id: str, version: int | None = None) -> Quiz:
    """Append a fixed question (``version`` None: its current version)."""
    if version is None:
        current = bank_current_questions(quiz.module.course.organisation_id).get(question_id)
        if current is None:
            raise AuthoringError(f"Question {question_id!r} is not in your question bank.", "question")
        version = current["version"]
    try:
        return set_quiz_items(quiz, [*quiz.items, {"question": question_id, "version": version}])
    except QuizItemsError as exc:
        raise AuthoringError(exc.problems[-1][1], "question") from None


def add_draw(quiz: Quiz, count: int, *, criterion: str | None = None, tag: str | None = None) -> Quiz:
    """Append a random draw of ``count`` questions evidencing ``criterion`` or tagged ``tag``."""
    draw: dict[str, Any] = {"count": count}
    if criterion:
        draw["criterion"] = criterion.strip()
    if tag:
        draw["tag"] = tag.strip()
    try:
        return set_quiz_items(quiz, [*quiz.items, {"draw": draw}])
    except QuizItemsError as exc:
        # Named after the draw form's field it concerns, so the builder shows it there.
        path, message = exc.problems[-1]
        raise AuthoringError(message, "count" if path.endswith(".count") else "criterion") from None


def remove_quiz_item(quiz: Quiz, index: int) -> Quiz:
    """Remove the item at 0-based ``index``."""
    if not 0 <= index < len(quiz.items):
        raise AuthoringError("No such quiz item.", "items")
    quiz.items = [item for n, item in enumerate(quiz.items) if n != index]
    db.session.flush()
    return quiz


def move_quiz_item(quiz: Quiz, index: int, position: int) -> Quiz:
    """Move the item at ``index`` to ``position`` (both 0-based; position clamped)."""
    if not 0 <= index < len(quiz.items):
        raise AuthoringError("No such quiz item.", "items")
    items = list(quiz.items)
    item = items.pop(index)
    items.insert(max(0, min(position, len(items))), item)
    quiz.items = items
    db.session.flush()
    return quiz


def delete_quiz(module: Module) -> int:
    """Remove the module's quiz; the attempts still open on it are submitted and marked first, with a
    note to their learners (README: Courses). Returns how many were closed."""
    if module.quiz is None:
        return 0
    from course.learning.submission import close_open_attempts

    closed = close_open_attempts(module)
    module.quiz = None  # delete-orphan deletes it; attempts keep their snapshot of it
    db.session.flush()
    return closed


def _fixed_versions(course: Course, current: dict[str, dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Every fixed item's question version in the course's quizzes, by (id, version): the current
    ones from ``current``, the older ones in one query (not one per item)."""
    from course.bank.models import QuestionVersion

    wanted = {(item["question"], item["version"]) for m in course.modules if m.quiz is not None
              for item in m.quiz.items or [] if "question" in item}
    found = {key: current[key[0]] for key in wanted
             if key[0] in current and current[key[0]]["version"] == key[1]}
    older = wanted - found.keys()
    if older:
        rows = db.session.scalars(select(QuestionVersion).where(
            QuestionVersion.organisation_id == course.organisation_id,
            QuestionVersion.question_id.in_({qid for qid, _ in older})))
        for row in rows:
            if (row.question_id, row.version) in older:
                found[(row.question_id, row.version)] = _question_data(row)
    return found


def quiz_question_versions(
    course: Course, current: dict[str, dict[str, Any]] | None = None
) -> dict[int, list[dict[str, Any]]]:
    """Per module id: every question version its quiz can contain (fixed, then draw candidates)."""
    if current is None:
        current = bank_current_questions(course.organisation_id)
    out: dict[int, list[dict[str, Any]]] = {}
    pinned = _fixed_versions(course, current)
    for module in course.modules:
        found: list[dict[str, Any]] = []
        seen: set[tuple[str, int]] = set()
        items = module.quiz.items if module.quiz is not None else []
        fixed = {item["question"] for item in items if "question" in item}
        for item in items:
            if "question" in item:
                q = pinned.get((item["question"], item["version"]))
                versions = [q] if q is not None else []
            else:
                versions = [current[qid] for qid in draw_candidates(current, item["draw"]) if qid not in fixed]
            for q in versions:
                key = (q["id"], q["version"])
                if key not in seen:
                    seen.add(key)
                    found.append(q)
        out[module.id] = found
    return out


