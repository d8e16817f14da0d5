"""Shared pieces of the exchange formats: the result type, the error, limits, ids and text helpers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ..limits import (
    QUESTION_FILE_BYTES,
    QUESTIONS_PER_IMPORT,
    RAW_QUESTION_TEXT_CHARS,
    ZIP_ENTRIES,
    human_bytes,
    larger_than,
)

# The limits of question_bank.limits under the names the formats have always used.
MAX_FILE_BYTES = QUESTION_FILE_BYTES  # a whole import file (or an unpacked package)
MAX_TEXT_CHARS = RAW_QUESTION_TEXT_CHARS  # any one text of a question, images still inline
MAX_ZIP_ENTRIES = ZIP_ENTRIES

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CRITERION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
CRITERION_TAG = "criterion:"
DIFFICULTY_TAG = "difficulty:"
CATEGORY_TAG = "category:"
DIFFICULTIES = ("easy", "medium", "hard")


class FormatError(ValueError):
    """Malformed input: nothing is imported. `where` is a line number or a question name."""

    def __init__(self, source: str, line_or_question: Any, message: str):
        self.source = source
        self.where = line_or_question
        self.message = message
        where = (
            f"line {line_or_question}" if isinstance(line_or_question, int) else line_or_question
        )
        super().__init__(
            f"{source}: {where}: {message}" if where not in (None, "") else f"{source}: {message}"
        )


@dataclass
class ImportResult:
    questions: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {name, type, reason}
    warnings: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    descriptions: list[dict] = field(
        default_factory=list
    )  # {name, text}: informational items, not questions
    source_types: list[str] = field(
        default_factory=list
    )  # the format's own type name, parallel to questions

    def by_source_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.source_types:
            counts[t] = counts.get(t, 0) + 1
        return counts

    def by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q["type"]] = counts.get(q["type"], 0) + 1
        return counts


def check_size(data: bytes, source: str) -> None:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("data must be bytes")
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(source, None, f"file is {larger_than(len(data), MAX_FILE_BYTES)}")


def check_text(text: str, source: str, where: Any, what: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise FormatError(
            source,
            where,
            f"{what} is {len(text)} characters; "
            f"the limit is {MAX_TEXT_CHARS} ({human_bytes(MAX_TEXT_CHARS)})",
        )
    return text


def decode_text(data: bytes, source: str) -> str:
    """Decode a plain-text format (GIFT, Aiken): UTF-8 with or without BOM, UTF-16 with BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FormatError(source, None, f"not valid UTF-16 text: {exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FormatError(source, line, "not valid UTF-8 text") from None
    if "\x00" in text:
        raise FormatError(source, None, "binary data (NUL bytes) in a text format")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- ids


def slugify(text: str, fallback: str = "q") -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.strip()).strip("-._")
    slug = slug[:60].rstrip("-._")
    return slug if slug and ID_RE.match(slug) else fallback


class IdMaker:
    """Unique question ids within one import: a valid given id, else a slug of the title."""

    def __init__(self, prefix: str = "q"):
        self.used: set[str] = set()
        self.prefix = prefix

    def make(self, given: str | None, title: str) -> str:
        base = (
            given.strip() if given and ID_RE.match(given.strip()) else slugify(title, self.prefix)
        )
        candidate, n = base, 2
        while candidate in self.used:
            candidate = f"{base}-{n}"
            n += 1
        self.used.add(candidate)
        return candidate


def letter_ids(n: int) -> list[str]:
    out = []
    for i in range(n):
        s, k = "", i
        while True:
            s = chr(ord("a") + k % 26) + s
            k = k // 26 - 1
            if k < 0:
                break
        out.append(s)
    return out


# ---------------------------------------------------------------- text


class _Stripper(HTMLParser):
    BLOCK = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag in self.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    p = _Stripper()
    p.feed(fragment)
    p.close()
    return " ".join("".join(p.parts).split())


def html_tags(fragment: str) -> set[str]:
    if "<" not in fragment:
        return set()
    p = _Stripper()
    p.feed(fragment)
    p.close()
    return p.tags


