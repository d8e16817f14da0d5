"""Parse the plain-text extraction of a unit document into a framework dict.

Two layouts are understood here, and a third next door: an RQF unit (one that gives a unit
reference number such as ``R/650/2231``, or a total qualification time, and has no QCF
"Outcome N" headings) is read by :mod:`course.units.rqf`, which :func:`parse_unit` calls before
anything below.

* **NOS** (National Occupational Standards). The 2026 format has "Overview", "Performance
  criteria" and "Knowledge and understanding" headings with items numbered ``1.``..``n.`` and a
  metadata table (Developed by, Version Number, Original URN, ...) preceded by the title. The
  older format has coded items ``P1``.. and ``K1``.. under section headings ("Rights",
  "Your practice", ...), then scope/range notes and values, and no title line.
* **QCF** units: unit aim, learning outcomes, guided learning hours, an Assessment section,
  then "Outcome N <title>" headings each with numbered assessment criteria, and additional
  guidance.

How it works: every line is first cleaned (bookmark tags, inline HTML tags and invisible
characters removed, whitespace normalised) and classified (:func:`_classify`); a small state
machine (:class:`_Parser`) then walks the classified lines. Running page headers (a line
repeating the unit title, a ``---`` rule, the URN alone) and editor leftovers ("Moved to here.")
are dropped wherever they occur, even in the middle of a criterion, so a criterion wrapped across
a page break is joined back into one line.

Decisions worth knowing:

* Codes: NOS criteria are ``P<n>`` / ``K<n>`` (the 2026 numbering ``1.``..``n.`` under
  "Performance criteria" / "Knowledge and understanding" is mapped to P / K); NOS outcome codes
  are ``P.1``, ``P.2``.. for performance sections and ``K.1``.. for knowledge groups, in document
  order. QCF outcomes are ``1``..``n`` and criteria ``<outcome>.<n>``.
* ``workplace``: for a QCF unit, true for the criteria of the learning outcomes the Assessment
  section says must be assessed in a real work environment. For a NOS, true for every
  performance criterion (performance criteria of a NOS are always assessed by observation at
  work) and false for knowledge items.
* The framework code is the URN where the document gives one, else the ``code`` argument, else
  derived from the title: ``NOS-`` or ``QCF-`` followed by the initials (upper case) of the
  title's words, leaving out short function words (and, or, to, with, the, of, ...), at most 10
  initials. E.g. "Promote effective relationships with individuals" -> ``NOS-PERI``.
* A title not printed in the document is inferred from the overview or aim sentence
  (:func:`infer_title`).
* Wrapped lines: a line continues the open criterion when it starts with a lower-case letter or
  punctuation (even after blank lines or a page header), when the criterion's number stood
  alone on its line, or when the line before it ends in a word that cannot end a phrase ("the",
  "of", "and", a comma ...). A capitalised line otherwise ends the criterion: in an
  older-format NOS it is the next section heading.
* Running headers are lines equal to the printed title (or "Unit title:" field) or the URN, rules
  (``---``) and "Page N of M"; a header must match exactly, so a wrapped lower-case line that
  reads like the title is kept. An inferred title is not a header.
* Criterion text is kept as printed (curly quotes, final full stops), with only whitespace
  normalised and the artefacts above removed.
* Errors (:class:`UnitError`): empty or binary text, no criteria, a duplicate code, a numbering
  gap (the next number must be one more than the last in its family: P, K, or a QCF outcome's
  criteria; outcomes 1..n), lower-case text among the criteria with no item to belong to, a
  criterion without text, an outcome without criteria, an unreadable date.

Known limits: a wrapped line that starts with a capital after a word that can end a phrase is
read as a new heading (NOS) or refused (QCF); text outside the known sections is ignored;
Assessment sentences other than "Learning outcomes N, M and K must be assessed in a real work
environment" (or "All learning outcomes ...") do not set ``workplace``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from question_bank.limits import UNIT_DOCUMENT_BYTES, TooLarge, read_at_most


class UnitError(Exception):
    """A unit document that cannot be read as a framework.

    ``str(error)`` is ``"{source}:{line}: what is wrong"``, or ``"{source}: what is wrong"``
    when the problem is the whole document (empty, no criteria) and ``line`` is None.
    """

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.reason = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------------------------
# Cleaning a line
# --------------------------------------------------------------------------------------------

# Word bookmarks survive the extraction as "[bookmark: StartOverview]", anywhere in a line.
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
# The 2026 metadata table keeps its bold labels as "<b>Version Number</b>".
INLINE_TAG_RE = re.compile(r"</?(?:b|i|u|em|strong|span|br)\b[^>]*>", re.IGNORECASE)
# Soft hyphens, zero-width spaces and stray BOMs are invisible in the document: drop them.
INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Tabs, non-breaking and other Unicode spaces, runs of spaces: all become one space.
SPACES_RE = re.compile(r"\s+")
# Markdown heading marks ("## Overview") and emphasis around a whole line ("*You must ...:*").
MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
MD_EMPHASIS_RE = re.compile(r"^([*_]{1,3})(.+?)\1$")
# Bullet prefixes the extraction leaves: "- 22.", "o Family", the Symbol-font bullet U+F0B7.
BULLET_RE = re.compile(r"^(?:[-\u2013\u2022\u25aa\u25cf\uf0a7\uf0b7*]|o(?=\s))\s*")
SUB_BULLET_RE = re.compile(r"^o\s+")
# Control characters (other than tab, line and page breaks) only appear in binary data.
BINARY_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")

# --------------------------------------------------------------------------------------------
# Line shapes
# --------------------------------------------------------------------------------------------

# A rule line separating pages or the metadata table.
RULE_RE = re.compile(r"^(?:-{3,}|_{3,}|={3,}|\*{3,})$")
# Word's track-changes leftovers ("Moved to here.") are not part of the text.
MOVED_RE = re.compile(r"^moved (?:to|from) here\.?$", re.IGNORECASE)
# Page footers of a PDF extraction.
PAGE_NO_RE = re.compile(r"^page \d+(?: of \d+)?$", re.IGNORECASE)
# Older NOS criteria carry their code: "P12 support the individual ...", "K3 your duty ...".
# The text may be missing when the extraction put the number on a line of its own.
CODED_RE = re.compile(r"^(?P<letter>[PK])(?P<num>\d{1,3})(?:[.:)]?\s+(?P<text>\S.*)|[.:)]?)$")
# QCF criteria written with their full code: "1.3 explain how ...".
DOTTED_RE = re.compile(r"^(?P<outcome>\d{1,2})\.(?P<num>\d{1,3})(?:\.?\s+(?P<text>\S.*)|\.?)$")
# 2026 NOS items and QCF criteria numbered within their section: "3. explain how ...".
NUMBERED_RE = re.compile(r"^(?P<num>\d{1,3})[.)](?:\s+(?P<text>\S.*))?$")
# QCF outcome heading: "Outcome 2 Be able to ...", "Learning outcome 2: Be able to ...".
OUTCOME_RE = re.compile(
    r"^(?:learning\s+)?outcome\s+(?P<num>\d{1,2})\b\s*[:.\-\u2013]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
# Lines introducing a list, which carry no content of their own.
INTRO_RE = re.compile(
    r"^(?:you must be able to|you need to know and understand|the learner (?:can|will)"
    r"|there are \w+ learning outcomes to this unit\.? the learner will)\s*:?$",
    re.IGNORECASE,
)
# "Unit title: ..." where a document prints its title as a field.
TITLE_FIELD_RE = re.compile(r"^(?:unit )?title\s*:\s*(?P<title>\S.*)$", re.IGNORECASE)
# "Guided learning hours: 27" printed as a field rather than a section.
GLH_FIELD_RE = re.compile(r"^guided learning hours\s*:\s*(?P<hours>\d+)\b", re.IGNORECASE)
# A "Label: value" field heading a QCF unit (Level, Credit value, Unit reference number ...).
FIELD_RE = re.compile(r"^[A-Z][A-Za-z ]{1,40}:\s*\S")
GLH_TEXT_RE = re.compile(r"\b(?P<hours>\d+)\s+(?:guided learning\s+)?hours\b", re.IGNORECASE)
# An outcome-like line that is a sentence about assessment, not a heading.
ASSESSED_RE = re.compile(r"\bassessed\b", re.IGNORECASE)
LINKED_RE = re.compile(r"\blinked to\s+(?P<std>.+?)\.?$", re.IGNORECASE)
# "Learning outcomes 2, 3, 4 and 5 must be assessed in a real work environment".
WORKPLACE_RE = re.compile(
    r"\b(?P<which>all learning outcomes|learning outcomes?\s+(?P<list>[\d\s,\-\u2013]+"
    r"(?:(?:and|to)\s+\d+)?))\s+(?:must|are to|should)\s+be\s+assessed\s+in\s+(?:an?\s+|the\s+)?"
    r"real\s+work(?:\s+|-)?(?:environment|place|setting)",
    re.IGNORECASE,
)

# Metadata table rows of the 2026 NOS: a label, then the value (tab-separated or not).
META_KEYS = (
    "developed by", "version number", "version", "date approved", "indicative review date", "review date",
    "validity", "status", "originating organisation", "original urn", "urn",
    "relevant occupations", "suite", "keywords", "links to other nos", "type of competence",
)
META_RE = re.compile(
    r"^(?P<key>" + "|".join(re.escape(k) for k in META_KEYS) + r")\s*:?\s+(?P<value>\S.*)$",
    re.IGNORECASE,
)
# The row that opens the table.
META_START_RE = re.compile(r"^(?:developed by|version number|original urn)\b", re.IGNORECASE)
# A URN alone on a line (a running header): "HSCCLD327".
CODE_LINE_RE = re.compile(r"^[A-Z]{2,}\d+$")
URN_RE = re.compile(r"^(?:original )?urn\s*:?\s+(?P<urn>\S+)$", re.IGNORECASE)

# Section headings, matched against the whole cleaned line (trailing colon ignored).
HEADINGS: dict[str, str] = {
    "overview": "overview",
    "unit aim": "aim",
    "unit aims": "aim",
    "aim": "aim",
    "unit purpose and aim": "aim",
    "performance criteria": "perf",
    "knowledge and understanding": "know",
    "learning outcomes": "lo_summary",
    "guided learning hours": "glh",
    "assessment criteria": "qcf_criteria",
    "assessment": "assessment",
    "assessment requirements": "assessment",
    "additional guidance": "guidance",
    "additional information": "guidance",
    "glossary": "ignore",
    "values": "values",
}
# Headings recognised by their start (long QCF headings, scope/range notes).
HEADING_PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^scope\s*/?\s*range\b", re.IGNORECASE), "scope"),
    (re.compile(r"^details of the relationship between the unit", re.IGNORECASE), "linked"),
    (re.compile(r"^support of the unit by a sector", re.IGNORECASE), "ignore"),
    (re.compile(r"^assessment requirements or guidance", re.IGNORECASE), "assessment"),
)

# A line ending in one of these words (or a comma / dash) was cut in mid-phrase by wrapping.
CONNECTORS = frozenset(
    "a an the of to and or in on for with by as at from into that which who whose whilst while"
    " including such their your its his her our any all each may can will be is are".split()
)

# Titles of the single performance and knowledge sections of the 2026 NOS format.
SECTION_NAMES = {"performance": "Performance criteria", "knowledge": "Knowledge and understanding"}

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class _Line:
    number: int  # 1-based line number in the source
    text: str  # cleaned text ("" for a blank line)
    kind: str  # blank, artefact, heading, intro, outcome, coded, dotted, numbered, meta, text
    data: dict[str, Any] = field(default_factory=dict)


def clean_line(raw: str) -> str:
    """One source line with artefacts removed and whitespace normalised."""
    text = BOOKMARK_RE.sub("", raw)
    text = INLINE_TAG_RE.sub(" ", text)
    text = INVISIBLE_RE.sub("", text)
    text = SPACES_RE.sub(" ", text).strip()
    text = MD_HEADING_RE.sub("", text)
    match = MD_EMPHASIS_RE.match(text)
    if match:
        text = match.group(2).strip()
    return text


def _heading(text: str) -> str | None:
    key = text.rstrip(":").strip().lower()
    if key in HEADINGS:
        return HEADINGS[key]
    for pattern, kind in HEADING_PREFIXES:
        if pattern.match(key):
            return kind
    return None


def _classify(number: int, text: str, artefacts: set[str]) -> _Line:
    """Say what one cleaned line is; ``artefacts`` are the running-header lines."""
    if not text:
        return _Line(number, "", "blank")
    unbulleted = BULLET_RE.sub("", text, count=1)
    if (
        RULE_RE.match(text)
        or PAGE_NO_RE.match(text)
        or MOVED_RE.match(unbulleted)
        or text in artefacts
    ):
        return _Line(number, text, "artefact")
    heading = _heading(text)
    if heading:
        return _Line(number, text, "heading", {"section": heading})
    if INTRO_RE.match(text):
        return _Line(number, text, "intro")
    match = OUTCOME_RE.match(text)
    if match:
        return _Line(number, text, "outcome", match.groupdict())
    if META_RE.match(text):
        match = META_RE.match(text)
        return _Line(number, text, "meta", {"key": match["key"].lower(), "value": match["value"]})
    for kind, pattern in (("coded", CODED_RE), ("dotted", DOTTED_RE), ("numbered", NUMBERED_RE)):
        match = pattern.match(unbulleted)
        if match:
            return _Line(number, text, kind, match.groupdict())
    return _Line(number, text, "text")


# --------------------------------------------------------------------------------------------
# Titles and codes
# --------------------------------------------------------------------------------------------

# "This standard identifies the requirements when you promote ..." / "... when supporting ...",
# "This standard is about supporting ...".
NOS_TITLE_RE = re.compile(
    r"^this (?:national occupational )?standard\s+(?:identifies|covers|describes|sets out)\s+"
    r"(?:the\s+)?requirements?\s+(?:when|for)\s+(?P<clause>[^.;]+)"
    r"|^this (?:national occupational )?standard\s+is\s+about\s+(?P<clause2>[^.;]+)",
    re.IGNORECASE,
)
# "... the knowledge and skills required to provide support for individuals to ...",
# "This unit is about supporting ...".
QCF_TITLE_RE = re.compile(
    r"\b(?:knowledge(?:,)?(?: understanding)? and skills|skills and knowledge|competence)\s+"
    r"(?:required|needed)\s+to\s+(?P<clause>[^.;]+)"
    r"|\bthis unit\s+(?:is about|covers|assesses)\s+(?P<clause2>[^.;]+)",
    re.IGNORECASE,
)
# "provide support for X" names the activity "support X".
PROVIDE_RE = re.compile(r"^provide\s+(?P<noun>support|help|assistance|care)\s+(?:for|to)\s+")
TITLE_STOPWORDS = frozenset(
    "a an and or to with the of for in on at by as from into who have has their those them".split()
)
# Verb stems that take a final "e" back when "-ing" is removed (promot-ing -> promote).
E_STEM_RE = re.compile(
    r"(?:[^aeiou][aeiou](?:t|d|c|v|z|s|r|k|b|m|g)|[aeiou][aeiou]?(?:v|z|c)|(?:a|e)ng|[^aeiouls]l"
    r"|[aeiou]rg|[^aeiou]ur|ett|[^aeiou]ir|[iy]s|rv|lv|rc|nc|dg)$"
)
# Stems that end like the above but keep no "e" (develop-ing, visit-ing, listen-ing ...).
NO_E_ENDINGS = ("ain", "ss", "sh", "ch", "er", "en", "on", "ow", "itor", "ntor")
NO_E_STEMS = frozenset(
    "visit limit edit exhibit credit audit benefit inhibit exit recruit deposit consider".split()
)


def _base_verb(word: str) -> str:
    """The base form of a gerund: supporting -> support, promoting -> promote, planning -> plan."""
    lower = word.lower()
    if not lower.endswith("ing") or len(lower) < 5:
        return word
    stem = lower[:-3]
    if not re.search(r"[aeiouy]", stem):
        return word  # bring, thing: not a gerund
    if stem in ("be", "do", "go"):
        return stem
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "slfz":
        return stem[:-1]  # planning -> plan
    if stem in NO_E_STEMS or stem.endswith(NO_E_ENDINGS):
        return stem
    if len(stem) <= 2 or E_STEM_RE.search(stem):
        return stem + "e"
    return stem


def _sentence_to_title(clause: str) -> str:
    words = SPACES_RE.sub(" ", clause).strip().rstrip(".").split(" ")
    if words and words[0].lower() == "you":
        words = words[1:]
    if not words or not words[0]:
        return ""
    words[0] = _base_verb(words[0]).lower()
    phrase = " ".join(words)
    match = PROVIDE_RE.match(phrase)
    if match:
        noun = match["noun"]
        phrase = ("care for " if noun == "care" else noun + " ") + phrase[match.end():]
    return phrase[0].upper() + phrase[1:]


def infer_title(overview: str, kind: str) -> str | None:
    """The title a NOS overview or QCF aim implies, or None.

    NOS: "This standard identifies the requirements when you promote effective relationships
    with individuals." gives "Promote effective relationships with individuals" (the clause after
    "requirements when", without "you", a leading gerund turned into its base verb). QCF: "...
    the knowledge and skills required to provide support for individuals to establish ..." gives
    "Support individuals to establish ..." ("provide support for X" becomes "support X").
    """
    text = SPACES_RE.sub(" ", overview).strip()
    pattern = NOS_TITLE_RE if kind == "nos" else QCF_TITLE_RE
    for sentence in re.split(r"(?<=[.;])\s+", text):
        match = pattern.search(sentence)
        if match:
            title = _sentence_to_title(match["clause"] or match["clause2"])
            if title:
                return title
    return None


def derive_code(title: str, kind: str) -> str:
    """``NOS-``/``QCF-`` and the initials of the title's content words (at most 10)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    initials = "".join(w[0].upper() for w in words if w.lower() not in TITLE_STOPWORDS)
    return f"{kind.upper()}-{initials[:10] or 'UNIT'}"


