"""Authoring fixtures: the seed units stored (no shipped course), bank questions, a course."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from course.extensions import db


@pytest.fixture
def units_app(app: Flask) -> Flask:
    """``app`` with the five seed units stored (frameworks only: fast, no shipped course)."""
    from course.cli import load_seed_units
    from course.seeds import seeds_dir

    with app.app_context():
        load_seed_units(seeds_dir(app.config.get("SEEDS_DIR")))
        db.session.commit()
    return app


def choice(qid: str, criteria: list[str], *, tags: list[str] | None = None, title: str | None = None) -> dict[str, Any]:
    """A valid single-choice question evidencing ``criteria``."""
    return {
        "id": qid,
        "version": 1,
        "type": "single_choice",
        "title": title or f"Question {qid}",
        "stem": f"Which is right for {qid}?",
        "criteria": criteria,
        "tags": tags or [],
        "options": [
            {"id": "a", "text": "Right", "correct": True},
            {"id": "b", "text": "Wrong", "correct": False},
        ],
    }


def scenario(qid: str, criteria: list[str], steps: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """A scenario whose child questions (``(child id, criteria)``) are true/false statements."""
    return {
        "id": qid,
        "version": 1,
        "type": "scenario",
        "title": f"Scenario {qid}",
        "stem": "Read the case, then answer each step.",
        "criteria": criteria,
        "case": {"person": "Mr Okafor, 78", "setting": "His home", "situation": "He wants to see his friends."},
        "points": 2.0,
        "steps": [
            {
                "id": f"s{n + 1}",
                "question": {"id": child, "type": "true_false", "stem": f"Statement {child}", "answer": True,
                             "criteria": refs},
                "branches": {},
                "next": None,
            }
            for n, (child, refs) in enumerate(steps)
        ],
    }


@pytest.fixture
def save_questions(units_app: Flask) -> Callable[..., list[Any]]:
    """``save_questions(org_id, [question, ...])``: store them in the organisation's bank (committed)."""
    from course.bank.service import save_questions as save

    def store(org_id: int, questions: list[dict[str, Any]]) -> list[Any]:
        with units_app.app_context():
            rows = save(questions, organisation=org_id, user=None)
            out = [(r.question_id, r.version) for r in rows]
            db.session.commit()
            return out

    return store
