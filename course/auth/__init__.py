"""Sign-in, sign-out, roles, server-side sessions and sign-in delays.

Modules: ``sessions`` (sessions that sign-out, a new password or an admin can end),
``throttle`` (the waits after failed sign-ins; its docstring states the rule), ``devices`` (the
trusted-device cookie), ``accounts`` (a password change, which ends every session).

Public API::

    from course.auth import roles_required, public, ANY_ROLE

    @bp.get("/courses/")
    @roles_required("admin", "tutor")      # anonymous: to sign-in (401 JSON under /api/, /learn/api/)
    def index(): ...                       # signed in with another role: 403

    @bp.get("/about")
    @public                                # declared open to everyone
    def about(): ...

Every endpoint must carry one of the two: tests/app/test_routes.py fails for any that does not.
"""
from course.auth.decorators import ANY_ROLE, is_api_path, public, roles_required, setup_login

__all__ = ["ANY_ROLE", "is_api_path", "public", "roles_required", "setup_login"]
