"""``carecourse init`` and ``carecourse import-unit``."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from sqlalchemy import func, select

from course.extensions import db
from course.models import Criterion, Framework, Organisation, Outcome, User
from course.seeds import DEMO_USERS, SEED_UNITS
from tests.helpers import REPO_ROOT, SEEDS_DIR, login

SEED_000 = SEEDS_DIR / "000_79094af63c4f7cc3.txt"
SEED_002 = SEEDS_DIR / "002_0012bc7761209f2d.txt"

# Criteria per seed unit, as issue 3 gives them.
SEED_CRITERIA = {"HSCCLD327": 35, "QCF-RELNET": 18, "NOS-EFFREL": 81, "NOS-CONTACT": 71, "HSCCLD222": 31}


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Framework, Outcome, Criterion, User, Organisation)
        }


def snapshot(app) -> list[tuple]:
    """Every framework, criterion and user row as stored, to prove a rerun changes nothing."""
    with app.app_context():
        rows = [tuple(f.to_dict().items()) + (f.updated_at,) for f in db.session.scalars(select(Framework))]
        rows += [(u.email, u.password_hash, u.updated_at) for u in db.session.scalars(select(User))]
        return rows


def test_init_loads_the_five_seed_units(app, runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Frameworks added: HSCCLD327, QCF-RELNET, NOS-EFFREL, NOS-CONTACT, HSCCLD222" in result.output
    with app.app_context():
        stored = {
            code: n for code, n in db.session.execute(
                select(Framework.code, func.count(Criterion.id)).join(Criterion).group_by(Framework.code)
            )
        }
        assert stored == SEED_CRITERIA
        k13 = Criterion.by_ref("HSCCLD327/K13")
        assert k13.text == "how to manage risks and safeguarding restrictions on relationships"
        assert k13.kind == "knowledge" and k13.workplace is False
        assert db.session.scalar(select(Framework.source_filename).where(Framework.code == "QCF-RELNET")) \
            == "001_cbb267609ac38888.txt"
    assert counts(app)["User"] == 0  # no --demo, no users


def test_init_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["init", "--demo"])
    assert first.exit_code == 0, first.output + first.stderr
    before_counts, before_rows = counts(app), snapshot(app)
    assert before_counts == {"Framework": 5, "Outcome": before_counts["Outcome"], "Criterion": 236,
                             "User": 5, "Organisation": 1}
    second = runner.invoke(args=["init", "--demo"])
    assert second.exit_code == 0, second.output + second.stderr
    assert "Frameworks added: none (all present)" in second.output
    assert "Demo users added: none (all present)" in second.output
    assert counts(app) == before_counts
    assert snapshot(app) == before_rows


def test_demo_users_sign_in_with_documented_passwords(app, runner):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0
    for email, _name, role, password in DEMO_USERS:
        assert f"{email}  password: {password}" in result.output
        client = app.test_client()
        assert login(client, email, password).status_code == 302, email
        with app.app_context():
            user = User.by_email(email)
            assert user.role == role
            assert user.organisation.name == "Demo Care Training"


def test_init_with_missing_seeds_stores_nothing(app, tmp_path):
    partial = tmp_path / "seeds"
    partial.mkdir()
    shutil.copy(SEED_000, partial / SEED_000.name)  # only the first of five
    app.config["SEEDS_DIR"] = str(partial)
    result = app.test_cli_runner().invoke(args=["init", "--demo"])
    assert result.exit_code == 1
    assert "001_cbb267609ac38888.txt" in result.stderr
    assert counts(app)["Framework"] == 0
    assert counts(app)["User"] == 0


def test_seed_list_matches_formats_doc():
    doc = (REPO_ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for filename, code in SEED_UNITS:
        assert f"{filename[:3]} `{code}`" in doc


def test_import_unit_stores_the_framework(app, runner):
    result = runner.invoke(args=["import-unit", str(SEED_000), "--wait"])
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout == (
        "Imported HSCCLD327: Work with individuals to develop and maintain relationships "
        "(2 outcomes, 35 criteria)\n"
    )
    with app.app_context():
        framework = Framework.by_code("HSCCLD327")
        assert [o.code for o in framework.outcomes] == ["P.1", "K.1"]
        assert [c.code for c in framework.outcomes[1].criteria][-3:] == ["K22", "K23", "K24"]
        assert framework.source_filename == SEED_000.name


def test_import_unit_json_prints_and_stores_nothing(app, runner):
    result = runner.invoke(args=["import-unit", str(SEED_000), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "nos" and data["code"] == "HSCCLD327" and data["glh"] is None
    k13 = next(c for o in data["outcomes"] for c in o["criteria"] if c["code"] == "K13")
    assert k13 == {"code": "K13", "kind": "knowledge",
                   "text": "how to manage risks and safeguarding restrictions on relationships",
                   "workplace": False}
    assert counts(app)["Framework"] == 0


def test_import_unit_uses_code_when_no_urn(app, runner):
    result = runner.invoke(args=["import-unit", str(SEED_002), "--code", "MY-EFFREL", "--wait"])
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith("Imported MY-EFFREL: Promote effective relationships with individuals")
    with app.app_context():
        assert Criterion.by_ref("MY-EFFREL/K50") is not None


def test_import_unit_duplicate_code_is_an_error(app, runner):
    assert runner.invoke(args=["import-unit", str(SEED_000), "--wait"]).exit_code == 0
    before = counts(app)
    result = runner.invoke(args=["import-unit", str(SEED_000), "--wait"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {SEED_000}: a framework with code HSCCLD327 already exists\n"
    assert counts(app) == before


def test_import_unit_bad_inputs(app, runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n   \n")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"Overview\nsome text\n\x00\x01\x02")
    prose = tmp_path / "prose.txt"
    prose.write_text("Dear colleague,\n\nPlease find the minutes attached.\n")
    missing = tmp_path / "missing.txt"
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"\n" * (2 * 1024 * 1024 + 1))
    cases = [
        (huge, f"error: {huge}: the file is 2,097,153 bytes; the limit is 2 MiB: a unit document is plain text\n"),
        (empty, f"error: {empty}: empty document\n"),
        (binary, f"error: {binary}:3: binary data (NUL byte), not text\n"),
        (prose, f"error: {prose}: no criteria found: not a unit document\n"),
        (missing, f"error: {missing}: cannot read the file: No such file or directory\n"),
        (tmp_path, f"error: {tmp_path}: is a directory, not a unit file\n"),
    ]
    for path, message in cases:
        for extra in (["--wait"], ["--json"]):
            result = runner.invoke(args=["import-unit", str(path), *extra])
            assert result.exit_code == 1, path
            assert result.stderr == message
            assert result.stdout == ""
    assert counts(app)["Framework"] == 0


def test_console_script_is_the_flask_cli(tmp_path):
    """``carecourse`` is a real console entry point: its --help lists our commands and Flask's."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from course.cli import main; sys.argv[0]='carecourse'; main()", "--help"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr
    for command in ("init", "import-unit", "run", "db", "shell"):
        assert f"  {command}" in result.stdout


