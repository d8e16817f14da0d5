"""The images bank questions show: stored with the questions that refer to them, per organisation.

Question text refers to an image by a relative path, ``media/<name>`` (question_bank.text.MEDIA_PATH):
the importers turn Moodle's ``@@PLUGINFILE@@/name`` and inline ``data:`` images into such paths and
hand over the files. ``store_media`` keeps the files the saved questions use (raster images only,
each within the size limit) in the same transaction as the questions; a name already taken by
different content is given a new one and the questions are rewritten to it, so an import never
changes the picture an existing question shows. The app serves the files (``media_response``) and
rewrites the paths to its routes when it renders a stem; a course document and a SCORM package
carry them at the same relative paths.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app
from sqlalchemy import select

from course.bank.models import BankMedia
from course.extensions import db
from question_bank.text import MEDIA_PATH, media_refs, sniff_image

DEFAULT_MAX_MEDIA_BYTES = 2 * 1024 * 1024


def max_media_bytes() -> int:
    """The size limit of one image (config BANK_MAX_MEDIA_BYTES, default 2 MiB)."""
    return int(current_app.config.get("BANK_MAX_MEDIA_BYTES", DEFAULT_MAX_MEDIA_BYTES))


def _org_id(organisation: Any) -> int:
    return organisation if isinstance(organisation, int) else organisation.id


@dataclass
class MediaReport:
    """What store_media did: paths stored (new), reused (same content already there), renamed
    ({given: stored}) and not stored ({path: reason})."""

    stored: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    not_stored: dict[str, str] = field(default_factory=dict)

    def warnings(self) -> list[str]:
        out = [f"image {path} was not stored: {why}" for path, why in sorted(self.not_stored.items())]
        out += [
            f"image {given} is stored as {stored}: the bank already has a different {given}"
            for given, stored in sorted(self.renamed.items())
        ]
        return out


def get_media(organisation: Any, path: str) -> BankMedia | None:
    """The organisation's image at ``media/<name>``, or None."""
    if not MEDIA_PATH.fullmatch(path):
        return None
    return db.session.scalar(
        select(BankMedia).where(BankMedia.organisation_id == _org_id(organisation), BankMedia.path == path)
    )


def _free_path(org_id: int, path: str, digest: str) -> str:
    """A new name for an image whose name the bank already uses for another: the old name with
    part of the image's hash, short enough to stay a MEDIA_PATH."""
    stem, ext = posixpath.splitext(path)
    stem = stem[: len("media/") + 120]
    candidate = f"{stem}-{digest[:12]}{ext[:10]}"
    n = 2
    while (row := get_media(org_id, candidate)) is not None and row.sha256 != digest:
        candidate = f"{stem}-{digest[:12]}-{n}{ext[:10]}"
        n += 1
    return candidate


def _rewrite(questions: list[dict], renamed: dict[str, str]) -> list[dict]:
    """The questions with every reference to a renamed path pointed at its new one."""
    if not renamed:
        return questions
    out = []
    for q in questions:
        text = json.dumps(q, ensure_ascii=False)
        if any(old in text for old in renamed):
            pattern = re.compile(
                r"(?<![\w/.-])(" + "|".join(re.escape(old) for old in renamed) + r")(?![\w.-])"
            )
            q = json.loads(pattern.sub(lambda m: renamed[m.group(1)], text))
        out.append(q)
    return out


def store_media(
    files: dict[str, bytes], questions: list[dict], *, organisation: Any, dry_run: bool = False
) -> tuple[list[dict], MediaReport]:
    """Keep the files ``questions`` refer to; returns the questions (rewritten where a name had to
    change) and a report. Flushes, never commits: call it in the transaction that saves the
    questions. Files no question refers to are ignored (e.g. a skipped question's images)."""
    org_id = _org_id(organisation)
    report = MediaReport()
    limit = max_media_bytes()
    texts = [json.dumps(q, ensure_ascii=False) for q in questions]
    for path in sorted(p for p in files if any(p in text for text in texts)):
        data = files[path]
        if not MEDIA_PATH.fullmatch(path):
            report.not_stored[path] = "its name is not 1 to 151 letters, digits, '_', '.' or '-'"
            continue
        content_type = sniff_image(data)
        if content_type is None:
            report.not_stored[path] = "only PNG, JPEG, GIF and WebP images are kept"
            continue
        if len(data) > limit:
            report.not_stored[path] = f"it is {len(data):,} bytes; the limit is {limit:,}"
            continue
        digest = hashlib.sha256(data).hexdigest()
        existing = get_media(org_id, path)
        if existing is not None and existing.sha256 == digest:
            report.reused.append(path)
            continue
        target = path
        if existing is not None:
            target = _free_path(org_id, path, digest)
            report.renamed[path] = target
            if get_media(org_id, target) is not None:
                continue  # the same content was stored under that name before
        report.stored.append(target)
        if not dry_run:
            db.session.add(BankMedia(organisation_id=org_id, path=target, content_type=content_type,
                                     data=data, size=len(data), sha256=digest))
    if not dry_run:
        db.session.flush()
    return _rewrite(questions, report.renamed), report


def media_for(organisation: Any, questions: list[dict]) -> dict[str, bytes]:
    """The stored files ``questions`` refer to, by path (missing ones left out)."""
    paths = set().union(*(media_refs(q) for q in questions)) if questions else set()
    if not paths:
        return {}
    rows = db.session.scalars(
        select(BankMedia).where(BankMedia.organisation_id == _org_id(organisation), BankMedia.path.in_(paths))
    )
    return {row.path: row.data for row in rows}


def encode_media(files: dict[str, bytes]) -> dict[str, str]:
    """Files as a course document carries them: base64 text by path, sorted."""
    return {path: base64.b64encode(files[path]).decode("ascii") for path in sorted(files)}


def media_response(row: BankMedia) -> Response:
    """The image, served so that it can only ever be an image."""
    response = Response(row.data, mimetype=row.content_type)
    response.headers["Content-Length"] = str(row.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.set_etag(row.sha256)
    return response


def export_questions_with_media(
    questions: list[dict],
    fmt: str,
    *,
    organisation: Any,
    warnings: list[str],
    moodle_version: str | None = None,
) -> bytes:
    """The questions in exchange format ``fmt`` (question_bank.formats.EXPORTERS), carrying the
    images they show where the format can (Moodle XML, QTI packages); where it cannot, a warning.
    Moodle XML is written for ``moodle_version`` (default the current LTS)."""
    from question_bank.formats import EXPORTERS, FORMATS_WITH_FILES

    files = media_for(organisation, questions)
    if fmt == "moodle":
        return EXPORTERS[fmt](questions, files=files, warnings=warnings, moodle_version=moodle_version)
    if fmt in FORMATS_WITH_FILES:
        return EXPORTERS[fmt](questions, files=files, warnings=warnings)
    if files:
        warnings.append(
            f"{len(files)} image(s) cannot travel in {fmt}: the questions keep their "
            f"media/... references ({', '.join(sorted(files)[:3])}{', ...' if len(files) > 3 else ''})"
        )
    return EXPORTERS[fmt](questions, warnings=warnings)
