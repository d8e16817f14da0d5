"""Storing a framework document (docs/formats.md) as models."""
from __future__ import annotations

import datetime as dt
from typing import Any

from course.extensions import db
from course.models.frameworks import CRITERION_KINDS, FRAMEWORK_KINDS, Criterion, Framework, Outcome
from question_bank import limits
from question_bank.limits import longer_than, too_many

# The framework document's texts and their limits (question_bank.limits; the columns' sizes).
TEXT_LIMITS = {
    "code": limits.FRAMEWORK_CODE_CHARS,
    "urn": limits.FRAMEWORK_CODE_CHARS,
    "title": limits.FRAMEWORK_TITLE_CHARS,
    "version": limits.FRAMEWORK_VERSION_CHARS,
    "level": limits.FRAMEWORK_LEVEL_CHARS,
    "suite": limits.FRAMEWORK_TITLE_CHARS,
    "linked_standards": limits.FRAMEWORK_TITLE_CHARS,
    "overview": limits.FRAMEWORK_TEXT_CHARS,
    "scope": limits.FRAMEWORK_TEXT_CHARS,
    "values": limits.FRAMEWORK_TEXT_CHARS,
    "guidance": limits.FRAMEWORK_TEXT_CHARS,
}


class FrameworkError(ValueError):
    """A framework document cannot be stored; the message says which field and why."""


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FrameworkError(f"{field}: not an ISO date: {value!r}") from None


def _too_long(value: Any, limit: int) -> bool:
    return value is not None and len(str(value)) > limit


def _hours(data: dict[str, Any], key: str) -> int | None:
    """A whole number of hours (or credits) from the document, or None; FrameworkError else."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not (
        0 <= value <= limits.FRAMEWORK_HOURS
    ):
        raise FrameworkError(f"{key}: must be a whole number from 0 to {limits.FRAMEWORK_HOURS:,}")
    return value


def check_limits(data: dict[str, Any]) -> None:
    """FrameworkError naming the first text or list of a framework document over its limit."""
    for key, limit in TEXT_LIMITS.items():
        if _too_long(data.get(key), limit):
            raise FrameworkError(f"{key}: {longer_than(limit)}")
    for key in ("glh", "credit", "tqt"):
        _hours(data, key)
    keywords = list(data.get("keywords") or [])
    if len(keywords) > limits.KEYWORDS_PER_FRAMEWORK:
        raise FrameworkError(
            f"keywords: {too_many(len(keywords), limits.KEYWORDS_PER_FRAMEWORK, 'keywords')}")
    if any(_too_long(k, limits.KEYWORD_CHARS) for k in keywords):
        raise FrameworkError(f"keywords: a keyword {longer_than(limits.KEYWORD_CHARS)}")
    outcomes = data.get("outcomes") or []
    if len(outcomes) > limits.OUTCOMES_PER_FRAMEWORK:
        raise FrameworkError(
            f"outcomes: {too_many(len(outcomes), limits.OUTCOMES_PER_FRAMEWORK, 'outcomes')}")
    code_chars = limits.CRITERION_CODE_CHARS
    for o_pos, outcome in enumerate(outcomes):
        where = f"outcome {o_pos + 1}"
        criteria = outcome.get("criteria") or []
        if _too_long(outcome.get("code"), code_chars):
            raise FrameworkError(f"{where}: code {longer_than(code_chars)}")
        if _too_long(outcome.get("title"), limits.OUTCOME_TITLE_CHARS):
            raise FrameworkError(f"{where}: title {longer_than(limits.OUTCOME_TITLE_CHARS)}")
        if len(criteria) > limits.CRITERIA_PER_OUTCOME:
            raise FrameworkError(
                f"{where}: {too_many(len(criteria), limits.CRITERIA_PER_OUTCOME, 'criteria')}")
        for c_pos, criterion in enumerate(criteria):
            here = f"{where}, criterion {c_pos + 1}"
            if _too_long(criterion.get("code"), code_chars):
                raise FrameworkError(f"{here}: code {longer_than(code_chars)}")
            if _too_long(criterion.get("text"), limits.CRITERION_TEXT_CHARS):
                raise FrameworkError(f"{here}: text {longer_than(limits.CRITERION_TEXT_CHARS)}")


def store_framework(data: dict[str, Any], *, source: str) -> Framework:
    """Add the framework in ``data`` (framework JSON) with its outcomes and criteria; flush only.

    Raises FrameworkError for a duplicate code (already stored, or repeated inside ``data``)
    or a malformed document. The caller commits, or rolls back so nothing is stored.
    """
    code = str(data.get("code") or "").strip()
    if not code:
        raise FrameworkError("code: missing")
    if data.get("kind") not in FRAMEWORK_KINDS:
        raise FrameworkError(f"kind: must be one of {', '.join(FRAMEWORK_KINDS)}")
    if not str(data.get("title") or "").strip():
        raise FrameworkError("title: missing")
    check_limits(data)
    if Framework.by_code(code) is not None:
        raise FrameworkError(f"a framework with code {code} already exists")
    framework = Framework(
        kind=data["kind"],
        code=code,
        title=data["title"].strip(),
        urn=data.get("urn"),
        version=None if data.get("version") is None else str(data["version"]),
        date_approved=_date(data.get("date_approved"), "date_approved"),
        review_date=_date(data.get("review_date"), "review_date"),
        suite=data.get("suite"),
        keywords=list(data.get("keywords") or []),
        overview=data.get("overview") or "",
        glh=data.get("glh"),
        level=None if data.get("level") is None else str(data["level"]),
        credit=_hours(data, "credit"),
        tqt=_hours(data, "tqt"),
        linked_standards=data.get("linked_standards"),
        scope=data.get("scope"),
        values=data.get("values"),
        guidance=data.get("guidance"),
        source_filename=source,
    )
    outcome_codes: set[str] = set()
    criterion_codes: set[str] = set()
    for o_pos, o in enumerate(data.get("outcomes") or []):
        o_code = str(o.get("code") or "").strip()
        where = f"outcome {o_pos + 1}"
        if not o_code:
            raise FrameworkError(f"{where}: code missing")
        if o_code in outcome_codes:
            raise FrameworkError(f"{where}: duplicate outcome code {o_code}")
        outcome_codes.add(o_code)
        criteria = o.get("criteria") or []
        o_kind = o.get("kind") or (criteria[0].get("kind") if criteria else "knowledge")
        if o_kind not in CRITERION_KINDS:
            raise FrameworkError(f"{where}: kind must be knowledge or performance")
        outcome = Outcome(position=o_pos, code=o_code, title=o.get("title") or "", kind=o_kind)
        framework.outcomes.append(outcome)
        for c_pos, c in enumerate(criteria):
            c_code = str(c.get("code") or "").strip()
            if not c_code:
                raise FrameworkError(f"{where}, criterion {c_pos + 1}: code missing")
            if c_code in criterion_codes:
                raise FrameworkError(f"{where}: duplicate criterion code {c_code}")
            criterion_codes.add(c_code)
            if c.get("kind") not in CRITERION_KINDS:
                raise FrameworkError(f"criterion {c_code}: kind must be knowledge or performance")
            if not str(c.get("text") or "").strip():
                raise FrameworkError(f"criterion {c_code}: text missing")
            outcome.criteria.append(
                Criterion(
                    framework=framework,
                    position=c_pos,
                    code=c_code,
                    kind=c["kind"],
                    text=c["text"].strip(),
                    workplace=bool(c.get("workplace", False)),
                )
            )
    db.session.add(framework)
    db.session.flush()
    return framework
