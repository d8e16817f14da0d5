"""What every authoring operation shares: the errors a user can fix, input checks, slugs and the
version tokens that stop one tutor's save overwriting another's.

Problems a user can fix raise ``AuthoringError`` with the field it concerns; a clash with existing
data raises ``ConflictError`` (an API answers 409 for it, 422 for the other). An edit started from
a version someone has since saved over raises ``StaleEditError`` (``check_version``: forms answer
409, the API 412 for its If-Match).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from sqlalchemy import inspect
from sqlalchemy.exc import InvalidRequestError

from course.authoring.models import Course, Module, Page, Quiz
from course.extensions import db
from course.models.base import UTC
from course.models.frameworks import Framework
from question_bank.limits import longer_than

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class AuthoringError(ValueError):
    """Input a user can fix; ``field`` names the form/JSON field it concerns (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(AuthoringError):
    """The change clashes with stored data (a slug already taken, for instance)."""


class StaleEditError(ConflictError):
    """Someone saved the object after the version an edit started from (a lost update averted).

    ``kind`` names the object: "course", "module", "page" or "quiz".
    """

    def __init__(self, kind: str):
        super().__init__(
            f"Someone else saved this {kind} after you opened it, so your changes have not been saved.",
            "version",
        )
        self.kind = kind


# --------------------------------------------------------------------------- helpers


def slugify(text: str, fallback: str = "item") -> str:
    """A lower-case identifier made from ``text``: accents dropped, other runs become hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return slug or fallback


def _unique_slug(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_slug(slug: str, field_name: str = "slug") -> str:
    slug = (slug or "").strip()
    if not slug:
        raise AuthoringError("Enter a slug.", field_name)
    if len(slug) > 100 or not IDENTIFIER_RE.match(slug):
        raise AuthoringError(
            "A slug is letters, digits, '_', '.' or '-', starting with a letter or digit, no spaces.",
            field_name,
        )
    return slug


def _check_chars(value: str, limit: int, field_name: str, label: str) -> str:
    """``value`` if it has at most ``limit`` characters, else AuthoringError naming the field."""
    if len(value) > limit:
        raise AuthoringError(f"{label}: {longer_than(limit)}.", field_name)
    return value


def _check_room(count: int, limit: int, what: str, where: str) -> None:
    """Refuse to add one more ``what`` to ``where`` holding ``count`` already (limit reached)."""
    if count >= limit:
        raise AuthoringError(f"{where} already has the most {what} it may have: {limit:,}.", None)


def _check_title(title: str, field_name: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise AuthoringError("Enter a title.", field_name)
    if len(title) > 300:
        raise AuthoringError("A title is at most 300 characters.", field_name)
    return title


def _resolve_frameworks(frameworks: Sequence[Framework | str | int]) -> list[Framework]:
    out: list[Framework] = []
    for item in frameworks:
        if isinstance(item, Framework):
            fw = item
        elif isinstance(item, int):
            fw = db.session.get(Framework, item)
        else:
            fw = Framework.by_code(str(item))
        if fw is None:
            raise AuthoringError(f"Unknown framework {item!r}.", "frameworks")
        if fw not in out:
            out.append(fw)
    if not out:
        raise AuthoringError("Pick at least one framework.", "frameworks")
    return out


# --------------------------------------------------------------------------- edit conflicts

_KIND_NAMES = {Course: "course", Module: "module", Page: "page", Quiz: "quiz"}


def version_token(obj: Course | Module | Page | Quiz | None) -> str:
    """The version of ``obj`` an edit starts from: its ``updated_at`` as UTC to the microsecond.

    ``2024-05-01T09:30:00.123456Z``; "" for no object (a module without a quiz). SQLite (ISO
    text) and PostgreSQL (``timestamp``) both keep microseconds, so the token read back from
    either equals the one made from the value written; ``utcnow()`` is aware UTC, naive values
    are taken as UTC.
    """
    value = getattr(obj, "updated_at", None)
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_version(
    obj: Course | Module | Page | Quiz | None, expected: str | Iterable[str] | None, kind: str | None = None
) -> None:
    """Refuse (``StaleEditError``) an edit started from a version other than ``obj``'s current one.

    ``expected`` is the ``version_token`` the editor loaded (or several: any may match; "*"
    matches any existing object); None skips the check, for clients that send no version.
    The row is re-read with ``FOR UPDATE`` (a no-op on SQLite, whose writers are serialised),
    so on PostgreSQL two saves racing each other cannot both pass.
    """
    if expected is None:
        return
    tokens = {expected} if isinstance(expected, str) else set(expected)
    current = version_token(obj)
    if obj is not None and inspect(obj).persistent:
        try:
            db.session.refresh(obj, ["updated_at"], with_for_update=True)
            current = version_token(obj)
        except InvalidRequestError:  # deleted meanwhile
            current = ""
    if current in tokens or ("*" in tokens and current != ""):
        return
    raise StaleEditError(kind or _KIND_NAMES.get(type(obj), "item"))


