"""The player's state and location: on an attempt, or on the module's progress row when the module
has no quiz; and the pages seen, which each new location notes on that row (``module_progress``).

Every function flushes and never commits; the views commit once per request.

Concurrency: storing an attempt's state bumps ``Attempt.revision``, the mapper's version counter,
like an answer does (``course.learning.answers``): if another request wrote in between, the flush
raises ``StaleDataError`` and the view retries on fresh data. A client may also send the
``revision`` it last saw; a stale one is refused with ``Conflict`` (409) carrying the current state.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from course.authoring.models import Module, Page
from course.extensions import db
from course.learning.answers import json_size
from course.learning.attempts import check_revision
from course.learning.errors import Invalid
from course.learning.models import Attempt, ModuleProgress

MAX_STATE_CHARS = 200_000


def _checked_state(state: Any, location: Any) -> tuple[dict | None, str | None]:
    """The player's state (an object within MAX_STATE_CHARS) and location (cut to 255), or Invalid."""
    if state is not None and not isinstance(state, dict):
        raise Invalid("state: expected an object")
    if location is not None and not isinstance(location, str):
        raise Invalid("location: expected a string")
    if json_size(state) > MAX_STATE_CHARS:
        raise Invalid(f"state: longer than {MAX_STATE_CHARS} characters")
    return state, None if location is None else location[:255]


def save_state(attempt: Attempt, state: Any, location: Any, *, revision: int | None = None) -> Attempt:
    """Store the player's compact state and location (after submission too: it is only the view)."""
    check_revision(attempt, revision)
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
