"""Helpers for typed models: UTC timestamps, the timestamp mixin, the shared column types.

Write models as SQLAlchemy 2 typed classes on ``db.Model``::

    from course.extensions import db
    from course.models.base import TimestampMixin, utcnow

    class Thing(TimestampMixin, db.Model):
        __tablename__ = "thing"
        id: Mapped[int] = mapped_column(primary_key=True)
        due: Mapped[datetime | None]          # UTC, timezone-aware
        data: Mapped[dict[str, Any]]          # JSON

``Mapped[datetime]`` is stored as naive UTC and read back timezone-aware (``UTCDateTime``);
always build times with ``utcnow()`` or an aware datetime.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Mapped, mapped_column

from course.dbtypes import TYPE_ANNOTATION_MAP, UTC, UTCDateTime, utcnow

__all__ = ["TYPE_ANNOTATION_MAP", "UTC", "UTCDateTime", "utcnow", "TimestampMixin"]


class TimestampMixin:
    """Adds ``created_at`` and ``updated_at`` (UTC, set by the ORM on insert and update)."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
