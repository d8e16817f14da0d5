"""Every model module, imported so that ``db.create_all()`` and Alembic see all tables.

Adding an area? Import its models module here, one line, e.g.
``from course.authoring import models as _authoring_models  # noqa: F401``.
"""
from course.models.base import TimestampMixin, utcnow
from course.models.frameworks import Criterion, Framework, Outcome
from course.models.users import ROLES, LoginThrottle, Organisation, User, UserSession

# Other areas' model modules (one line each):
from course.authoring import models as _authoring_models  # noqa: F401,E402
from course.learning import models as _learning_models  # noqa: F401,E402
from course.bank import models as _bank_models  # noqa: F401,E402
from course.api import models as _api_models  # noqa: F401,E402
from course.jobs import models as _jobs_models  # noqa: F401,E402
from course.evidence import models as _evidence_models  # noqa: F401,E402
from course.accounts import models as _accounts_models  # noqa: F401,E402

__all__ = [
    "ROLES",
    "Criterion",
    "Framework",
    "LoginThrottle",
    "Organisation",
    "Outcome",
    "TimestampMixin",
    "User",
    "UserSession",
    "utcnow",
]
