"""Images uploaded for a course (served at ``/courses/<slug>/files/<name>``), recognised by their
first bytes. Functions flush and never commit (see ``course.authoring.common``)."""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from course.authoring.common import AuthoringError, ConflictError, slugify
from course.authoring.models import Course, Upload
from course.extensions import db
from question_bank.text import sniff_image

DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024

# Images only, recognised by their first bytes (never by the name or the browser's claim).
IMAGE_TYPES: dict[str, tuple[str, ...]] = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
}


# --------------------------------------------------------------------------- uploads


def max_upload_bytes() -> int:
    """The size limit of an upload (config AUTHORING_MAX_UPLOAD_BYTES, default 2 MiB)."""
    return int(current_app.config.get("AUTHORING_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def add_upload(course: Course, *, filename: str, data: bytes, replace: bool = False) -> Upload:
    """Store an image for the course. PNG, JPEG, GIF or WebP by content, within the size limit.

    The name is reduced to a safe identifier with the extension of the type found.
    """
    limit = max_upload_bytes()
    if not data:
        raise AuthoringError("The file is empty.", "file")
    if len(data) > limit:
        raise AuthoringError(
            f"The file is {len(data):,} bytes; the limit is {limit:,} bytes.", "file"
        )
    content_type = sniff_image(data)
    if content_type is None:
        raise AuthoringError("Only PNG, JPEG, GIF or WebP images can be uploaded.", "file")
    stem, _, ext = (filename or "").rpartition(".")
    if not stem:
        stem = ext
    safe = slugify(stem, "image")
    ext = ext.lower() if f".{ext.lower()}" in IMAGE_TYPES[content_type] else IMAGE_TYPES[content_type][0][1:]
    name = f"{safe}.{ext}"
    existing = get_upload(course, name)
    if existing is not None:
        if not replace:
            raise ConflictError(f"This course already has a file called {name}.", "file")
        existing.data, existing.size, existing.content_type = data, len(data), content_type
        db.session.flush()
        return existing
    upload = Upload(filename=name, content_type=content_type, data=data, size=len(data))
    course.uploads.append(upload)
    db.session.flush()
    return upload


def get_upload(course: Course, filename: str) -> Upload | None:
    """The course's upload with this name, or None."""
    return db.session.scalar(
        select(Upload).where(Upload.course_id == course.id, Upload.filename == filename)
    )


def delete_upload(upload: Upload) -> None:
    """Delete an uploaded file."""
    upload.course.uploads.remove(upload)  # delete-orphan deletes it
    db.session.flush()




# --------------------------------------------------------------------------- the editor's Insert image

ALT_TEXT_CHARS = 250


def check_alt_text(alt: str) -> str:
    """The alt text of an inserted image on one line, required and bounded (AuthoringError on ``alt``)."""
    text = " ".join((alt or "").split())
    if not text:
        raise AuthoringError("Describe the image for someone who cannot see it (alt text).", "alt")
    if len(text) > ALT_TEXT_CHARS:
        raise AuthoringError(f"Alt text has at most {ALT_TEXT_CHARS} characters; this has {len(text)}.", "alt")
    return text


def image_markdown(alt: str, url: str) -> str:
    """``![alt](url)`` with the alt's backslashes and brackets escaped so it cannot end early."""
    escaped = re.sub(r"([\\\[\]])", r"\\\1", alt)
    return f"![{escaped}]({url})"
