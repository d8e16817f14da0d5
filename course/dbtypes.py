"""Column types shared by every model; no app, no models imported here (extensions.py uses it).

Times are stored as naive UTC (``timestamp without time zone`` on PostgreSQL) so both databases
behave the same, and come back as timezone-aware UTC datetimes. A ``Mapped[datetime]`` column
gets this type automatically through ``TYPE_ANNOTATION_MAP``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.types import TypeDecorator

UTC = dt.timezone.utc


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A datetime stored as naive UTC and returned timezone-aware; naive input is refused."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # A naive datetime is ambiguous (local? UTC?); failing here beats a silent offset.
            raise ValueError("naive datetime given; use course.models.base.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


TYPE_ANNOTATION_MAP: dict[Any, Any] = {
    dt.datetime: UTCDateTime(),
    dict[str, Any]: JSON(),
    list[str]: JSON(),
    list[Any]: JSON(),
    list[int]: JSON(),
    list[dict[str, Any]]: JSON(),
}
