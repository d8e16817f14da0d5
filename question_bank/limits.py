"""How much carecourse accepts, defined once for every way in.

The web forms, the JSON API (``course/api``), the course document (``scorm_export.document``),
the question imports (``question_bank.formats``), the unit importer and the command line all
read their limits from here, so a text or a list refused by one is refused by all, with the same
words. Pure Python (no Flask), so that the two pure packages can use it too.

Each limit is generous for real courses (the shipped course, 23 modules and 163 questions, uses a
small fraction of each) and small enough that one request is done in seconds. README.md
("Limits") says why each one is what it is.
"""

from __future__ import annotations

import os

KIB = 1024
MIB = 1024 * KIB

# --------------------------------------------------------------------------- characters

TITLE_CHARS = 300  # course, module, page and quiz titles (the forms' limit and the columns')
QUESTION_TITLE_CHARS = 500  # a question's title (the bank's column; Moodle's names are 255)
SLUG_CHARS = 100  # a course, module or page slug
QUESTION_ID_CHARS = 120  # a question id (the bank's column)
PART_ID_CHARS = 100  # an option, premise, item, gap or step id (a SCORM identifier part)
LANGUAGE_CHARS = 35  # a language tag: BCP 47 tags in use are far shorter
DESCRIPTION_CHARS = 5_000  # a course description: shown on every course list
PAGE_BODY_CHARS = 200_000  # a page's Markdown: a long chapter, a hundred screens of text
STEM_CHARS = 50_000  # a question's stem (HTML tables are verbose)
QUESTION_TEXT_CHARS = 20_000  # feedback, a scenario's case, marker guidance
CHOICE_TEXT_CHARS = 5_000  # an option, premise, response, item, gap answer or dropdown choice
TAG_CHARS = 100  # a question tag
REFERENCE_CHARS = 160  # a FRAMEWORK/CODE reference (the bank's column)
UNIT_CHARS = 100  # a numeric question's unit ("mg/ml")

# Frameworks (units and standards), from the course document or the unit importer.
FRAMEWORK_CODE_CHARS = 64  # the framework's code or URN (the columns)
CRITERION_CODE_CHARS = 32  # an outcome's or criterion's code (the columns)
FRAMEWORK_TITLE_CHARS = 500  # title, suite, linked standards (the columns)
FRAMEWORK_VERSION_CHARS = 32  # the version (the column)
FRAMEWORK_LEVEL_CHARS = 16  # an RQF level: "3", "Entry 3" (the column)
FRAMEWORK_HOURS = 100_000  # GLH, credit, TQT: far above any unit's
FRAMEWORK_TEXT_CHARS = 100_000  # overview, scope, values, guidance: a unit's longest sections
OUTCOME_TITLE_CHARS = 1_000  # an outcome's or section's title
CRITERION_TEXT_CHARS = 2_000  # one criterion's statement
KEYWORD_CHARS = 200  # one keyword

# --------------------------------------------------------------------------- counts

FRAMEWORKS_PER_COURSE = 20  # frameworks a course is built against
FRAMEWORKS_PER_DOCUMENT = 50  # the course's, and any other its questions cite
OUTCOMES_PER_FRAMEWORK = 500  # outcomes or NOS sections
CRITERIA_PER_OUTCOME = 1_000  # the unit importer numbers at most 999 P and 999 K items
KEYWORDS_PER_FRAMEWORK = 100
MODULES_PER_COURSE = 200  # a long programme; the shipped course has 23
PAGES_PER_MODULE = 100  # the shipped course has at most 5
ITEMS_PER_QUIZ = 500  # fixed questions and draws in one quiz
QUESTIONS_PER_IMPORT = 5_000  # questions in one course document or one question file
REFERENCES_PER_LIST = 500  # outcomes or workplace criteria of a module, criteria of a question
TAGS_PER_QUESTION = 50
CHOICES_PER_QUESTION = 100  # options, premises, responses, items, answers, dropdown choices
GAPS_PER_QUESTION = 100  # gaps of a short-answer question
STEPS_PER_SCENARIO = 100  # steps of a scenario (a Moodle Cloze part becomes one)
FILES_PER_DOCUMENT = 2_000  # images a course document carries
LEARNERS_PER_CSV = 2_000  # rows of an enrolment CSV (a cohort is tens, an intake hundreds)
ZIP_ENTRIES = 2_000  # entries of a QTI package

# --------------------------------------------------------------------------- sizes

COURSE_DOCUMENT_BYTES = 32 * MIB  # a course document carries its images (base64)
QUESTION_FILE_BYTES = 16 * MIB  # a Moodle XML, GIFT, Aiken or QTI file; a QTI package unpacked
RAW_QUESTION_TEXT_CHARS = 1 * MIB  # one text of an imported file before its images are taken out
UNIT_DOCUMENT_BYTES = 2 * MIB  # a unit's text: the five seed units are 4 to 13 KB
ENROLMENT_CSV_BYTES = 2_000_000  # an enrolment CSV (2,000 rows of 1,000 characters)
DOCUMENT_IMAGE_BYTES = 10 * MIB  # one image in a course document (the bank keeps smaller ones)
JSON_BODY_BYTES = 4 * MIB  # a request the learner's player sends (answers, state, submission)
FORM_ENVELOPE_BYTES = 1 * MIB  # the rest of an upload form around its file (fields, boundaries)
REQUEST_BYTES = COURSE_DOCUMENT_BYTES + FORM_ENVELOPE_BYTES  # any request (MAX_CONTENT_LENGTH)

# --------------------------------------------------------------------------- JSON

JSON_MAX_DEPTH = 64  # nesting of arrays and objects; the course document needs 8
JSON_MAX_INTEGER = 2**63 - 1  # integers must fit a 64-bit column


# --------------------------------------------------------------------------- messages


def longer_than(limit: int) -> str:
    """The message for a text over ``limit`` characters: "longer than 5,000 characters"."""
    return f"longer than {limit:,} characters"


def too_many(count: int, limit: int, noun: str) -> str:
    """The message for a list over ``limit``: "60,000 modules, at most 200"."""
    return f"{count:,} {noun}, at most {limit:,}"


def human_bytes(size: int) -> str:
    """A size as people read it: "16 MiB", "512 KiB", "900 bytes"."""
    for unit, name in ((MIB, "MiB"), (KIB, "KiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit:,} {name}"
    return f"{size:,} bytes"


def larger_than(size: int, limit: int) -> str:
    """The message for a file over ``limit`` bytes: "17,000,000 bytes; the limit is 16 MiB"."""
    return f"{size:,} bytes; the limit is {human_bytes(limit)}"


# --------------------------------------------------------------------------- reading files


class TooLarge(ValueError):
    """A file or upload over its size limit; str() is "17,000,000 bytes; the limit is 16 MiB"."""

    def __init__(self, size: int | None, limit: int):
        self.size = size
        self.limit = limit
        super().__init__(larger_than(size, limit) if size is not None
                         else f"more than {human_bytes(limit)}, the limit")


def read_at_most(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the file at ``path``; TooLarge, reading none of it, if it holds more than
    ``limit`` (a pipe or a growing file is read up to ``limit`` + 1 bytes and then refused)."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise TooLarge(size, limit)
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(None, limit)
    return data