def _iso_date(value: str, source: str, line: int) -> str:
    for fmt in ("%d %b %Y", "%d %B %Y", "%d/%m/%Y", "%Y-%m-%d", "%d %b. %Y", "%B %Y", "%b %Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    raise UnitError(source, line, f"cannot read the date {value!r}")


# --------------------------------------------------------------------------------------------
# The state machine
# --------------------------------------------------------------------------------------------


@dataclass
class _Item:
    code: str
    kind: str
    line: int
    parts: list[str]

    def __post_init__(self) -> None:
        # Kept up to date by ``add`` so that the test costs O(1) per wrapped line.
        self.has_text = any(self.parts)

    def add(self, part: str) -> None:
        """Append one wrapped line of the criterion's text."""
        self.parts.append(part)
        self.has_text = self.has_text or bool(part)


@dataclass
class _Group:
    code: str
    title: str
    kind: str
    line: int
    number: int = 0  # QCF outcome number
    items: list[_Item] = field(default_factory=list)
    title_open: bool = False  # a QCF outcome heading still collecting wrapped title lines
    # Wrapped title lines, joined once at the end: joining as they come costs O(n^2).
    more_title: list[str] = field(default_factory=list)

    def full_title(self) -> str:
        """The title with its wrapped lines, one space between each."""
        return " ".join(part for part in (self.title, *self.more_title) if part)


class _Parser:
    def __init__(self, lines: list[_Line], kind: str, source: str):
        self.lines = lines
        self.kind = kind
        self.source = source
        self.state = "start"
        self.groups: list[_Group] = []
        self.group: _Group | None = None
        self.item: _Item | None = None
        self.major: str | None = None  # NOS: "performance" or "knowledge" from the last heading
        self.pending: list[str] = []  # NOS: section heading waiting for its first item
        self.pending_line = 0
        self.last_num: dict[str, int] = {}  # numbering family -> last number seen
        self.seen: dict[str, int] = {}  # criterion code -> line
        self.prev_content: _Line | None = None  # the previous non-blank line
        self.overview: list[str] = []
        # QCF learning outcome list: number -> the title's lines (see summary_title).
        self.summary: dict[int, list[str]] = {}
        self.summary_last = 0  # the highest number in ``summary``
        self.texts: dict[str, list[str | None]] = {"scope": [], "values": [], "guidance": []}
        self.assessment: list[str] = []
        self.glh_text: list[str] = []
        self.linked_text: list[str] = []
        # Metadata table: key -> (the value's lines, line number); see meta_value.
        self.meta: dict[str, tuple[list[str], int]] = {}
        self.groups_of_kind: dict[str, int] = {}  # NOS: groups opened so far per kind
        self._next_content: list[int] | None = None
        self.meta_key: str | None = None

    # -- helpers ---------------------------------------------------------------------------

    def error(self, line: _Line | int | None, message: str) -> UnitError:
        number = line.number if isinstance(line, _Line) else line
        return UnitError(self.source, number, message)

    def close_item(self) -> None:
        self.item = None

    def next_content(self, index: int) -> _Line | None:
        """The next line with content, passing over lower-case (wrapped) text lines."""
        if self._next_content is None:
            # One pass from the end, so that each question is answered in O(1): scanning
            # forward on each call made long documents quadratic.
            found = len(self.lines)
            after = [found] * len(self.lines)
            for i in range(len(self.lines) - 1, -1, -1):
                after[i] = found
                line = self.lines[i]
                if line.kind in ("blank", "artefact"):
                    continue
                if line.kind == "text" and line.text[0].islower():
                    continue
                found = i
            self._next_content = after
        following = self._next_content[index]
        return self.lines[following] if following < len(self.lines) else None

    def summary_title(self, number: int) -> str:
        """A QCF learning outcome's title as the unit's outcome list gives it."""
        return " ".join(self.summary[number])

    def meta_value(self, key: str) -> str:
        """A metadata table value, its wrapped lines joined by spaces."""
        return " ".join(self.meta[key][0])

    def is_continuation(self, line: _Line) -> bool:
        """Does this text line carry on the open criterion (or outcome title)?"""
        if self.item is not None and not self.item.has_text:
            return True  # the item's number stood alone on the line before
        first = line.text[0]
        if first.islower() or not first.isalnum() and first not in "\"'\u2018\u201c":
            return True
        prev = self.prev_content
        if prev is None or prev.number != line.number - 1:
            return False  # a blank line or a page header came between: a new start
        last_word = re.sub(r"[^\w,\-]", "", prev.text.split(" ")[-1].lower())
        return last_word.endswith((",", "-")) or last_word in CONNECTORS

    def check_number(self, family: str, number: int, code: str, line: _Line) -> None:
        if code in self.seen:
            first = self.seen[code]
            raise self.error(line, f"duplicate criterion code {code} (first on line {first})")
        expected = self.last_num.get(family, 0) + 1
        if number != expected:
            label = family.rstrip(".") if family in ("P", "K") else f"{family}"
            raise self.error(
                line,
                f"criterion {code} found where {label}{expected} was expected: numbering gap or "
                "lost item",
            )
        self.last_num[family] = number
        self.seen[code] = line.number

    def add_text(self, section: str, text: str | None) -> None:
        self.texts[section].append(text)

    # -- the walk ----------------------------------------------------------------------------

    def run(self) -> None:
        for index, line in enumerate(self.lines):
            if line.kind == "artefact":
                continue  # running headers and rules vanish, even in mid-item
            if line.kind == "blank":
                self.blank()
                continue
            self.step(index, line)
            self.prev_content = line

    def blank(self) -> None:
        if self.state in self.texts:
            self.add_text(self.state, None)
        if self.group and self.group.title_open:
            self.group.title_open = False
        if self.state == "meta":
            self.meta_key = None

    def step(self, index: int, line: _Line) -> None:
        if line.kind == "heading":
            self.heading(line)
            return
        if line.kind == "meta" and (self.state == "meta" or META_START_RE.match(line.text)):
            self.close_item()
            self.state = "meta"
            self.meta_key = line.data["key"]
            self.meta.setdefault(self.meta_key, ([line.data["value"]], line.number))
            return
        if self.state == "meta":
            if self.meta_key:  # a wrapped value
                self.meta[self.meta_key][0].append(line.text)
            return
        if TITLE_FIELD_RE.match(line.text):
            return  # read by _find_headers
        match = GLH_FIELD_RE.match(line.text)
        if match:
            self.glh_text.append(f"{match['hours']} hours")
            return
        if self.kind == "qcf":
            self.step_qcf(index, line)
        else:
            self.step_nos(index, line)

    def heading(self, line: _Line) -> None:
        section = line.data["section"]
        self.close_item()
        self.pending = []
        if self.group:
            self.group.title_open = False
        if section in ("perf", "know") and self.kind == "nos":
            self.state = "criteria"
            self.major = "performance" if section == "perf" else "knowledge"
            self.group = None
            return
        if section in ("overview", "aim"):
            self.state = "overview"
        elif section == "scope":
            self.state = "scope"
            if self.texts["scope"]:
                self.add_text("scope", None)
            self.add_text("scope", line.text)
        else:
            self.state = section
        if section != "qcf_criteria":
            self.group = None

    # -- NOS ---------------------------------------------------------------------------------

    def step_nos(self, index: int, line: _Line) -> None:
        if line.kind == "coded":
            letter = line.data["letter"]
            self.nos_item(line, letter, int(line.data["num"]), line.data["text"])
            return
        if line.kind == "numbered" and self.state == "criteria":
            if self.major is None:
                raise self.error(line, "numbered item outside the criteria sections")
            letter = "P" if self.major == "performance" else "K"
            self.nos_item(line, letter, int(line.data["num"]), line.data["text"])
            return
        if line.kind == "intro":
            return
        text = line.text
        if self.state in ("start", "overview", "criteria"):
            if self.item and self.is_continuation(line):
                self.item.add(BULLET_RE.sub("", text, count=1))
                return
            following = self.next_content(index)
            if self.state == "criteria" and self.item is None and not self.pending and (
                text[0].islower()
            ):
                raise self.error(
                    line, f"text outside any criterion (a lost item number?): {text!r}")
            if self.state == "criteria" or (following is not None and following.kind == "coded"):
                # A section heading ("Rights", "Your practice"), possibly wrapped.
                self.close_item()
                if self.pending and self.prev_content is not None and (
                    self.prev_content.number == line.number - 1 or text[0].islower()
                ) and self.prev_content.kind == "text":
                    self.pending.append(text)
                else:
                    self.pending = [text]
                    self.pending_line = line.number
                self.state = "criteria"
                return
            self.overview.append(text)
            return
        self.other_text(line)

    def nos_item(self, line: _Line, letter: str, number: int, text: str | None) -> None:
        kind = "performance" if letter == "P" else "knowledge"
        code = f"{letter}{number}"
        self.check_number(letter, number, code, line)
        self.state = "criteria"
        if self.pending or self.group is None or self.group.kind != kind:
            if self.pending:
                title = " ".join(self.pending)
            else:  # the 2026 format: one section named by its major heading
                title = SECTION_NAMES[kind]
            count = self.groups_of_kind[kind] = self.groups_of_kind.get(kind, 0) + 1
            self.group = _Group(f"{letter}.{count}", title, kind, self.pending_line or line.number)
            self.groups.append(self.group)
            self.pending = []
            self.pending_line = 0
        self.item = _Item(code, kind, line.number, [text or ""])
        self.group.items.append(self.item)

    # -- QCF ---------------------------------------------------------------------------------

    def step_qcf(self, index: int, line: _Line) -> None:
        state = self.state
        if line.kind == "outcome" and state != "lo_summary" and not ASSESSED_RE.search(line.text):
            # An outcome heading opens the criteria, with or without an "Assessment criteria"
            # heading before it ("Learning outcome 3 must be assessed ..." is a sentence).
            self.qcf_outcome(line, int(line.data["num"]), line.data["title"])
            return
        if state == "lo_summary":
            if line.kind in ("numbered", "outcome"):
                number = int(line.data["num"])
                self.summary[number] = [
                    (line.data["text"] or "") if line.kind == "numbered" else line.data["title"]
                ]
                self.summary_last = max(self.summary_last, number)
            elif line.kind == "text" and self.summary and self.is_continuation(line):
                self.summary[self.summary_last].append(line.text)
            return
        if state == "qcf_criteria":
            self.qcf_criteria_line(line)
            return
        if state in ("start", "overview"):
            if state == "start" and FIELD_RE.match(line.text):
                return  # "Level: 3", "Credit value: 4" before the aim: not in the framework
            if line.kind != "intro":
                self.overview.append(line.text)
            return
        self.other_text(line)

    def qcf_outcome(self, line: _Line, number: int, title: str) -> None:
        self.close_item()
        self.state = "qcf_criteria"
        expected = len(self.groups) + 1
        if number != expected:
            if any(g.number == number for g in self.groups):
                raise self.error(line, f"duplicate learning outcome {number}")
            raise self.error(line, f"learning outcome {number} found where {expected} was expected")
        self.group = _Group(str(number), title.strip(), "", line.number, number, title_open=True)
        self.groups.append(self.group)

    def qcf_criteria_line(self, line: _Line) -> None:
        group = self.group
        if line.kind == "intro":
            if group:
                group.title_open = False
            return
        if line.kind == "dotted":
            outcome = int(line.data["outcome"])
            if group is None or group.number != outcome:
                if outcome in self.summary and outcome == len(self.groups) + 1:
                    self.qcf_outcome(line, outcome, self.summary_title(outcome))
                    group = self.group
                else:
                    raise self.error(line, f"criterion {line.data['outcome']}.{line.data['num']} "
                                           "is not under its learning outcome")
            self.qcf_item(line, int(line.data["num"]), line.data["text"])
            return
        if line.kind == "numbered" and group is not None:
            self.qcf_item(line, int(line.data["num"]), line.data["text"])
            return
        if group is None:
            if line.kind == "text":
                return  # text between the heading and the first outcome
            raise self.error(line, "criterion before any learning outcome")
        if group.title_open or (not group.items and self.item is None):
            group.more_title.append(line.text)
            return
        if self.item and line.kind == "text" and self.is_continuation(line):
            self.item.add(BULLET_RE.sub("", line.text, count=1))
            return
        raise self.error(line, f"unexpected text in learning outcome {group.number}: {line.text!r}")

    def qcf_item(self, line: _Line, number: int, text: str | None) -> None:
        group = self.group
        assert group is not None
        group.title_open = False
        code = f"{group.number}.{number}"
        self.check_number(f"{group.number}.", number, code, line)
        self.item = _Item(code, "", line.number, [text or ""])
        group.items.append(self.item)

    # -- text sections -------------------------------------------------------------------------

    def other_text(self, line: _Line) -> None:
        state = self.state
        text = line.text
        if state in ("scope", "values"):
            self.add_text(state, text)
        elif state == "guidance":
            if SUB_BULLET_RE.match(text):
                self.add_text("guidance", "  - " + SUB_BULLET_RE.sub("", text))
            elif BULLET_RE.match(text):
                self.add_text("guidance", "- " + BULLET_RE.sub("", text, count=1))
            else:
                self.add_text("guidance", text)
        elif state == "assessment":
            self.assessment.append(text)
        elif state == "glh":
            self.glh_text.append(text)
        elif state == "linked":
            self.linked_text.append(text)
        elif state == "criteria" and self.item is None and line.kind == "intro":
            pass
        elif state in ("ignore", "lo_summary"):
            pass
        elif state == "criteria":
            raise self.error(line, f"unexpected text among the criteria: {text!r}")
        # anything else (e.g. text after a QCF item list) is not part of the framework


def _join_text(parts: list[str | None]) -> str | None:
    """Lines as text: one line per source line, a blank line between paragraphs."""
    out: list[str] = []
    blank = False
    for part in parts:
        if part is None:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(part)
    return "\n".join(out) or None


def _one_line(parts: list[str]) -> str:
    return SPACES_RE.sub(" ", " ".join(parts)).strip()


def _detect_kind(lines: list[_Line]) -> str:
    for line in lines:
        if line.kind == "outcome" or (
            line.kind == "heading" and line.data["section"] in ("lo_summary", "qcf_criteria", "aim")
        ) or (line.kind == "intro" and line.text.lower().startswith("the learner")):
            return "qcf"
    return "nos"


def _workplace_outcomes(assessment: str, count: int) -> set[int]:
    """Learning outcome numbers the Assessment text says must be assessed at work."""
    outcomes: set[int] = set()
    for match in WORKPLACE_RE.finditer(assessment):
        if match["list"] is None:  # "All learning outcomes must be assessed ..."
            return set(range(1, count + 1))
        listed = match["list"]
        for low, high in re.findall(r"(\d+)\s*(?:-|\u2013|to)\s*(\d+)", listed):
            outcomes.update(range(int(low), int(high) + 1))  # "2 to 5", "2-5"
        outcomes.update(int(n) for n in re.findall(r"\d+", listed))  # "2, 3, 4 and 5"
    return outcomes


def _clean_lines(text: str, source: str) -> list[str]:
    """The document's lines, cleaned; refuses binary data and empty documents."""
    raw_lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    for number, raw in enumerate(raw_lines, start=1):
        bad = BINARY_RE.search(raw)
        if bad:
            raise UnitError(source, number, f"binary data (character U+{ord(bad.group()):04X}), "
                                            "not text")
    cleaned = [clean_line(raw) for raw in raw_lines]
    if not any(cleaned):
        raise UnitError(source, None, "empty document")
    return cleaned


def _find_headers(cleaned: list[str]) -> tuple[str | None, str | None, str | None]:
    """(URN, title printed above the metadata table, "Unit title:" field) - each may be None.

    The printed title and the URN are also what the running page headers repeat.
    """
    urn = next((m["urn"] for m in map(URN_RE.match, cleaned) if m), None)
    field_title = next((m["title"] for m in map(TITLE_FIELD_RE.match, cleaned) if m), None)
    table = next((i for i, line in enumerate(cleaned) if META_START_RE.match(line)), None)
    printed_title = None
    if table is not None:
        # The nearest capitalised line above the table that is not a rule, heading or code; a
        # wrapped criterion ending just above the table starts lower-case and is passed over.
        # A sentence (full stop) or a heading above the table means there is no title line.
        for before in reversed(cleaned[:table]):
            if not before or before == urn or RULE_RE.match(before) or CODE_LINE_RE.match(before):
                continue
            if before.endswith(".") or _heading(before):
                break
            if before[0].isupper():
                printed_title = before
                break
    return urn, printed_title, field_title


def outcome_kind(title: str) -> str:
    """A QCF or RQF learning outcome's kind, from the verb its title starts with.

    "Understand ..." / "Know ..." outcomes are knowledge (a quiz can evidence them); "Be able to
    ...", "Demonstrate ..." and any other wording are performance (observed at work).
    """
    knows = title.lower().startswith(("understand", "know"))
    return "knowledge" if knows else "performance"


def _outcome_dict(group: _Group, kind: str, workplace: set[int], summary: dict[int, str]) -> dict:
    if kind == "qcf":
        title = group.full_title() or summary.get(group.number, "")
        group_kind = outcome_kind(title)
        in_work = group.number in workplace
    else:
        title = group.full_title()
        group_kind = group.kind
        in_work = group_kind == "performance"  # NOS performance criteria are assessed at work
    return {
        "code": group.code,
        "title": SPACES_RE.sub(" ", title).strip(),
        "kind": group_kind,
        "criteria": [
            {"code": item.code, "kind": group_kind, "text": _one_line(item.parts),
             "workplace": in_work}
            for item in group.items
        ],
    }


def parse_unit(text: str, *, source: str = "<text>", code: str | None = None) -> dict:
    """Parse a unit document's text into the framework dict of docs/formats.md.

    ``code`` is used when the document gives no URN. Raises :class:`UnitError` (naming the
    source and, where there is one, the line) for an empty or binary document, a document with
    no criteria, duplicate criterion codes, numbering gaps and unreadable dates.
    """
    if not isinstance(text, str):
        raise TypeError("parse_unit takes text (str); use parse_unit_file for a file")
    cleaned = _clean_lines(text, source)
    if code is not None and not IDENTIFIER_RE.match(code):
        raise UnitError(source, None, f"code {code!r} is not a valid identifier")
    from course.units import rqf  # imported here: rqf reuses this module's helpers

    if rqf.looks_like_rqf(cleaned):
        return rqf.parse_rqf(cleaned, source=source, code=code)

    urn, printed_title, field_title = _find_headers(cleaned)
    artefacts = {h for h in (printed_title, field_title, urn) if h}
    lines = [_classify(n, line, artefacts) for n, line in enumerate(cleaned, start=1)]
    kind = _detect_kind(lines)
    parser = _Parser(lines, kind, source)
    parser.run()

    groups = [g for g in parser.groups if g.items or kind == "qcf"]
    if not any(g.items for g in groups):
        raise UnitError(source, None, "no criteria found: not a unit document")
    for group in groups:
        if not group.items:
            raise UnitError(source, group.line, f"learning outcome {group.code} has no criteria")
        for item in group.items:
            if not _one_line(item.parts):
                raise UnitError(source, item.line, f"criterion {item.code} has no text")

    overview = _one_line(parser.overview)
    title = field_title or printed_title or infer_title(overview, kind)
    if not title:  # fall back on the overview's first sentence
        title = re.split(r"(?<=\.)\s", overview)[0].rstrip(".") if overview else ""
        if not title:
            raise UnitError(source, None, "no title: no title line and no overview to infer it "
                                          "from")

    if urn is not None and IDENTIFIER_RE.match(urn):
        unit_code = urn
    elif code is not None:
        unit_code = code
    elif urn is not None:  # a QCF-style URN such as "F/601/8135"
        unit_code = re.sub(r"[^A-Za-z0-9_.-]", "-", urn).strip("-")
    else:
        unit_code = derive_code(title, kind)

    workplace: set[int] = set()
    if kind == "qcf":
        workplace = _workplace_outcomes(_one_line(parser.assessment), len(groups))
        for number in sorted(workplace):
            if not 1 <= number <= len(groups):
                raise UnitError(source, None, f"the Assessment section names learning outcome "
                                              f"{number}, which the unit does not have")

    meta = parser.meta

    def meta_value(*keys: str) -> str | None:
        return next((parser.meta_value(key) for key in keys if key in meta), None)

    def date_of(*keys: str) -> str | None:
        found = next((meta[key] for key in keys if key in meta), None)
        return _iso_date(" ".join(found[0]), source, found[1]) if found else None

    keywords = meta_value("keywords")
    summary = {number: parser.summary_title(number) for number in parser.summary}
    glh_match = GLH_TEXT_RE.search(_one_line(parser.glh_text))
    linked_match = LINKED_RE.search(_one_line(parser.linked_text))
    return {
        "kind": kind,
        "code": unit_code,
        "title": title,
        "urn": urn,
        "version": meta_value("version number", "version"),
        "date_approved": date_of("date approved"),
        "review_date": date_of("indicative review date", "review date"),
        "suite": meta_value("suite"),
        "keywords": [k.strip() for k in keywords.split(",") if k.strip()] if keywords else [],
        "overview": overview,
        "glh": int(glh_match["hours"]) if glh_match else None,
        "linked_standards": linked_match["std"].strip() if linked_match else None,
        "outcomes": [_outcome_dict(g, kind, workplace, summary) for g in groups],
        "scope": _join_text(parser.texts["scope"]),
        "values": _join_text(parser.texts["values"]),
        "guidance": _join_text(parser.texts["guidance"]),
    }


def decode_unit_bytes(data: bytes, source: str) -> str:
    """Text from a file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnitError(source, None, f"undecodable UTF-16 ({exc.reason})") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise UnitError(source, line, "binary data (NUL byte), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "undecodable bytes: neither UTF-8 nor Windows-1252 text"
        raise UnitError(source, line, message) from None


def parse_unit_file(path: str | Path, code: str | None = None) -> dict:
    """Read a unit document from ``path`` (bytes, decoded) and parse it with :func:`parse_unit`.

    A file over UNIT_DOCUMENT_BYTES is refused before it is read.
    """
    source = str(path)
    try:
        data = read_at_most(path, UNIT_DOCUMENT_BYTES)
    except TooLarge as exc:
        raise UnitError(source, None, f"the file is {exc}: a unit document is plain text") from None
    except OSError as exc:
        raise UnitError(source, None, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_unit(decode_unit_bytes(data, source), source=source, code=code)
