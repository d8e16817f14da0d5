"""Exchange formats for the question bank: Moodle XML, GIFT, Aiken, IMS QTI 2.1 and 3.0.

Every importer is `import_<fmt>(data: bytes, *, source: str) -> ImportResult` and is
all-or-nothing: malformed input raises `FormatError(source, line_or_question, message)`.
Every exporter is `export_<fmt>(questions, *, warnings=None, ...) -> bytes`; what a format
cannot express is appended to `warnings`. `export_moodle(..., moodle_version="4.3")` writes for
that Moodle's core question types (default the current LTS, DEFAULT_MOODLE_VERSION). See README.md in this folder for the mappings.
"""

from __future__ import annotations

import os

from question_bank.moodle_versions import (
    DEFAULT_MOODLE_VERSION,
    MOODLE_VERSIONS,
    MoodleVersionError,
    check_moodle_version,
    is_converted,
    is_not_exported,
)

from ._common import (
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    FormatError,
    ImportResult,
    apply_default_criteria,
)
from .aiken import export_aiken, import_aiken
from .gift import export_gift, import_gift
from .moodle import export_moodle, import_moodle
from .qti import export_item, export_qti21, export_qti30, import_qti, import_qti21, import_qti30

IMPORTERS = {
    "moodle": import_moodle,
    "gift": import_gift,
    "aiken": import_aiken,
    "qti": import_qti,
    "qti21": import_qti21,
    "qti30": import_qti30,
}
EXPORTERS = {
    "moodle": export_moodle,
    "gift": export_gift,
    "aiken": export_aiken,
    "qti21": export_qti21,
    "qti30": export_qti30,
}
# The exporters that carry the questions' images (their `files` argument: bytes by media/ path).
FORMATS_WITH_FILES = frozenset({"moodle", "qti21", "qti30"})


def detect_format(data: bytes, filename: str = "") -> str:
    """Which importer reads this file: 'moodle', 'qti', 'gift' or 'aiken'. Raises FormatError."""
    source = os.path.basename(filename) or "input"
    head = bytes(data[:4096])
    if head.startswith(b"PK\x03\x04"):
        return "qti"
    probe = head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = head.decode("utf-16", errors="ignore").encode("utf-8")
    stripped = probe.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        if b"<quiz" in probe:
            return "moodle"
        if (
            b"imsqti_v2p1" in probe
            or b"imsqtiasi_v3p0" in probe
            or b"assessmentItem" in probe
            or b"qti-assessment-item" in probe
        ):
            return "qti"
        raise FormatError(source, None, "XML that is neither Moodle XML (<quiz>) nor a QTI item")
    ext = os.path.splitext(filename.lower())[1]
    if ext == ".gift":
        return "gift"
    text = probe.decode("utf-8", errors="ignore")
    import re

    if re.search(r"^ANSWER\s*:\s*[A-Za-z]\s*$", text, re.MULTILINE) and "{" not in text:
        return "aiken"
    if "{" in text or "$CATEGORY:" in text or "::" in text:
        return "gift"
    if ext == ".txt":
        raise FormatError(source, None, "text that looks like neither GIFT nor Aiken")
    raise FormatError(source, None, "cannot tell the format: pass it explicitly")


def import_file(
    data: bytes, filename: str, *, format: str = "auto", default_criteria: list[str] | None = None
) -> tuple[str, ImportResult]:
    """Import with format detection; optionally give criterion-less questions default criteria."""
    source = os.path.basename(filename) or "input"
    fmt = detect_format(data, filename) if format == "auto" else format
    if fmt not in IMPORTERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(IMPORTERS)}")
    result = IMPORTERS[fmt](data, source=source)  # inline images are files already (add_question)
    if default_criteria:
        apply_default_criteria(result.questions, default_criteria)
    return fmt, result


__all__ = [
    "DEFAULT_MOODLE_VERSION",
    "EXPORTERS",
    "FORMATS_WITH_FILES",
    "IMPORTERS",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "MOODLE_VERSIONS",
    "FormatError",
    "MoodleVersionError",
    "ImportResult",
    "apply_default_criteria",
    "check_moodle_version",
    "detect_format",
    "export_aiken",
    "export_gift",
    "export_item",
    "export_moodle",
    "export_qti21",
    "export_qti30",
    "import_aiken",
    "import_file",
    "import_gift",
    "import_moodle",
    "import_qti",
    "import_qti21",
    "import_qti30",
    "is_converted",
    "is_not_exported",
]
