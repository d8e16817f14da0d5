"""A tutor's preview of a module or its quiz, in the learners' own player, recording nothing.

The page is the app's player page (``course.learning.player``) launched with the player's ``none``
runtime: a read-only adapter that keeps no state and sends nothing, so no attempt, time or progress
is written anywhere, not even in the browser's storage. Without a server to mark, the player marks
itself as it does in a SCORM package, so the document carries the module's quiz as authored and
every question version it can draw (answer keys included: the tutor wrote them).
"""
from __future__ import annotations

from typing import Any

from course.authoring.document import module_document, quiz_to_dict
from course.authoring.models import Module
from course.authoring.quizzes import quiz_question_versions

PREVIEW_ADAPTER = "none"


def preview_document(module: Module, *, media_base: str) -> dict[str, Any]:
    """The course document limited to ``module``, as the player reads it (HTML rendered)."""
    from scorm_export.package import course_data

    quiz = module.quiz
    questions = quiz_question_versions(module.course).get(module.id, []) if quiz is not None else []
    doc = module_document(module, quiz=None if quiz is None else quiz_to_dict(quiz),
                          questions=sorted(questions, key=lambda q: (q["id"], q["version"])))
    return course_data(doc, media_base=media_base)


def preview_launch(module: Module, *, exit_url: str, quiz_first: bool) -> dict[str, Any]:
    """``window.CC_LAUNCH`` of a preview: the read-only adapter; Exit returns to the builder;
    ``quiz_first`` opens the quiz straight away (the quiz preview)."""
    launch: dict[str, Any] = {"adapter": PREVIEW_ADAPTER, "module": module.slug, "app": {"exit_url": exit_url}}
    if quiz_first:
        launch["start"] = "quiz"
    return launch
