"""The main navigation: each area adds its links here at import time.

    from course.core.nav import nav_item
    nav_item("Courses", "authoring.courses", roles=("admin", "tutor"), order=20)

Links whose endpoint is not registered are skipped; each user sees those for their role.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user

from course.models.users import ROLES


@dataclass(frozen=True)
class NavItem:
    """One link in the main navigation."""

    label: str
    endpoint: str
    roles: frozenset[str]
    order: int


_ITEMS: dict[str, NavItem] = {}


def nav_item(label: str, endpoint: str, *, roles: tuple[str, ...] = ROLES, order: int = 50) -> None:
    """Add (or replace) the link to ``endpoint`` for users holding one of ``roles``."""
    _ITEMS[endpoint] = NavItem(label, endpoint, frozenset(roles), order)


def nav_for() -> list[dict[str, object]]:
    """The links the current user sees: label, url and whether it is the current section."""
    if not current_user.is_authenticated:
        return []
    items = sorted(_ITEMS.values(), key=lambda i: (i.order, i.label))
    links = []
    for item in items:
        if current_user.role not in item.roles or item.endpoint not in current_app.view_functions:
            continue
        url = url_for(item.endpoint)
        current = request.endpoint == item.endpoint or (
            request.blueprint is not None
            and request.blueprint == item.endpoint.partition(".")[0]
            and request.blueprint != "core"
        )
        links.append({"label": item.label, "url": url, "current": current})
    return links
