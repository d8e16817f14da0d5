"""Fixtures for the SCORM exporter tests: the fixture course, a stand-in player, the kit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scorm_support import COURSE_JSON, KIT, PLAYER


@pytest.fixture
def course_doc() -> dict:
    """A fresh copy of the fixture course document (2 modules, 6 questions, one scenario)."""
    return json.loads(COURSE_JSON.read_bytes())


@pytest.fixture(scope="session")
def scorm_kit() -> Path:
    if not (KIT / "validate_scorm.py").is_file():
        pytest.skip(f"scorm-kit not found at {KIT}; set SCORM_KIT")
    return KIT


@pytest.fixture(scope="session")
def real_player() -> Path:
    if not (PLAYER / "index.html").is_file() or not (PLAYER / "player.js").is_file():
        pytest.skip("the player (scorm_export/player/index.html, player.js) has not landed")
    return PLAYER


@pytest.fixture(scope="session")
def playable_player(real_player) -> Path:
    """The player with every file docs/formats.md names, so a quiz can be taken."""
    missing = [
        n
        for n in ("index.html", "player.css", "marking.js", "runtime.js", "player.js")
        if not (PLAYER / n).is_file()
    ]
    if missing:
        pytest.skip(f"the player is missing {', '.join(missing)}")
    return PLAYER
