"""The module player in the app: the player's own files, with the launch data rendered in.

The page is ``scorm_export/player/index.html`` with its relative file names pointed at the
``learning.player_file`` route and the two data scripts (``course-data.js``, ``launch.js``)
replaced by inline ``window.CC_COURSE`` / ``window.CC_LAUNCH`` assignments, so the app and a
SCORM package run the same player.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup

from scorm_export.slim import minify_player_file

from course.authoring.models import Module
from course.learning.models import Attempt, ModuleProgress
from course.learning.player_cache import module_cache
from course.models.users import User

PLAYER_DIR = Path(__file__).resolve().parents[2] / "scorm_export" / "player"
PLAYER_FILES = ("player.css", "marking.js", "runtime.js", "player.js")


def player_file_version(name: str) -> str:
    """A cache-busting token for a player file (its modification time)."""
    try:
        return str(int((PLAYER_DIR / name).stat().st_mtime))
    except OSError:
        return "0"


class MinifiedFile(NamedTuple):
    data: bytes
    etag: str  # of ``data``, for conditional requests


@lru_cache(maxsize=2 * len(PLAYER_FILES))
def minified_player_file(name: str, version: str) -> MinifiedFile:
    """A player file as packages carry it (``scorm_export.slim``: comments and spaces removed),
    made once per process and file version, with its ETag: 85 KB of source become 63 KB on every
    first open."""
    data = minify_player_file(name, (PLAYER_DIR / name).read_bytes())
    return MinifiedFile(data, hashlib.sha256(data).hexdigest()[:32])


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no "</script>", "<!--" or line separators)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _module_base(module: Module, media_base: str | None) -> dict[str, Any]:
    """The module's document as the player reads it without a quiz (pages rendered): the same for
    every learner until the course is edited, so built once per content version (player_cache)."""
    from scorm_export.package import course_data

    from course.authoring.document import module_document

    return course_data(module_document(module, quiz=None, questions=[]), media_base=media_base)


def course_document(module: Module, attempt: Attempt | None, questions: dict[tuple[str, int], dict[str, Any]], *,
                    with_quiz: bool, media_base: str | None = None) -> dict[str, Any]:
    """The course document limited to one module, as the learner's player reads it (HTML rendered).

    With an attempt, the quiz is the attempt's snapshot and the questions are exactly the items it
    stored (``attempt.questions``: ids, versions, display orders), each in its public form
    (``question_bank.public``): no answer keys, feedback, marker guidance or branches, since the
    server marks every answer. ``questions``: the attempt's ``item_questions`` by key. Question images
    point at ``media_base``. The part without the quiz comes from the player cache.
    """
    from question_bank.public import public_question
    from scorm_export.document import criterion_texts, question_criteria
    from scorm_export.package import stem_html

    course = module.course
    key = (course.id, course.content_version, module.id, media_base)
    base = module_cache().get_or_build(key, lambda: _module_base(module, media_base))
    quiz = None
    shown = []
    if with_quiz and attempt is not None:
        quiz = {k: v for k, v in attempt.quiz_snapshot.items() if k != "bank"}
        for entry in attempt.questions:
            question = questions[(entry["question"], entry["version"])]
            item = json.loads(json.dumps(public_question(question, entry.get("order"), entry.get("step_orders"))))
            item["stem_html"] = stem_html(item, media_base)
            for step in item.get("steps") or []:
                step["question"]["stem_html"] = stem_html(step["question"], media_base)
            shown.append(item)
    # A new top level and module around the shared (never changed) cached parts.
    data = dict(base)
    data["modules"] = [dict(base["modules"][0], quiz=json.loads(json.dumps(quiz)) if quiz is not None else None)]
    data["questions"] = shown
    # The results name each criterion by its code and its text (the keys stay on the server).
    data["criteria"] = criterion_texts(data, sorted(question_criteria(
        questions[(e["question"], e["version"])] for e in (attempt.questions if quiz else []))))
    return data


def launch_data(module: Module, *, api: str, csrf: str, user: User, attempt: Attempt | None,
                progress: ModuleProgress | None, exit_url: str, next_module: dict[str, str] | None = None,
                questions: dict[tuple[str, int], dict[str, Any]] | None = None) -> dict[str, Any]:
    """``window.CC_LAUNCH`` for the app adapter: the attempt (its items, answers, checked marks, and
    the server's result once submitted), where Exit goes, and the next module ({title, url})."""
    if attempt is not None:
        from course.learning.attempts import attempt_snapshot
        from course.learning.results import result_json

        record: dict[str, Any] = attempt_snapshot(attempt)
        if not attempt.is_open:
            record["result"] = result_json(attempt, questions)
    else:
        record = {"state": progress.state if progress else None,
                  "location": progress.location if progress else None}
    record["learner"] = {"id": str(user.id), "name": user.name}
    return {"adapter": "app", "module": module.slug,
            "app": {"api": api, "csrf": csrf, "attempt": record, "exit_url": exit_url, "next": next_module}}


@lru_cache(maxsize=4)
def _index_html(mtime: float) -> str:
    return (PLAYER_DIR / "index.html").read_text(encoding="utf-8")


def render_player_page(*, title: str, course: dict[str, Any], launch: dict[str, Any], file_url: Any,
                       nonce: str) -> str:
    """The player's index.html with file URLs from ``file_url(name)`` and the data inline.

    The inline data scripts carry ``nonce``, the request's Content-Security-Policy script nonce.
    """
    html = _index_html((PLAYER_DIR / "index.html").stat().st_mtime)
    data = (f'<script nonce="{nonce}">window.CC_COURSE = {script_json(course)};</script>\n'
            f'<script nonce="{nonce}">window.CC_LAUNCH = {script_json(launch)};</script>')
    html = re.sub(r'<script src="course-data\.js"></script>\s*<script src="launch\.js"></script>',
                  lambda m: data, html, count=1)
    for name in PLAYER_FILES:
        html = html.replace(f'"{name}"', f'"{file_url(name)}"')
    html = re.sub(r"<title>.*?</title>", lambda m: f"<title>{Markup.escape(title)} – carecourse</title>", html,
                  count=1, flags=re.S)
    return html
