"""Which Moodle a Moodle XML export is for, and the closest core form of what that Moodle lacks.

Moodle's XML importer (question/format/xml/format.php) hands a question type its core does not
know to the installed plugins and, when none takes it, reports the question as an error; with the
import page's default "Stop on error" that one error means nothing in the file is imported. So an
export has to know its reader. What differs between the versions accepted here, for what this
exporter writes (checked against Moodle 4.3's importer and question types):

* ordering: a core question type from Moodle 4.4 (MDL-72394 brought the qtype_ordering plugin into
  core); before that only sites with the plugin can import it. For those versions an ordering
  question becomes a matching question: each item matched to its place, "1st", "2nd", ...
* nothing else: every other type and element the exporter writes (multichoice, truefalse,
  shortanswer, numerical, matching, essay with word limits, cloze with MULTICHOICE, MULTICHOICE_V,
  MULTIRESPONSE and NUMERICAL sub-questions, <idnumber>, <tags>, <shuffleanswers>, categories) is
  core in 4.0 already and read by 4.3's importer. (4.3 ignores a Cloze question's <idnumber> and
  <defaultgrade>: its mark is the sum of its sub-questions' weights.)

A Cloze question has no ordering sub-question in any version, so a scenario's ordering step is
always written as drop-downs (question_bank.formats._cloze), reported the same way.

Pure Python: no Flask, no lxml, so the CLI can show the versions without loading the formats.
"""

from __future__ import annotations

import re

# The Moodle branches an export can be made for, oldest first.
MOODLE_VERSIONS = ("4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "5.0", "5.1", "5.2", "5.3")
# Moodle's current LTS as of December 2026: 5.3, released on 5 October 2026, general support to
# 4 October 2027 and security support to 1 October 2029 ("Moodle 5.3, which will be an LTS
# release", https://moodledev.io/docs/5.3; "isLTS": true in moodle/devdocs data/versions.json).
# The previous LTS, 4.5, has security support until 6 October 2027.
DEFAULT_MOODLE_VERSION = "5.3"
ORDERING_IN_CORE_FROM = "4.4"

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.\d+)?")
_PLACE = "Choose each item's place in the order."


class MoodleVersionError(ValueError):
    """A Moodle version this exporter does not know."""


def accepted_versions() -> str:
    """The versions an export accepts, for messages: '4.0, 4.1, ... 5.3'."""
    return ", ".join(MOODLE_VERSIONS)


def check_moodle_version(raw: str | None) -> str:
    """The Moodle branch ('4.3') that ``raw`` names ('4.3' or a release such as '4.3.8'); None
    gives the default. Anything else raises MoodleVersionError listing the accepted versions."""
    if raw is None:
        return DEFAULT_MOODLE_VERSION
    text = str(raw).strip()
    match = _VERSION.fullmatch(text)
    branch = f"{int(match.group(1))}.{int(match.group(2))}" if match else None
    if branch not in MOODLE_VERSIONS:
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise MoodleVersionError(
            f"Moodle version {shown!r} is not one this export knows: use one of "
            f"{accepted_versions()} (default {DEFAULT_MOODLE_VERSION}, the current LTS)"
        )
    return branch


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def has_core_ordering(version: str) -> bool:
    """True when Moodle ``version`` imports ordering questions without a plugin (4.4 and later)."""
    return _key(version) >= _key(ORDERING_IN_CORE_FROM)


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd': an item's place in an order."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordering_as_matching(q: dict) -> dict:
    """An ordering question as the matching question that marks the same knowledge: each item is
    a premise matched to its place ("1st", "2nd", ...), so each item placed right earns its share.
    Stem (with a line saying what to do), feedback, points, criteria and tags are kept."""
    items = q["items"]
    if q.get("stem_format") == "markdown":
        stem = f"{q['stem'].rstrip()}\n\n{_PLACE}"
    else:
        stem = f"{q['stem']}<p>{_PLACE}</p>"
    out = {key: value for key, value in q.items() if key != "items"}
    out.update(
        type="matching",
        stem=stem,
        premises=[
            {"id": f"p{n}", "text": item["text"], "match": f"r{n}"}
            for n, item in enumerate(items, start=1)
        ],
        responses=[{"id": f"r{n}", "text": ordinal(n)} for n in range(1, len(items) + 1)],
        shuffle=True,
    )
    return out


def converted_to_matching(qid: str, version: str) -> str:
    """The warning for an ordering question exported as matching for ``version``."""
    return (
        f"{qid}: Moodle {version} has no ordering question type (core from "
        f"{ORDERING_IN_CORE_FROM}): exported as a matching question, each item matched to its "
        "place (1st, 2nd, ...), an equal share of the marks for each item placed right (converted)"
    )


def is_converted(warning: str) -> bool:
    """True for a warning that reports a question exported in another type's form."""
    return warning.endswith("(converted)")


def is_not_exported(warning: str) -> bool:
    """True for a warning that reports a question left out of the file."""
    return warning.endswith("(not exported)")
