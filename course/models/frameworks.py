"""Frameworks (NOS, QCF or RQF units), their outcomes and criteria, as imported from unit
documents."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.base import TimestampMixin

FRAMEWORK_KINDS = ("nos", "qcf", "rqf")
CRITERION_KINDS = ("knowledge", "performance")


class Framework(TimestampMixin, db.Model):
    """One standard or unit: a NOS (P and K criteria), or a QCF or RQF unit (learning outcomes, GLH)."""

    __tablename__ = "framework"
    __table_args__ = (CheckConstraint("kind IN ('nos', 'qcf', 'rqf')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    urn: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[str | None] = mapped_column(String(32))
    date_approved: Mapped[dt.date | None]
    review_date: Mapped[dt.date | None]
    suite: Mapped[str | None] = mapped_column(String(500))
    keywords: Mapped[list[str]] = mapped_column(default=list)
    overview: Mapped[str] = mapped_column(Text, default="")
    glh: Mapped[int | None]
    # RQF units (and QCF units that give them): level ("2", "3", "Entry 3"...), credit value and
    # total qualification time in hours. TQT falls back to credit x 10 where only credit is given.
    level: Mapped[str | None] = mapped_column(String(16))
    credit: Mapped[int | None]
    tqt: Mapped[int | None]
    linked_standards: Mapped[str | None] = mapped_column(String(500))
    scope: Mapped[str | None] = mapped_column(Text)
    values: Mapped[str | None] = mapped_column(Text)
    guidance: Mapped[str | None] = mapped_column(Text)
    source_filename: Mapped[str | None] = mapped_column(String(500))

    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="framework",
        order_by="Outcome.position",
        cascade="all, delete-orphan",
    )

    @classmethod
    def by_code(cls, code: str) -> Framework | None:
        """The framework with this code, or None."""
        return db.session.scalar(select(cls).where(cls.code == code))

    @property
    def criteria(self) -> list[Criterion]:
        """All criteria in document order."""
        return [c for o in self.outcomes for c in o.criteria]

    @property
    def tqt_hours(self) -> int | None:
        """Total qualification time in hours: as the unit gives it, else credit x 10, else None."""
        if self.tqt is not None:
            return self.tqt
        return self.credit * 10 if self.credit is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The framework JSON of docs/formats.md.

        ``level``, ``credit`` and ``tqt`` appear only when the unit gives them, so the JSON of
        a NOS or QCF unit (and every course document written before they existed) is unchanged.
        """
        data = {
            "kind": self.kind,
            "code": self.code,
            "title": self.title,
            "urn": self.urn,
            "version": self.version,
            "date_approved": self.date_approved.isoformat() if self.date_approved else None,
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "suite": self.suite,
            "keywords": list(self.keywords or []),
            "overview": self.overview,
            "glh": self.glh,
            "linked_standards": self.linked_standards,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "scope": self.scope,
            "values": self.values,
            "guidance": self.guidance,
        }
        for key in ("level", "credit", "tqt"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    def __repr__(self) -> str:
        return f"<Framework {self.code}>"


class Outcome(db.Model):
    """A QCF learning outcome or a NOS section/knowledge group, in document order."""

    __tablename__ = "outcome"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        CheckConstraint("kind IN ('knowledge', 'performance')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))

    framework: Mapped[Framework] = relationship(back_populates="outcomes")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="outcome",
        order_by="Criterion.position",
        cascade="all, delete-orphan",
    )

    @property
    def ref(self) -> str:
        """``FRAMEWORK/OUTCOME``, e.g. ``HSCCLD327/K.1``."""
        return f"{self.framework.code}/{self.code}"

    def to_dict(self) -> dict[str, Any]:
        """The outcome as in the framework JSON."""
        return {
            "code": self.code,
            "title": self.title,
            "kind": self.kind,
            "criteria": [c.to_dict() for c in self.criteria],
        }


class Criterion(db.Model):
    """One statement a learner must meet, referenced as ``FRAMEWORK/CODE``."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        CheckConstraint("kind IN ('knowledge', 'performance')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised so that a code is unique per framework and a ref resolves in one query.
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="CASCADE"), index=True
    )
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcome.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    workplace: Mapped[bool] = mapped_column(default=False)

    outcome: Mapped[Outcome] = relationship(back_populates="criteria")
    framework: Mapped[Framework] = relationship()

    @property
    def ref(self) -> str:
        """``FRAMEWORK/CODE``, e.g. ``HSCCLD327/K13``."""
        return f"{self.framework.code}/{self.code}"

    @classmethod
    def by_ref(cls, ref: str) -> Criterion | None:
        """The criterion for ``FRAMEWORK/CODE``, or None."""
        framework_code, sep, code = ref.partition("/")
        if not sep:
            return None
        return db.session.scalar(
            select(cls)
            .join(cls.framework)
            .where(Framework.code == framework_code, cls.code == code)
        )

    def to_dict(self) -> dict[str, Any]:
        """The criterion as in the framework JSON."""
        return {
            "code": self.code,
            "kind": self.kind,
            "text": self.text,
            "workplace": self.workplace,
        }

    def __repr__(self) -> str:
        return f"<Criterion {self.framework_id}/{self.code}>"