def text_to_html(text: str) -> str:
    """Literal plain text as an HTML fragment (escaped; line breaks kept)."""
    lines = [html.escape(line, quote=False) for line in text.strip("\n").split("\n")]
    return "<p>" + "<br>".join(lines) + "</p>"


def is_plain(text: str) -> bool:
    return "<" not in text and "&" not in text


def matching_sequence(q: dict) -> list[tuple[str, str]]:
    """Premises and distractors of a matching question as (premise text or "", response text), in
    an order that lists responses by first appearance as q["responses"] does where possible (the
    formats without response ids rebuild them from that order)."""
    index = {r["id"]: n for n, r in enumerate(q["responses"])}
    text = {r["id"]: r["text"] for r in q["responses"]}
    used = {p["match"] for p in q["premises"]}
    distractors = [r["id"] for r in q["responses"] if r["id"] not in used]
    out: list[tuple[str, str]] = []
    for p in q["premises"]:
        while distractors and index[distractors[0]] < index[p["match"]]:
            out.append(("", text[distractors.pop(0)]))
        out.append((p["text"], text[p["match"]]))
    out += [("", text[d]) for d in distractors]
    return out


# ---------------------------------------------------------------- tags, criteria, difficulty


def split_tags(raw_tags: list[str], source: str, where: Any) -> tuple[list[str], list[str], str]:
    """Sort a format's tags into (criteria, plain tags, difficulty)."""
    criteria: list[str] = []
    tags: list[str] = []
    difficulty = "medium"
    for t in raw_tags:
        t = t.strip()
        if not t:
            continue
        low = t.lower()
        if low.startswith(CRITERION_TAG):
            ref = t[len(CRITERION_TAG) :].strip()
            if not CRITERION_RE.match(ref):
                raise FormatError(
                    source, where, f"criterion reference {ref!r} is not FRAMEWORK/CODE"
                )
            if ref not in criteria:
                criteria.append(ref)
        elif low.startswith(DIFFICULTY_TAG) and low[len(DIFFICULTY_TAG) :].strip() in DIFFICULTIES:
            difficulty = low[len(DIFFICULTY_TAG) :].strip()
        elif t not in tags:
            tags.append(t)
    return criteria, tags, difficulty


def export_tags(q: dict, *, with_category: bool = True) -> list[str]:
    out = [CRITERION_TAG + c for c in q.get("criteria") or []]
    if q.get("difficulty", "medium") != "medium":
        out.append(DIFFICULTY_TAG + q["difficulty"])
    for t in q.get("tags") or []:
        if with_category or not t.startswith(CATEGORY_TAG):
            out.append(t)
    return out


def category_of(q: dict) -> str | None:
    for t in q.get("tags") or []:
        if t.startswith(CATEGORY_TAG):
            return t[len(CATEGORY_TAG) :]
    return None


def clean_category(raw: str) -> str:
    """A Moodle/GIFT category path without its context ($course$, ...) and top level."""
    parts = [p.strip() for p in raw.strip().split("/") if p.strip()]
    if parts and re.fullmatch(r"\$[a-z0-9]+\$", parts[0]):
        parts = parts[1:]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return "/".join(parts)


def base_question(qid: str, qtype: str, title: str, stem: str, stem_format: str) -> dict:
    return {
        "id": qid,
        "version": 1,
        "type": qtype,
        "title": title,
        "stem": stem,
        "stem_format": stem_format,
        "points": 1.0,
        "general_feedback": "",
        "criteria": [],
        "difficulty": "medium",
        "tags": [],
    }


def fmt_number(x: float) -> str:
    """Shortest decimal form of a number: 1.0 -> '1', 0.5 -> '0.5'."""
    if float(x).is_integer():
        return str(int(x))
    return repr(float(x))


# ---------------------------------------------------------------- embedded images

_DATA_URI = re.compile(r"""(["'])data:(image/[a-zA-Z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)\1""")
_EXT = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/svg+xml": "svg",
    "image/webp": "webp",
}
MEDIA_PREFIX = "media/"


def b64decode(data: str, source: str, where: Any) -> bytes:
    try:
        return base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(source, where, "embedded file is not valid base64") from None


