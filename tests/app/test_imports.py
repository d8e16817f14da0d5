"""Any module can be imported first, in a fresh interpreter (a script, a worker, a test file run
alone): the area models no longer import one another through ``course.models`` (see its
docstring). Importing an area's models first used to fail with a circular import."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO_ROOT

FIRST_IMPORTS = [
    "course.authoring.models",
    "course.learning.models",
    "course.evidence.models",
    "course.learning.player",
    "course.learning.views",
    "course.shipped",
]


@pytest.mark.parametrize("module", FIRST_IMPORTS)
def test_a_module_imported_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


def test_create_app_loads_every_area_s_models() -> None:
    program = ("import json; from course import create_app; from course.extensions import db; "
               "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
               "print(json.dumps(sorted(db.metadata.tables)))")
    done = subprocess.run([sys.executable, "-c", program], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    tables = set(json.loads(done.stdout))
    # One table of each area's models module (course.models.AREA_MODEL_MODULES), in its order.
    assert {"course", "attempt", "question_version", "api_token", "job", "workplace_evidence",
            "account_token"} <= tables, sorted(tables)
