"""Paths shared by the SCORM exporter tests (a uniquely named module: every test folder has a
conftest.py, so tests import these from here, never from ``conftest``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
COURSE_JSON = FIXTURES / "course.json"
STUB_PLAYER = FIXTURES / "player-stub"
PLAYER = ROOT / "scorm_export" / "player"
KIT = Path(os.environ.get("SCORM_KIT", ROOT / ".." / "shared" / "scorm-kit")).resolve()
if str(KIT) not in sys.path:
    sys.path.insert(0, str(KIT))
