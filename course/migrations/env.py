"""Alembic environment for carecourse: the app's engine and the models' metadata.

Run through Flask-Migrate (``carecourse db upgrade``, ``carecourse db migrate -m "..."``), or
``carecourse init``, which upgrades to the latest revision.
"""
import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Write the app's column types as plain SQLAlchemy ones, so migrations never import app code.

    ``UTCDateTime`` stores naive UTC in a DATETIME / TIMESTAMP column: a plain ``sa.DateTime()``.
    """
    if type_ == "type" and obj.__class__.__module__.startswith("course."):
        impl = obj.impl if isinstance(obj, sa.types.TypeDecorator) else obj
        return f"sa.{impl.__class__.__name__}({_type_args(impl)})"
    return False


def _type_args(impl):
    length = getattr(impl, "length", None)
    return f"length={length}" if length else ""


def _skip_empty_revisions(context_, revision, directives):
    """``db migrate`` writes no file when the models and the schema already agree."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def _configure_args():
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("process_revision_directives", _skip_empty_revisions)
    args.setdefault("render_item", render_item)
    args.setdefault("compare_type", True)
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    args.setdefault("render_as_batch", True)
    return args


def run_migrations_offline():
    """Emit SQL for the migrations without a database connection (``--sql``)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=db.metadata, literal_binds=True, **_configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations on the app's database."""
    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **_configure_args())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