def test_create_user_then_sign_in(app, runner):
    result = runner.invoke(args=["create-user", "Nadia@Example.org", "--name", "Nadia Khan", "--role", "tutor",
                                 "--organisation", "Riverside Care"], input="long enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    assert "Created tutor nadia@example.org in Riverside Care" in result.stdout
    assert login(app.test_client(), "nadia@example.org", "long enough pw").status_code == 302
    again = runner.invoke(args=["create-user", "nadia@example.org", "--name", "N", "--role", "tutor",
                                "--password", "long enough pw"])
    assert again.exit_code == 1
    assert again.stderr == "error: a user with email nadia@example.org already exists\n"


def test_create_user_refuses_short_password_and_bad_role(app, runner):
    short = runner.invoke(args=["create-user", "a@example.org", "--name", "A", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1
    assert short.stderr == "error: the password must have at least 10 characters\n"
    bad_role = runner.invoke(args=["create-user", "a@example.org", "--name", "A", "--role", "owner",
                                   "--password", "long enough pw"])
    assert bad_role.exit_code == 2
    assert counts(app)["User"] == 0


def test_unlock_and_set_password(app, runner, create_user):
    user = create_user("learner")
    client = app.test_client()
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    assert login(client, user.email).status_code == 429
    result = runner.invoke(args=["unlock-user", user.email])
    assert result.stdout == f"Lifted the sign-in delays on {user.email}\n"
    assert login(client, user.email).status_code == 302
    assert runner.invoke(args=["unlock-user", user.email]).stdout == f"{user.email} had no sign-in delay\n"

    result = runner.invoke(args=["set-password", user.email], input="a new password\na new password\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"Password set for {user.email}; 1 session ended\n")
    fresh = app.test_client()
    assert login(fresh, user.email).status_code == 401
    assert login(fresh, user.email, "a new password").status_code == 302
    missing = runner.invoke(args=["set-password", "ghost@example.org", "--password", "whatever123"])
    assert missing.exit_code == 1 and missing.stderr == "error: no user with email ghost@example.org\n"
