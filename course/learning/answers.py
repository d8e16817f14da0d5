"""Answers: autosave the learner's answer to an item, and check one (or a scenario's step) as they go.

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
from typing import Any

from course.extensions import db
from course.learning.attempts import (
    attempt_snapshot,
    check_revision,
    in_time,
    item_questions,
    option_feedback_shown,
    without_texts,
)
from course.learning.errors import Conflict, Invalid, LearningError
from course.learning.models import Attempt
from course.learning.results import mark_json, result_json
from question_bank.marking import ResponseError, check_shape, mark, mark_step, step_after
from question_bank.model import Question

MAX_RESPONSE_CHARS = 100_000


def _check_open(attempt: Attempt) -> None:
    if not attempt.is_open:
        raise Conflict("This attempt has been submitted; answers can no longer change.",
                       attempt=attempt_snapshot(attempt), result=result_json(attempt))


def json_size(value: Any) -> int:
    """How many characters ``value`` takes as compact JSON (the bound on what a learner may send)."""
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
    check_revision(attempt, revision)
    if not in_time(attempt, now):
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
    if json_size(response) > MAX_RESPONSE_CHARS:
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
    return reply if option_feedback_shown(attempt) else without_texts(reply)


def _check(attempt: Attempt, index: Any, response: Any, *, step: Any, now: dt.datetime | None) -> dict[str, Any]:
    """check_answer with every feedback text in its reply (the stored record keeps them too)."""
    _check_open(attempt)
    if not in_time(attempt, now):
        raise Conflict("Time is up for this quiz: the answers saved before the time limit will be marked.",
                       attempt=attempt_snapshot(attempt))
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(attempt.questions):
        raise Invalid(f"index: expected an item number from 0 to {len(attempt.questions) - 1}")
    question = _item_question(attempt, index)
    immediate = attempt.quiz_snapshot.get("feedback") == "immediate"
    key, checked = str(index), {k: v for k, v in (attempt.checked or {}).items()}
    if json_size(response) > MAX_RESPONSE_CHARS:
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
        reply = mark_json(result)
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
        record = {"steps": {**record["steps"], step: mark_json(result) if immediate else {}}, "next": following}
        responses[key] = {"path": path, "answers": answers}
        checked[key] = record
        reply = {**record["steps"][step], "next": following}
    attempt.responses = responses
    attempt.checked = checked  # the flush bumps attempt.revision
    db.session.flush()
    return reply
