"""A SCORM package carries a quiz's mode settings to its player, and one without them stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

from scorm_export.package import package_files

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "course.json"


def packaged_quizzes(doc: dict) -> list[dict]:
    script = package_files(doc, standard="1.2")["course-data.js"].decode("ascii")
    data = json.loads(script[len("window.CC_COURSE = "):].rstrip().rstrip(";"))
    return [m["quiz"] for m in data["modules"] if m["quiz"]]


def test_the_package_carries_mode_option_feedback_and_shuffle_options():
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    quiz = next(m["quiz"] for m in doc["modules"] if m["quiz"])
    quiz.update(mode="summative", option_feedback="after_final_attempt", shuffle_options=True, attempts=3)
    (packaged, *_) = packaged_quizzes(doc)
    assert (packaged["mode"], packaged["option_feedback"], packaged["shuffle_options"], packaged["attempts"]) == \
        ("summative", "after_final_attempt", True, 3)


def test_a_document_without_them_is_packaged_unchanged():
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for quiz in packaged_quizzes(doc):
        assert not {"mode", "option_feedback", "shuffle_options"} & set(quiz)  # the player reads absent as formative
