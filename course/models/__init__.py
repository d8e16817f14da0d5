"""The core models (organisations, users and their sessions, frameworks) and ``load_all()``.

``load_all()`` imports every area's models module, so that ``db.create_all()``, Alembic and the
names SQLAlchemy relationships refer to see every table; ``create_app`` calls it. The areas are
not imported here: each imports this package's base, so importing one area's models first (a
script, a test) would be a circular import.

Adding an area? Add its models module to ``AREA_MODEL_MODULES``.
"""
import importlib

from course.models.base import TimestampMixin, utcnow
from course.models.frameworks import Criterion, Framework, Outcome
from course.models.users import ROLES, LoginThrottle, Organisation, User, UserSession

AREA_MODEL_MODULES = (
    "course.authoring.models",
    "course.learning.models",
    "course.bank.models",
    "course.api.models",
    "course.jobs.models",
    "course.evidence.models",
    "course.accounts.models",
)


def load_all() -> None:
    """Import every area's models (once; later calls cost a dictionary lookup each)."""
    for name in AREA_MODEL_MODULES:
        importlib.import_module(name)


__all__ = [
    "AREA_MODEL_MODULES",
    "ROLES",
    "Criterion",
    "Framework",
    "LoginThrottle",
    "Organisation",
    "Outcome",
    "TimestampMixin",
    "User",
    "UserSession",
    "load_all",
    "utcnow",
]
