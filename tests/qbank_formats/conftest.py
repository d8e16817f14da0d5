"""Fixtures for the exchange-format tests: the interop corpus and a bank covering every type."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INTEROP = Path(os.environ.get("CARECOURSE_INTEROP", REPO.parent / "shared" / "interop"))


def interop_path(name: str) -> Path:
    return INTEROP / name


def manifest() -> list[dict]:
    path = INTEROP / "manifest.json"
    if not path.is_file():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def interop() -> Path:
    if not (INTEROP / "manifest.json").is_file():
        pytest.fail(f"interop corpus not found at {INTEROP} (set CARECOURSE_INTEROP)")
    return INTEROP


def make_bank() -> list[dict]:
    """One question of every type the formats carry, in the canonical form, plus a scenario."""
    common = {
        "version": 1,
        "general_feedback": "",
        "difficulty": "medium",
        "tags": [],
        "points": 1.0,
    }
    return [
        dict(
            common,
            id="sc-trust-1",
            type="single_choice",
            title="Building trust",
            stem="<p>What helps Mr Okafor trust a new carer?</p>",
            stem_format="html",
            points=2.0,
            general_feedback="Trust grows from reliability.",
            criteria=["NOS-EFFREL/K14", "NOS-CONTACT/K14"],
            difficulty="hard",
            tags=["trust", "category:Relationships/Trust"],
            options=[
                {
                    "id": "a",
                    "text": "Arriving when you said you would",
                    "correct": True,
                    "feedback": "Yes: reliability builds trust.",
                },
                {
                    "id": "b",
                    "text": "Changing the routine each visit",
                    "correct": False,
                    "feedback": "No.",
                },
                {
                    "id": "c",
                    "text": "Speaking to his son instead of him",
                    "correct": False,
                    "feedback": "",
                },
            ],
            shuffle=True,
        ),
        dict(
            common,
            id="mr-signs-1",
            type="multiple_response",
            title="Signs of isolation",
            stem="Which are **signs** of social isolation?",
            stem_format="markdown",
            criteria=["HSCCLD327/K13"],
            tags=["category:Relationships/Trust"],
            options=[
                {"id": "a", "text": "Few visitors", "correct": True, "feedback": "Right."},
                {"id": "b", "text": "Low mood", "correct": True, "feedback": ""},
                {"id": "c", "text": "A full diary", "correct": False, "feedback": "Not a sign."},
                {"id": "d", "text": "Regular club visits", "correct": False, "feedback": ""},
            ],
            shuffle=False,
            all_or_nothing=False,
        ),
        dict(
            common,
            id="tf-consent-1",
            type="true_false",
            title="Consent",
            stem="<p>Consent given once lasts for ever.</p>",
            stem_format="html",
            criteria=["HSCCLD327/K13"],
            answer=False,
            feedback_true="No: consent can be withdrawn.",
            feedback_false="Right: consent is ongoing.",
            general_feedback="See the consent policy.",
        ),
        dict(
            common,
            id="match-roles-1",
            type="matching",
            title="Who does what",
            stem="<p>Match each person to their role.</p>",
            stem_format="html",
            criteria=["QCF-RELNET/1.3"],
            premises=[
                {"id": "p1", "text": "Advocate", "match": "r1"},
                {"id": "p2", "text": "Key worker", "match": "r2"},
                {"id": "p3", "text": "Friend", "match": "r3"},
            ],
            responses=[
                {"id": "r1", "text": "Speaks up for the person"},
                {"id": "r2", "text": "Coordinates the care plan"},
                {"id": "r3", "text": "Offers companionship"},
                {"id": "r4", "text": "Prescribes medicines"},
            ],
            shuffle=True,
        ),
        dict(
            common,
            id="order-visit-1",
            type="ordering",
            title="Order of a visit",
            stem="<p>Put the steps of a home visit in order.</p>",
            stem_format="html",
            criteria=["HSCCLD222/K1"],
            items=[
                {"id": "i1", "text": "Knock and introduce yourself"},
                {"id": "i2", "text": "Ask how the person is"},
                {"id": "i3", "text": "Carry out the agreed care"},
                {"id": "i4", "text": "Record the visit"},
            ],
            shuffle=True,
        ),
        dict(
            common,
            id="sa-word-1",
            type="short_answer",
            title="Key word",
            stem="<p>A relationship built on openness is based on {{g1}}.</p>",
            stem_format="html",
            criteria=["HSCCLD327/K13"],
            gaps=[
                {
                    "id": "g1",
                    "answers": [
                        {"text": "trust", "credit": 1.0, "feedback": "Yes."},
                        {"text": "honesty", "credit": 0.5, "feedback": "Close."},
                    ],
                    "options": None,
                    "case_sensitive": False,
                    "wildcard": False,
                }
            ],
        ),
        dict(
            common,
            id="sa-gaps-1",
            type="short_answer",
            title="Two gaps",
            stem="<p>Good care is {{g1}} and {{g2}}.</p>",
            stem_format="html",
            criteria=["HSCCLD327/K13"],
            gaps=[
                {
                    "id": "g1",
                    "answers": [{"text": "kind", "credit": 1.0, "feedback": ""}],
                    "options": None,
                    "case_sensitive": True,
                    "wildcard": False,
                },
                {
                    "id": "g2",
                    "answers": [
                        {"text": "safe", "credit": 1.0, "feedback": ""},
                        {"text": "quick", "credit": 0.5, "feedback": ""},
                    ],
                    "options": ["safe", "quick", "loud"],
                    "case_sensitive": False,
                    "wildcard": False,
                },
            ],
        ),
        dict(
            common,
            id="num-fluids-1",
            type="numeric",
            title="Fluid intake",
            stem="<p>How many litres a day is a typical target?</p>",
            stem_format="html",
            criteria=["NOS-CONTACT/K14"],
            answers=[
                {"value": 2.0, "tolerance": 0.5, "credit": 1.0, "feedback": "Yes."},
                {"value": 1.5, "tolerance": 0.0, "credit": 0.5, "feedback": "A little low."},
            ],
            unit="l",
        ),
        dict(
            common,
            id="essay-reflect-1",
            type="essay",
            title="Reflection",
            points=5.0,
            stem="<p>Describe a time you rebuilt trust.</p>",
            stem_format="html",
            criteria=["HSCCLD327/K13"],
            word_limit=300,
            min_words=50,
            marker_guidance="Look for a concrete example.",
        ),
    ]


def make_scenario() -> dict:
    return {
        "id": "scn-visit-1",
        "version": 1,
        "type": "scenario",
        "title": "A first visit",
        "stem": "Read the case.",
        "stem_format": "markdown",
        "points": 1.0,
        "general_feedback": "",
        "criteria": ["HSCCLD327/K13"],
        "difficulty": "medium",
        "tags": [],
        "case": {"person": "Mr Okafor", "setting": "His home", "situation": "First visit"},
        "steps": [
            {
                "id": "s1",
                "branches": {},
                "next": None,
                "question": {
                    "id": "c1",
                    "type": "true_false",
                    "stem": "Knock first?",
                    "points": 1.0,
                    "answer": True,
                },
            }
        ],
    }


@pytest.fixture
def bank() -> list[dict]:
    return make_bank()


@pytest.fixture
def cli_runner(app, runner):
    """The app's CLI runner with import-questions and export-questions registered."""
    from course.bank.commands import register_commands

    register_commands(app.cli)
    return runner


@pytest.fixture
def org(create_org):
    """The organisation whose bank the commands use (the only one)."""
    return create_org("Northfield Care")
