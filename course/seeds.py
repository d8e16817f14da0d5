"""The five seed units the first course is built from, with the codes they are stored under."""
from __future__ import annotations

import os
from pathlib import Path

# (file, code): codes from docs/formats.md; where a unit names its URN the parser finds the same.
SEED_UNITS: list[tuple[str, str]] = [
    ("000_79094af63c4f7cc3.txt", "HSCCLD327"),
    ("001_cbb267609ac38888.txt", "QCF-RELNET"),
    ("002_0012bc7761209f2d.txt", "NOS-EFFREL"),
    ("003_51e37c85262fc49a.txt", "NOS-CONTACT"),
    ("004_d5be4a3ac554f1b8.txt", "HSCCLD222"),
]


def seeds_dir(configured: str | None = None) -> Path:
    """Where the seed files are: ``configured``, else $CARECOURSE_SEEDS, else ../shared/seeds."""
    if configured:
        return Path(configured)
    env = os.environ.get("CARECOURSE_SEEDS")
    if env:
        return Path(env)
    project = Path(__file__).resolve().parent.parent
    return project.parent / "shared" / "seeds"

DEMO_ORGANISATION = "Demo Care Training"

# (email, name, role, password): created by `carecourse init --demo`; named in README.
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("admin@example.org", "Demo Admin", "admin", "demo-admin-pass"),
    ("tutor@example.org", "Demo Tutor", "tutor", "demo-tutor-pass"),
    ("assessor@example.org", "Demo Assessor", "assessor", "demo-assessor-pass"),
    ("iqa@example.org", "Demo IQA", "iqa", "demo-iqa-pass"),
    ("learner@example.org", "Demo Learner", "learner", "demo-learner-pass"),
]