def extract_data_uris(fragment: str, files: dict[str, bytes], source: str, where: Any) -> str:
    """Move inline data: images into files (media/<hash>.<ext>) and point the HTML at them."""
    if "data:image" not in fragment:
        return fragment

    def repl(m: re.Match) -> str:
        raw = b64decode(m.group(3), source, where)
        name = (
            MEDIA_PREFIX
            + hashlib.sha256(raw).hexdigest()[:16]
            + "."
            + _EXT.get(m.group(2).lower(), "bin")
        )
        files[name] = raw
        return f"{m.group(1)}{name}{m.group(1)}"

    return _DATA_URI.sub(repl, fragment)


# ---------------------------------------------------------------- validation


def sanitize_stem(q: dict, warn=None) -> None:
    """HTML stems are stored sanitised (question_bank.text allow-list); so is any feedback or
    guidance that contains markup. Removed tags are reported."""
    from question_bank.text import ALLOWED_TAGS, sanitize_html

    removed: set[str] = set()

    def clean(text: str, always: bool = False) -> str:
        if not text or ("<" not in text and (not always or "&" not in text)):
            return text
        if not always and not html_tags(text):
            return text  # plain text with a "<" in it: not HTML, left as written
        safe = sanitize_html(text)
        if safe != text:
            removed.update(html_tags(text) - ALLOWED_TAGS)
        return safe

    if q.get("stem_format") == "html" and q.get("stem"):
        q["stem"] = clean(q["stem"], always=True)
    for key in ("general_feedback", "feedback_true", "feedback_false", "marker_guidance"):
        if isinstance(q.get(key), str):
            q[key] = clean(q[key])
    for item in (q.get("options") or []) + (q.get("answers") or []):
        if isinstance(item.get("feedback"), str):
            item["feedback"] = clean(item["feedback"])
    for gap in q.get("gaps") or []:
        for a in gap.get("answers") or []:
            a["feedback"] = clean(a.get("feedback", ""))
    if removed and warn is not None:
        warn(
            f"HTML not allowed in question text was removed: {', '.join('<' + t + '>' for t in sorted(removed))}"
        )


def validate(q: dict, source: str, where: Any, warn=None) -> dict:
    """Validate a produced question through the bank's schema; returns its canonical form.

    A question the source file gave no criterion reference is checked in every other respect and
    returned with `criteria: []` (unmapped): the bank keeps it for a tutor to map, unless the
    importer gives default criteria (`apply_default_criteria`).
    """
    from question_bank.schemas import ValidationError, load_question

    sanitize_stem(q, warn)
    try:
        # load_question validates and compiles; its canonical dict is fresh, so no deep copy needed
        return dict(load_question(q, unmapped=True).data)
    except ValidationError as exc:
        raise FormatError(source, where, f"produces an invalid question: {exc.messages}") from None


def add_question(result: ImportResult, q: dict, source: str, where: Any, warn=None) -> None:
    """Validate one produced question and add it to ``result`` (its inline ``data:`` images moved
    to ``result.files`` first, so that only the text counts against the stem's limit).

    A file holding more than QUESTIONS_PER_IMPORT questions is refused when the next one comes,
    before any more work is done on it.
    """
    if len(result.questions) >= QUESTIONS_PER_IMPORT:
        message = f"more than {QUESTIONS_PER_IMPORT:,} questions in one file; split it and import the parts"
        raise FormatError(source, where, message)
    q = inline_images_to_files(q, result.files, source, where)
    result.questions.append(validate(q, source, where, warn))


def inline_images_to_files(value: Any, files: dict[str, bytes], source: str, where: Any) -> Any:
    """``value`` with every inline ``data:`` image in its texts moved into ``files``."""
    if isinstance(value, str):
        return extract_data_uris(value, files, source, where) if "data:image" in value else value
    if isinstance(value, list):
        return [inline_images_to_files(v, files, source, where) for v in value]
    if isinstance(value, dict):
        return {k: inline_images_to_files(v, files, source, where) for k, v in value.items()}
    return value


def apply_default_criteria(questions: list[dict], criteria: list[str]) -> int:
    """Give every question without a criterion reference these ones; returns how many changed."""
    n = 0
    for q in questions:
        if not q.get("criteria"):
            q["criteria"] = list(criteria)
            n += 1
    return n
