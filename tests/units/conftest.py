"""Fixtures for the unit parser tests: where the five seed units are, and their text."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED_NAMES = {
    "000": "000_79094af63c4f7cc3.txt",
    "001": "001_cbb267609ac38888.txt",
    "002": "002_0012bc7761209f2d.txt",
    "003": "003_51e37c85262fc49a.txt",
    "004": "004_d5be4a3ac554f1b8.txt",
}


def seeds_dir() -> Path:
    return Path(os.environ.get("CARECOURSE_SEEDS", REPO.parent / "shared" / "seeds"))


@pytest.fixture(scope="session")
def seed_path():
    folder = seeds_dir()
    if not folder.is_dir():
        pytest.fail(f"seed folder {folder} not found (set CARECOURSE_SEEDS)")

    def path(number: str) -> Path:
        return folder / SEED_NAMES[number]

    return path


@pytest.fixture(scope="session")
def seed_text(seed_path):
    def text(number: str) -> str:
        return seed_path(number).read_text(encoding="utf-8")

    return text
