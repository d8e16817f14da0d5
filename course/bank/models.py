"""QuestionVersion: every version of every bank question, per organisation; BankMedia: the images
those questions show (imported with them), per organisation.

A question is identified by its stable `question_id` within an organisation; each edit of a
question some attempt already uses makes a new version (the old one stays, `is_current` moves).
`data` holds the full question JSON (docs/formats.md); `criteria` is copied into the
`question_criteria` association table so that questions can be found by criterion in SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.base import utcnow


class QuestionVersion(db.Model):
    """One version of one question (immutable once `in_use`)."""

    __tablename__ = "question_version"
    __table_args__ = (
        UniqueConstraint("organisation_id", "question_id", "version"),
        Index("ix_question_version_current", "organisation_id", "is_current", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(120))
    version: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]]
    criteria: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    is_current: Mapped[bool] = mapped_column(default=True)
    in_use: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    criterion_links: Mapped[list[QuestionCriterion]] = relationship(
        back_populates="question_version",
        cascade="all, delete-orphan",
        order_by="QuestionCriterion.position",
    )

    def __repr__(self) -> str:
        return f"<QuestionVersion {self.question_id} v{self.version}{' current' if self.is_current else ''}>"


class QuestionCriterion(db.Model):
    """question_criteria: which criterion references a question version evidences."""

    __tablename__ = "question_criteria"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_version.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_ref: Mapped[str] = mapped_column(String(160), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    question_version: Mapped[QuestionVersion] = relationship(back_populates="criterion_links")


class BankMedia(db.Model):
    """An image a bank question shows, stored once per organisation under its ``media/<name>`` path.

    Question text refers to it by that relative path (``<img src="media/apple.png">``), which a SCORM
    package resolves to the copy it carries and the app rewrites to its own media routes.
    """

    __tablename__ = "bank_media"
    __table_args__ = (UniqueConstraint("organisation_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<BankMedia {self.path} {self.size} bytes>"
