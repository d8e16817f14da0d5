"""Files attached to workplace evidence: the type is read from the bytes, never from the name.

A learner's phone names a photo ``IMG_0412.pdf`` as easily as a virus names itself ``cv.pdf``, so
the extension proves nothing: ``sniff`` looks at the content and the stored name takes the
extension of what the file really is. Only types a browser or office program opens without
running anything are taken: PDF, PNG, JPEG, WebP, Word (DOCX) and plain UTF-8 text.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile

from flask import current_app, has_app_context

from question_bank.limits import MIB, human_bytes

DEFAULT_MAX_BYTES = 10 * MIB
DEFAULT_MAX_FILES = 5
FILENAME_MAX = 200

# What a file may be, by content: content type -> the extension it is stored with.
ACCEPTED: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
}
ACCEPTED_WORDS = "a PDF, PNG, JPEG or WebP image, Word document (.docx) or plain text file"

# Control characters other than tab, line feed, form feed and carriage return mean binary data.
_BINARY_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def max_bytes() -> int:
    """The largest file taken (config EVIDENCE_MAX_BYTES, default 10 MiB)."""
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)) if has_app_context() else DEFAULT_MAX_BYTES


def max_files() -> int:
    """The most files one piece of evidence holds (config EVIDENCE_MAX_FILES, default 5)."""
    return int(current_app.config.get("EVIDENCE_MAX_FILES", DEFAULT_MAX_FILES)) if has_app_context() else DEFAULT_MAX_FILES


def _is_docx(data: bytes) -> bool:
    # Only the zip's directory is read (no member is inflated), so a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    # A macro-enabled document (.docm) carries the same part plus its macros: not taken.
    return "word/document.xml" in names and not any(n.lower().endswith("vbaproject.bin") for n in names)


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _BINARY_TEXT.search(text) is None


def sniff(data: bytes) -> str | None:
    """The content type ``data`` really is, among ``ACCEPTED``; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if _is_text(data):
        return "text/plain"
    return None


def stored_name(filename: str, content_type: str) -> str:
    """A safe file name ending in the extension of what the file is (``photo.pdf`` -> ``photo.png``)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]+", "", stem).strip(" .") or "file"
    extension = ACCEPTED[content_type]
    return stem[: FILENAME_MAX - len(extension) - 1] + "." + extension


def check_file(filename: str, data: bytes, limit: int | None = None) -> tuple[str, str]:
    """(stored name, content type) of an acceptable file; ``ValueError`` saying why not."""
    shown = (filename or "the file").replace("\\", "/").rsplit("/", 1)[-1][:FILENAME_MAX]
    limit = max_bytes() if limit is None else limit
    if not data:
        raise ValueError(f"{shown} is empty")
    if len(data) > limit:
        # The view reads at most limit + 1 bytes, so the true size is unknown here: say the limit.
        raise ValueError(f"{shown} is larger than the limit of {human_bytes(limit)} a file")
    content_type = sniff(data)
    if content_type is None:
        raise ValueError(f"{shown} is not {ACCEPTED_WORDS} (its content was checked, not its name)")
    return stored_name(filename or "file", content_type), content_type


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``, kept so a file can be shown unchanged since it was uploaded."""
    return hashlib.sha256(data).hexdigest()
