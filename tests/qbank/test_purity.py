"""question_bank is pure: importing all of it loads no Flask and no SQLAlchemy."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import question_bank, question_bank.draw, question_bank.limits, question_bank.marking, question_bank.safe_json, question_bank.schemas
import question_bank.text, question_bank.types, question_bank.versions
import question_bank.cues, question_bank.quality, question_bank.testwise, question_bank.public
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                        ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "course"))))
"""


def test_importing_question_bank_loads_no_web_or_database_modules():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out) == []


def test_the_probe_would_notice_flask():
    probe = PROBE.replace("import json, sys", "import json, sys, flask")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    assert "flask" in json.loads(out)
