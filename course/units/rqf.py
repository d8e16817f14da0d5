"""Parse an RQF unit, in the layout Ofqual's register and awarding bodies publish, into a
framework dict (docs/formats.md, kind ``rqf``).

The layout: a header of fields (unit title, unit reference number such as ``R/650/2231`` or an
older QCF one such as ``T/601/8291``, level, guided learning hours, credit value, total
qualification time), a unit aim or summary, then the learning outcomes, each introduced by
"The learner will:" (``1 Understand ...``) with its assessment criteria under "The learner can:"
(``1.1 Describe ...``), and an assessment section ("Learning outcomes 2, 3 and 4 must be assessed
in a real work environment", or "... in the workplace"). The fields may be printed as
``Label: value``, as ``Label value`` (a Word table flattened with tabs), with the value on the
next line, or as Markdown table rows (``| Level | 3 |``); the outcomes table may be flattened
line by line or kept as Markdown rows (``| 1 Understand ... | 1.1 Explain ... |``).

:func:`looks_like_rqf` (in :mod:`course.units.rqf_fields`, with the header fields) tells
:func:`course.units.parser.parse_unit` to come here: a document is read as RQF when it gives a
unit reference number field (or a total qualification time) and has no QCF "Outcome N"
headings. A URN line alone does not count: the QCF parser has always read "URN: F/601/8135".
Everything else goes on to the NOS/QCF parser unchanged.

Decisions worth knowing:

* Codes: outcomes ``1``..``n``, criteria ``<outcome>.<n>`` as printed. The framework code is the
  ``code`` argument where given, else the reference number with ``/`` turned into ``-``
  (``R-650-2231``: a code is an identifier); the reference itself is kept in ``urn``.
* An outcome's kind comes from its verb, as for QCF units (:func:`outcome_kind`); ``workplace``
  is true for the criteria of the outcomes the assessment section says must be assessed in a
  real work environment or in the workplace.
* ``tqt`` is the printed total qualification time (or total unit time) only; where a unit gives
  only credit, the app shows credit x 10 hours and says so, but stores nothing it was not given.
* A line carries on the open criterion (or outcome title) when it starts lower-case or with
  punctuation, follows it with no blank line between, or the line before ends in a word that
  cannot end a phrase. Other text among the outcomes is refused, naming its line.

Known limits: only the sentence shapes above set ``workplace`` (a rule on single criteria,
"1.1 and 1.2 must be observed", is not read); text outside the known sections is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from course.units.parser import (
    BULLET_RE,
    CONNECTORS,
    LINKED_RE,
    MOVED_RE,
    PAGE_NO_RE,
    RULE_RE,
    SPACES_RE,
    SUB_BULLET_RE,
    UnitError,
    _join_text,
    infer_title,
    outcome_kind,
)
from course.units.rqf_fields import (
    LABELS,
    REFERENCE_EXAMPLE,
    SLASHED_RE,
    Cell,
    field_of,
    looks_like_rqf,
    read_hours,
    read_level,
    read_reference,
    split_cells,
)

__all__ = ["looks_like_rqf", "parse_rqf"]

# Section headings, the whole line (trailing colon ignored), lower case.
SECTIONS: dict[str, str] = {
    **dict.fromkeys(
        ("unit aim", "unit aims", "aim", "unit summary", "summary", "unit purpose", "purpose",
         "unit purpose and aim", "unit overview", "overview", "unit introduction"), "aim"),
    # The outcomes table's own headings repeat inside it, so they keep the outcomes open.
    **dict.fromkeys(
        ("learning outcomes", "learning outcome", "assessment criteria",
         "learning outcomes and assessment criteria", "learning outcome assessment criteria",
         "learning outcomes assessment criteria", "the learner will the learner can"),
        "outcomes"),
    **dict.fromkeys(
        ("assessment", "assessment requirements", "assessment guidance", "assessment information",
         "assessment requirements and guidance", "assessment requirements or guidance",
         "additional assessment requirements", "assessment principles", "assessment method",
         "assessment methods"), "assessment"),
    **dict.fromkeys(
        ("additional information", "additional guidance", "guidance", "unit guidance", "range",
         "range and guidance", "delivery guidance", "guidance for delivery", "indicative content",
         "additional information about the unit"), "guidance"),
    **dict.fromkeys(
        ("relationship to nos", "relationship to national occupational standards",
         "links to nos", "links to national occupational standards", "relationship to standards",
         "details of the relationship between the unit and relevant national standards"),
        "linked"),
    **dict.fromkeys(("glossary", "support of the unit by a sector or other appropriate body",
                     "unit endorsement"), "ignore"),
}
# "Learning outcome 2", "Learning outcome 2: Be able to ...", "LO2 The learner will: ...".
LO_HEADING_RE = re.compile(
    r"^(?:learning\s+outcome|lo)\s*(?P<num>\d{1,2})\b\s*[:.\-\u2013]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
WILL_RE = re.compile(r"^the learner will\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
CAN_RE = re.compile(r"^the learner can\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
# An outcome in the table: "1 Understand ...", "1. Be able to ...": a capital after the number.
OUTCOME_RE = re.compile(r"^(?P<num>\d{1,2})[.)]?\s+(?P<title>[A-Z].*)$")
# A criterion: "1.1 Describe ...", "AC 2.3 Explain ...", or the code alone (text on the next line).
CRITERION_RE = re.compile(
    r"^(?:AC\s*)?(?P<outcome>\d{1,2})\.(?P<num>\d{1,2})\b\.?(?:\s+(?P<text>\S.*))?$"
)
# "Learning outcomes 2, 3 and 4 must be assessed in a real work environment" / "in the
# workplace", "LO2 and LO3 ...", "Learning outcomes 2 to 4 ...", "All learning outcomes ...".
WORKPLACE_RE = re.compile(
    r"\b(?:(?P<all>all(?:\s+of\s+the|\s+the)?\s+(?:learning\s+outcomes|los)|this\s+unit|the\s+unit)"
    r"|(?:learning\s+outcomes?|los?)\s*(?P<list>\d{1,2}(?:\s*(?:,|and|to|-|\u2013|&)\s*"
    r"(?:lo\s*)?\d{1,2})*))"
    r"\s+(?:must|are\s+to|is\s+to|should|need\s+to|will)\s+be\s+assessed\s+(?:in|within|at)\s+"
    r"(?:an?\s+|the\s+)?(?:real[\s-]+work(?:ing)?[\s-]*(?:environment|place|setting)"
    r"|workplace|work[\s-]*place|work\s+setting)",
    re.IGNORECASE,
)


@dataclass
class _Outcome:
    number: int
    line: int
    title: list[str]
    criteria: list[_Criterion] = field(default_factory=list)
    title_open: bool = True  # still collecting wrapped title lines


@dataclass
class _Criterion:
    code: str
    line: int
    parts: list[str]


def _section(text: str) -> str | None:
    return SECTIONS.get(SPACES_RE.sub(" ", text.rstrip(":").strip().lower()))


class _Parser:
    def __init__(self, cells: list[Cell], source: str):
        self.cells = cells
        self.source = source
        self.state = "start"
        self.fields: dict[str, tuple[str, int]] = {}  # name -> (value, line)
        self.pending_field: tuple[str, int] | None = None  # a label whose value comes next
        self.texts: dict[str, list[str | None]] = {
            "aim": [], "assessment": [], "guidance": [], "linked": []}
        self.outcomes: list[_Outcome] = []
        self.outcome: _Outcome | None = None
        self.criterion: _Criterion | None = None
        self.blank_before = False  # a blank line since the last line with content
        self.prev_text = ""

    def error(self, line: int | None, message: str) -> UnitError:
        return UnitError(self.source, line, message)

    # -- the walk ----------------------------------------------------------------------------

    def run(self, artefacts: set[str]) -> None:
        for cell in self.cells:
            text = cell.text
            if not text:
                self.blank_before = True
                if self.state in ("aim", "guidance", "linked"):
                    self.texts[self.state].append(None)
                continue
            if self.pending_field is not None and self.field_value(cell):
                continue
            if (RULE_RE.match(text) or PAGE_NO_RE.match(text) or text in artefacts
                    or MOVED_RE.match(BULLET_RE.sub("", text, count=1))):
                continue  # running headers and footers, even in mid-criterion
            self.step(cell)
            self.blank_before = False
            self.prev_text = text

    def field_value(self, cell: Cell) -> bool:
        """Take this line as the value of the label above it, if it is one."""
        name, _line = self.pending_field or ("", 0)
        self.pending_field = None
        text = cell.text
        if _section(text) is not None or field_of(text) is not None:
            return False  # the label had no value
        if name == "maybe_reference":
            if not SLASHED_RE.match(text):
                return False
            name = "reference"
        self.setfield_of(name, text, cell.number)
        return True

    def step(self, cell: Cell) -> None:
        text = cell.text
        section = _section(text)
        if section is not None:
            self.criterion = None
            if self.outcome is not None and section != "outcomes":
                self.outcome = None
            self.state = section
            return
        found = field_of(text)
        if found is not None and not (self.state == "outcomes" and self.criterion is not None
                                      and self.continues(text)):
            name, value = found
            if value is None:
                self.pending_field = (name, cell.number)
            else:
                self.setfield_of(name, value, cell.number)
            return
        if self.state != "assessment" and self.structure(cell):
            return
        if self.state == "outcomes":
            self.outcomes_line(cell)
        elif self.state in self.texts:
            self.add_text(self.state, text)

    def structure(self, cell: Cell) -> bool:
        """Handle a "Learning outcome N", "The learner will:" or "The learner can:" line."""
        text = cell.text
        heading = LO_HEADING_RE.match(text)
        if heading and not re.search(r"\bassessed\b", text, re.IGNORECASE):
            self.state = "outcomes"
            self.open_outcome(cell, int(heading["num"]), "")
            will = WILL_RE.match(heading["rest"])
            rest = will["rest"] if will else heading["rest"]
        else:
            will, can = WILL_RE.match(text), CAN_RE.match(text)
            if not (will or can):
                return False
            self.state = "outcomes"
            self.criterion = None
            if can and self.outcome is not None:
                self.outcome.title_open = False
            rest = (will or can)["rest"]
        if rest:
            self.outcomes_line(Cell(cell.number, rest))
        return True

    def add_text(self, section: str, text: str) -> None:
        if section == "guidance" and SUB_BULLET_RE.match(text):
            text = "  - " + SUB_BULLET_RE.sub("", text)
        elif section == "guidance" and BULLET_RE.match(text):
            text = "- " + BULLET_RE.sub("", text, count=1)
        self.texts[section].append(text)

    def setfield_of(self, name: str, value: str, line: int) -> None:
        value = SPACES_RE.sub(" ", value).strip()
        if name in self.fields and self.fields[name][0] != value:
            first_value, first_line = self.fields[name]
            raise self.error(line, f"{LABELS[name]} given twice: {first_value!r} on line "
                                   f"{first_line}, {value!r} here")
        self.fields[name] = (value, line)

    # -- outcomes and criteria -----------------------------------------------------------------

    def continues(self, text: str) -> bool:
        """Does this line carry on the open criterion or outcome title (a wrapped line)?"""
        first = text[0]
        if first.islower() or not first.isalnum() and first not in "\"'\u2018\u201c":
            return True
        if not self.blank_before:
            return True
        last_word = re.sub(r"[^\w,\-]", "", self.prev_text.split(" ")[-1].lower())
        return last_word.endswith((",", "-")) or last_word in CONNECTORS

    def open_outcome(self, cell: Cell, number: int, title: str) -> None:
        self.criterion = None
        if number == 1 and self.outcomes and not any(o.criteria for o in self.outcomes):
            # The outcomes listed once without criteria (a summary), then again in full.
            self.outcomes = []
        expected = len(self.outcomes) + 1
        if number != expected:
            if any(o.number == number for o in self.outcomes):
                raise self.error(cell.number, f"duplicate learning outcome {number}")
            raise self.error(cell.number,
                             f"learning outcome {number} found where {expected} was expected")
        self.outcome = _Outcome(number, cell.number, [title] if title else [])
        self.outcomes.append(self.outcome)

    def outcomes_line(self, cell: Cell) -> None:
        text = cell.text
        crit = CRITERION_RE.match(text)
        if crit:
            self.add_criterion(cell, int(crit["outcome"]), int(crit["num"]), crit["text"])
            return
        outcome, item = self.outcome, self.criterion
        if item is not None and not item.parts:
            item.parts.append(BULLET_RE.sub("", text, count=1))  # the code stood alone
            return
        head = OUTCOME_RE.match(text)
        if head:
            number = int(head["num"])
            if outcome is not None and number == outcome.number and not outcome.title \
                    and not outcome.criteria:
                outcome.title.append(head["title"])  # "Learning outcome 2", then "2 Be able ..."
                return
            # A wrapped line may start with a number ("... section\n42 Care Act"): only the next
            # outcome's number (or 1, after a list of the outcomes) opens one.
            restart = number == 1 and not any(o.criteria for o in self.outcomes)
            if number == len(self.outcomes) + 1 or restart or item is None \
                    or not self.continues(text):
                self.open_outcome(cell, number, head["title"])
                return
        if outcome is not None and not outcome.criteria and outcome.title_open:
            outcome.title.append(text)
            return
        if item is not None and self.continues(text):
            item.parts.append(BULLET_RE.sub("", text, count=1))
            return
        if outcome is None:
            return  # text before the first outcome ("There are four learning outcomes ...")
        raise self.error(cell.number,
                         f"unexpected text in learning outcome {outcome.number}: {text!r}")

    def add_criterion(self, cell: Cell, outcome_number: int, number: int, text: str | None) -> None:
        code = f"{outcome_number}.{number}"
        outcome = self.outcome
        if outcome is None or outcome.number != outcome_number:
            if not any(o.number == outcome_number for o in self.outcomes):
                raise self.error(cell.number, f"criterion {code} is under no learning outcome: "
                                              f"learning outcome {outcome_number} is not given "
                                              "before it")
            raise self.error(cell.number, f"criterion {code} is not under its learning outcome "
                                          f"(it follows learning outcome {outcome.number})"
                             if outcome else f"criterion {code} is not under its learning outcome")
        expected = len(outcome.criteria) + 1
        if number != expected:
            if any(c.code == code for c in outcome.criteria):
                raise self.error(cell.number, f"duplicate criterion {code}")
            raise self.error(cell.number, f"criterion {code} found where "
                                          f"{outcome_number}.{expected} was expected")
        outcome.title_open = False
        self.criterion = _Criterion(code, cell.number, [text] if text else [])
        outcome.criteria.append(self.criterion)


def _one_line(parts: list[str]) -> str:
    return SPACES_RE.sub(" ", " ".join(parts)).strip()


def _workplace(assessment: str, count: int, source: str) -> set[int]:
    outcomes: set[int] = set()
    for match in WORKPLACE_RE.finditer(assessment):
        if match["all"] is not None:
            outcomes.update(range(1, count + 1))
            continue
        listed = match["list"]
        for low, high in re.findall(r"(\d+)\s*(?:-|\u2013|to)\s*(?:lo\s*)?(\d+)", listed, re.I):
            outcomes.update(range(int(low), int(high) + 1))
        outcomes.update(int(n) for n in re.findall(r"\d+", listed))
    for number in sorted(outcomes):
        if not 1 <= number <= count:
            raise UnitError(source, None, f"the assessment section names learning outcome "
                                          f"{number}, which the unit does not have")
    return outcomes


def _is_plain_title(text: str) -> bool:
    """Could this first line of a document be its title, printed without a label?"""
    return not (
        text.endswith(".") or ":" in text or _section(text) or field_of(text)
        or LO_HEADING_RE.match(text) or WILL_RE.match(text) or CAN_RE.match(text)
    )


def _printed_title_and_reference(cells: list[Cell]) -> tuple[set[str], str | None]:
    """The title and reference as printed (page headers repeat them, so such lines are
    dropped), and the title printed as the first line without a label, if there is one."""
    found: set[str] = set()
    pending: str | None = None
    first_line = next((cell.text for cell in cells if cell.text), "")
    plain_title = first_line if _is_plain_title(first_line) else None
    if plain_title:
        found.add(plain_title)
    for cell in cells:
        if not cell.text:
            continue
        if pending is not None:
            if pending != "maybe_reference" or SLASHED_RE.match(cell.text):
                found.add(cell.text)
            pending = None
            continue
        field_ = field_of(cell.text)
        if field_ and field_[0] in ("title", "reference", "maybe_reference"):
            if field_[1] is None:
                pending = field_[0]
            else:
                found.add(field_[1])
    return found, plain_title


def parse_rqf(cleaned: list[str], *, source: str, code: str | None) -> dict:
    """The framework dict of an RQF unit's cleaned lines (see the module's docstring)."""
    cells = split_cells(cleaned)
    parser = _Parser(cells, source)
    artefacts, plain_title = _printed_title_and_reference(cells)
    parser.run(artefacts)
    fields = parser.fields
    if "reference" not in fields:
        raise UnitError(source, None, "no unit reference number: an RQF unit gives one "
                                      f"({REFERENCE_EXAMPLE}), e.g. 'Unit reference number: "
                                      "R/650/2231'")
    reference = read_reference(*fields["reference"], source)
    level = read_level(*fields["level"], source) if "level" in fields else None
    figures = {name: read_hours(name, *fields[name], source) if name in fields else None
               for name in ("glh", "credit", "tqt")}
    glh, tqt = figures["glh"], figures["tqt"]
    if glh is not None and tqt is not None and glh > tqt:
        raise UnitError(source, fields["tqt"][1],
                        f"the total qualification time ({tqt}) is less than the guided "
                        f"learning hours ({glh}): TQT includes GLH")

    outcomes = parser.outcomes
    if not outcomes:
        raise UnitError(source, None, "no learning outcomes found (\"The learner will: 1 "
                                      "Understand ...\")")
    for outcome in outcomes:
        if not outcome.criteria:
            raise UnitError(source, outcome.line,
                            f"learning outcome {outcome.number} has no assessment criteria")
        if not _one_line(outcome.title):
            raise UnitError(source, outcome.line, f"learning outcome {outcome.number} has no title")
        for criterion in outcome.criteria:
            if not _one_line(criterion.parts):
                raise UnitError(source, criterion.line, f"criterion {criterion.code} has no text")

    overview = _one_line([t for t in parser.texts["aim"] if t])
    title = fields["title"][0] if "title" in fields else plain_title
    title = title or infer_title(overview, "qcf")
    if not title:
        raise UnitError(source, None,
                        "no title: no 'Unit title:' field and no aim to infer it from")

    # A code is an identifier (parse_unit checked the argument): "R/650/2231" -> "R-650-2231".
    unit_code = code if code is not None else reference.replace("/", "-")

    workplace = _workplace(_one_line([t for t in parser.texts["assessment"] if t]),
                           len(outcomes), source)
    linked = _one_line([t for t in parser.texts["linked"] if t])
    linked_match = LINKED_RE.search(linked)
    result: dict = {
        "kind": "rqf",
        "code": unit_code,
        "title": title,
        "urn": reference,
        "version": None,
        "date_approved": None,
        "review_date": None,
        "suite": None,
        "keywords": [],
        "overview": overview,
        "glh": glh,
        "linked_standards": (linked_match["std"].strip() if linked_match else linked) or None,
        "outcomes": [],
        "scope": None,
        "values": None,
        "guidance": _join_text(parser.texts["guidance"]),
    }
    for outcome in outcomes:
        outcome_title = _one_line(outcome.title)
        kind = outcome_kind(outcome_title)
        result["outcomes"].append({
            "code": str(outcome.number),
            "title": outcome_title,
            "kind": kind,
            "criteria": [
                {"code": c.code, "kind": kind, "text": _one_line(c.parts),
                 "workplace": outcome.number in workplace}
                for c in outcome.criteria
            ],
        })
    # Present only when the unit gives them, as in the stored framework's JSON.
    for name, value in (("level", level), ("credit", figures["credit"]), ("tqt", tqt)):
        if value is not None:
            result[name] = value
    return result
