"""scorm_export is pure: it imports and builds a package with no web framework or ORM loaded."""

from __future__ import annotations

import subprocess
import sys

from scorm_support import COURSE_JSON, ROOT, STUB_PLAYER

SCRIPT = f"""
import json, sys
import scorm_export, scorm_export.document, scorm_export.package, scorm_export.checks
from scorm_export.package import build_package
from scorm_export.checks import check_content, check_package
doc = json.loads(open({str(COURSE_JSON)!r}, "rb").read())
data = build_package(doc, player_dir={str(STUB_PLAYER)!r})
assert check_package(data) == [] and check_content(doc) == []
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy", "course"))
print(",".join(loaded))
"""


def test_scorm_export_imports_no_app_or_database():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout == "\n"
