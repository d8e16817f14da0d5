"""Flask-Migrate wiring: `carecourse init` upgrades with Alembic when migrations exist, and
migrations generated from the models reproduce the models exactly."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import init as alembic_init
from flask_migrate import migrate as alembic_migrate
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from course import create_app
from course.extensions import db
from course.models import Criterion, User
from tests.helpers import REPO_ROOT, database_url, make_app, reset_postgres_schema

REPO_MIGRATIONS = [
    p for p in (REPO_ROOT / "course" / "migrations", REPO_ROOT / "migrations") if (p / "env.py").is_file()
]


@pytest.fixture(autouse=True)
def keep_logging():
    """Alembic's env.py calls logging.config.fileConfig, which disables every existing logger."""
    manager = logging.Logger.manager
    before = {name: lg.disabled for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    root_handlers, root_level = logging.root.handlers[:], logging.root.level
    yield
    for name, lg in list(manager.loggerDict.items()):
        if isinstance(lg, logging.Logger):
            lg.disabled = before.get(name, False)
    logging.root.handlers[:] = root_handlers
    logging.root.setLevel(root_level)


def use_engine_property(env_py: Path) -> None:
    """Flask-Migrate's env.py template calls db.get_engine(), deprecated in Flask-SQLAlchemy 3.1
    (a DeprecationWarning, so an error under our filterwarnings); use db.engine as 3.x wants."""
    text = env_py.read_text()
    old = "return current_app.extensions['migrate'].db.get_engine()"
    assert old in text
    env_py.write_text(text.replace(old, "return current_app.extensions['migrate'].db.engine"))


def _empty_app(tmp_path: Path, migrations: Path):
    app = make_app(tmp_path, MIGRATIONS_DIR=str(migrations))
    with app.app_context():
        if database_url():
            reset_postgres_schema()
        else:
            db.drop_all()
        assert inspect(db.engine).get_table_names() == []
    return app


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_init_runs_alembic_when_migrations_exist(tmp_path):
    migrations = tmp_path / "migrations"
    app = _empty_app(tmp_path, migrations)
    with app.app_context():
        alembic_init(directory=str(migrations))
        use_engine_property(migrations / "env.py")
        alembic_migrate(directory=str(migrations), message="initial")
    script = next((migrations / "versions").glob("*_initial.py")).read_text()
    assert "course.dbtypes" not in script and "import course" not in script  # no app code
    assert "op.create_table('criterion'" in script and "sa.DateTime()" in script

    result = app.test_cli_runner().invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    assert "migrated to the latest revision" in result.stdout
    with app.app_context():
        assert "alembic_version" in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(func.count()).select_from(Criterion)) == 236
        assert db.session.scalar(select(func.count()).select_from(User)) == 5  # admin, tutor, assessor, IQA, learner
    assert _differences(app) == []

    again = app.test_cli_runner().invoke(args=["init", "--demo"])
    assert again.exit_code == 0
    assert "Frameworks added: none (all present)" in again.stdout


@pytest.mark.skipif(not REPO_MIGRATIONS, reason="the project's migrations are generated at integration")
def test_repository_migrations_match_the_models(tmp_path):
    app = _empty_app(tmp_path, REPO_MIGRATIONS[0])
    with app.app_context():
        upgrade(directory=str(REPO_MIGRATIONS[0]))
    assert _differences(app) == []


def test_migrate_extension_is_configured(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    configure = app.extensions["migrate"].configure_args
    assert configure["render_as_batch"] is True and configure["compare_type"] is True


@pytest.mark.skipif(not REPO_MIGRATIONS, reason="the project's migrations are generated at integration")
def test_repository_migrations_downgrade_to_an_empty_database(tmp_path):
    from flask_migrate import downgrade

    app = _empty_app(tmp_path, REPO_MIGRATIONS[0])
    with app.app_context():
        upgrade(directory=str(REPO_MIGRATIONS[0]))
        downgrade(directory=str(REPO_MIGRATIONS[0]), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
