"""The header fields of an RQF unit (unit title, unit reference number, level, GLH, credit
value, total qualification time), and how :mod:`course.units.rqf` knows a document is one.

A field is printed as ``Label: value``, as ``Label value`` (a Word table flattened with tabs:
then only a value of the field's shape counts, so prose such as "Level of support ..." is not a
field), with the label alone and its value on the next line, or as a Markdown table row
(``| Level | 3 |``), which :func:`split_cells` splits into the label and the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.units.parser import UnitError, clean_line

# Ofqual's unit reference numbers: a letter, three digits, four digits ("R/650/2231").
REFERENCE_RE = re.compile(r"^[A-Z]/\d{3}/\d{4}$")
REFERENCE_EXAMPLE = "a letter, 3 digits and 4 digits, such as R/650/2231"
# Something written as a reference number, right or wrong ("R/650/223", "r / 650 / 2231").
SLASHED_RE = re.compile(r"^[A-Za-z]{1,2}\s*/\s*\d+\s*/\s*\d+$")

# The header's fields: the label as printed (any case), and what it sets.
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("title", r"(?:unit\s+)?title"),
    ("reference", r"(?:ofqual\s+)?(?:unit\s+)?(?:reference|ref)(?:\s+(?:number|no))?\.?"
                  r"|ofqual\s+(?:unit\s+)?(?:number|code)"),
    # "Unit number" and "URN" are references only when written like one: awarding bodies also
    # number units in their own way ("Unit number: 301"), and a NOS has a URN.
    ("maybe_reference", r"unit\s+number|urn"),
    ("level", r"(?:rqf\s+|unit\s+)?level"),
    ("glh", r"guided\s+learning\s+hours|glh"),
    ("credit", r"credits?(?:\s+value)?"),
    ("tqt", r"total\s+qualification\s+time|total\s+unit\s+time|tqt|tut"),
)
_LABELS = "|".join(f"(?P<{name}>{pattern})" for name, pattern in FIELD_LABELS)
# "Label: value", "Label - value", or the label alone (its value on the next line).
FIELD_RE = re.compile(rf"^(?:{_LABELS})\s*(?:(?:[:\-\u2013]|\(\w+\):?)\s*(?P<value>.*))?$",
                      re.IGNORECASE)
# "Label value" without a colon (a flattened table): only when the value has the field's shape.
BARE_FIELD_RE = re.compile(rf"^(?:{_LABELS})\s+(?P<value>\S.*)$", re.IGNORECASE)
BARE_VALUE = {
    "reference": SLASHED_RE,
    "maybe_reference": SLASHED_RE,
    "level": re.compile(r"^(?:entry(?:\s+level)?\s+)?\d\b", re.IGNORECASE),
    "glh": re.compile(r"^\d+\b"),
    "credit": re.compile(r"^\d+\b"),
    "tqt": re.compile(r"^\d+\b"),
}
LEVEL_RE = re.compile(r"^(?:rqf\s+)?(?:level\s+)?(?:(?P<entry>entry)(?:\s+level)?\s+(?P<e>[1-3])"
                      r"|(?P<n>[1-8]))$", re.IGNORECASE)
HOURS_RE = re.compile(r"^(?P<n>\d{1,5})(?:\s*(?:hours?|hrs?|credits?)\b.*)?$", re.IGNORECASE)
HOURS_SENTENCE_RE = re.compile(r"\b(?P<n>\d{1,5})\s+(?:guided learning\s+)?hours\b", re.IGNORECASE)


@dataclass
class Cell:
    number: int  # the source line
    text: str  # cleaned; "" for a blank line


def split_cells(cleaned: list[str]) -> list[Cell]:
    """The document as cells: each line, with a Markdown table row split into its cells (so
    ``| Level | 3 |`` reads as a label followed by its value)."""
    out: list[Cell] = []
    for number, text in enumerate(cleaned, start=1):
        if not (text.startswith("|") and text.endswith("|") and len(text) > 1):
            out.append(Cell(number, text))
            continue
        parts = [clean_line(part) for part in text[1:-1].split("|")]
        if all(re.fullmatch(r":?-{2,}:?", part) for part in parts if part):
            continue  # the row under a Markdown table's header
        filled = [part for part in parts if part]
        out.extend(Cell(number, cell) for cell in filled)
        if not filled:
            out.append(Cell(number, ""))
    return out


def field_of(text: str) -> tuple[str, str | None] | None:
    """(field name, value) of a header field line; the value is None when the label stands
    alone (its value is on the next line). "Unit number" and "URN" give "maybe_reference":
    a reference only when the value is written like one."""
    if not text[:1].isupper():
        return None  # fields are printed capitalised; "reference to ..." is wrapped text
    match = FIELD_RE.match(text) or BARE_FIELD_RE.match(text)
    if match is None:
        return None
    name = next(n for n, _ in FIELD_LABELS if match[n] is not None)
    value = (match["value"] or "").strip() or None
    if value is None:
        return name, None
    if ":" not in text[: match.start("value")] and not (
        name in BARE_VALUE and BARE_VALUE[name].match(value)
    ):
        return None  # "Level of support ..." or "Title" in prose: not a field
    if name == "maybe_reference":
        if not SLASHED_RE.match(value):
            return None  # an awarding body's own unit number, a NOS URN
        name = "reference"
    return name, value


# A QCF unit's outcome heading ("Outcome 2 Be able to ..."): that layout stays with the QCF
# parser, as it always has, whatever reference number the document gives.
QCF_OUTCOME_RE = re.compile(r"^outcome\s+\d{1,2}\b", re.IGNORECASE)
# "URN: F/601/8135" alone keeps a QCF unit a QCF unit (parser.py reads it); an RQF unit may
# still give its reference that way, once something else says it is RQF.
URN_RE = re.compile(r"^urn\b", re.IGNORECASE)


def looks_like_rqf(cleaned: list[str]) -> bool:
    """Does the document give a unit reference number (not only a URN) or a total qualification
    time, without a QCF unit's "Outcome N" headings?"""
    cells = [cell for cell in split_cells(cleaned) if cell.text]
    if any(QCF_OUTCOME_RE.match(cell.text) for cell in cells):
        return False
    for index, cell in enumerate(cells):
        found = field_of(cell.text)
        if found is None or found[0] not in ("reference", "maybe_reference", "tqt"):
            continue
        if URN_RE.match(cell.text):
            continue
        if found[0] == "maybe_reference" and found[1] is None:
            following = cells[index + 1].text if index + 1 < len(cells) else ""
            if not SLASHED_RE.match(following):
                continue
        return True
    return False


LABELS = {"title": "the unit title", "reference": "the unit reference number",
          "level": "the level", "glh": "the guided learning hours", "credit": "the credit value",
          "tqt": "the total qualification time"}


def read_reference(value: str, line: int, source: str) -> str:
    reference = re.sub(r"\s*/\s*", "/", value.strip()).upper()
    if not REFERENCE_RE.match(reference):
        raise UnitError(source, line, f"unit reference number {value!r} is not an Ofqual unit "
                                      f"reference ({REFERENCE_EXAMPLE})")
    return reference


def read_level(value: str, line: int, source: str) -> str:
    match = LEVEL_RE.match(value.strip())
    if match is None:
        raise UnitError(source, line, f"level {value!r} is not an RQF level (Entry 1 to 3, or 1 "
                                      "to 8)")
    return f"Entry {match['e']}" if match["entry"] else match["n"]


def read_hours(name: str, value: str, line: int, source: str) -> int:
    match = HOURS_RE.match(value.strip()) or HOURS_SENTENCE_RE.search(value)
    if match is None:
        raise UnitError(source, line, f"{LABELS[name]} {value!r} is not a whole number")
    return int(match["n"])
