"""The canonical course document: schemas, cross-reference checks, canonical serialisation.

docs/formats.md ("Course document") is the readable version of what is defined here. Every
problem is reported with its JSON path (``modules[2].quiz.items[0].question``) so that an
author or an importing tool can go straight to it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from question_bank import limits
from question_bank.limits import larger_than, too_many
from question_bank.safe_json import JsonInputError, load_json
from question_bank.schemas import MaxChars
from question_bank.text import FILE_NAME, sniff_image

FORMAT = "carecourse-course"
VERSION = 1
SUPPORTED_VERSIONS = (1,)

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_ident = validate.Regexp(
    IDENTIFIER_RE, error="not an identifier (letters, digits, '_', '.', '-'; no spaces)"
)
_ref = validate.Regexp(
    re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$"),
    error="not a FRAMEWORK/CODE reference",
)


class DocumentError(ValueError):
    """A course document that cannot be used; ``problems`` lists every (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        lines = "\n".join(f"{path or '(document)'}: {message}" for path, message in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the course document:\n{lines}")


class DocumentRefused(DocumentError):
    """A document refused before its content is checked: too large, not JSON, or a list longer
    than question_bank.limits allows. Nothing else is checked (it could take minutes)."""


def _chars(limit: int, *more: Any, **kwargs: Any) -> fields.String:
    """A string of at most ``limit`` characters (question_bank.limits), with ``more`` validators."""
    return fields.String(validate=[MaxChars(limit), *more], **kwargs)


# --------------------------------------------------------------------------- schemas


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class CriterionSchema(_Strict):
    code = _chars(limits.CRITERION_CODE_CHARS, _ident, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["knowledge", "performance"]))
    text = _chars(limits.CRITERION_TEXT_CHARS, validate.Length(min=1), required=True)
    workplace = fields.Boolean(required=True)


class OutcomeSchema(_Strict):
    code = _chars(limits.CRITERION_CODE_CHARS, _ident, required=True)
    title = _chars(limits.OUTCOME_TITLE_CHARS, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["knowledge", "performance"]))
    criteria = fields.List(fields.Nested(CriterionSchema), required=True)


_iso_date = validate.Regexp(
    re.compile(r"^\d{4}-\d{2}-\d{2}$"), error="not an ISO date (YYYY-MM-DD)"
)


class FrameworkSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(["nos", "qcf", "rqf"]))
    code = _chars(limits.FRAMEWORK_CODE_CHARS, _ident, required=True)
    title = _chars(limits.FRAMEWORK_TITLE_CHARS, validate.Length(min=1), required=True)
    urn = _chars(limits.FRAMEWORK_CODE_CHARS, required=True, allow_none=True)
    version = _chars(limits.FRAMEWORK_VERSION_CHARS, required=True, allow_none=True)
    date_approved = fields.String(required=True, allow_none=True, validate=_iso_date)
    review_date = fields.String(required=True, allow_none=True, validate=_iso_date)
    suite = _chars(limits.FRAMEWORK_TITLE_CHARS, required=True, allow_none=True)
    keywords = fields.List(_chars(limits.KEYWORD_CHARS), required=True)
    overview = _chars(limits.FRAMEWORK_TEXT_CHARS, required=True)
    glh = fields.Integer(
        required=True, allow_none=True, strict=True, validate=validate.Range(min=0)
    )
    linked_standards = _chars(limits.FRAMEWORK_TITLE_CHARS, required=True, allow_none=True)
    # RQF units: level ("3", "Entry 3"), credit value, total qualification time (hours).
    # Optional, present only when the unit gives them: older documents have none of them.
    level = _chars(limits.FRAMEWORK_LEVEL_CHARS, validate.Length(min=1))
    credit = fields.Integer(strict=True, validate=validate.Range(min=0, max=limits.FRAMEWORK_HOURS))
    tqt = fields.Integer(strict=True, validate=validate.Range(min=0, max=limits.FRAMEWORK_HOURS))
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True)
    scope = _chars(limits.FRAMEWORK_TEXT_CHARS, required=True, allow_none=True)
    values = _chars(limits.FRAMEWORK_TEXT_CHARS, required=True, allow_none=True)
    guidance = _chars(limits.FRAMEWORK_TEXT_CHARS, required=True, allow_none=True)


class CourseSchema(_Strict):
    slug = _chars(limits.SLUG_CHARS, _ident, required=True)
    title = _chars(limits.TITLE_CHARS, validate.Length(min=1), required=True)
    description = _chars(limits.DESCRIPTION_CHARS, required=True)
    language = _chars(
        limits.LANGUAGE_CHARS,
        validate.Regexp(
            r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", error="not a language tag (e.g. en-GB)"
        ),
        required=True,
    )


class PageSchema(_Strict):
    slug = _chars(limits.SLUG_CHARS, _ident, required=True)
    title = _chars(limits.TITLE_CHARS, validate.Length(min=1), required=True)
    body = _chars(limits.PAGE_BODY_CHARS, required=True)


class DrawSchema(_Strict):
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    criterion = _chars(limits.REFERENCE_CHARS, _ref)
    tag = _chars(limits.TAG_CHARS, validate.Length(min=1))

    @validates_schema
    def _one_selector(self, data, **kwargs):
        if ("criterion" in data) == ("tag" in data):
            raise ValidationError("a draw names exactly one of 'criterion' or 'tag'")


class ItemSchema(_Strict):
    question = _chars(limits.QUESTION_ID_CHARS, _ident)
    version = fields.Integer(strict=True, validate=validate.Range(min=1))
    draw = fields.Nested(DrawSchema)

    @validates_schema
    def _fixed_or_draw(self, data, **kwargs):
        fixed = "question" in data or "version" in data
        if fixed and "draw" in data:
            raise ValidationError("an item is either {question, version} or {draw}, not both")
        if not fixed and "draw" not in data:
            raise ValidationError("an item needs {question, version} or {draw}")
        if fixed and not ("question" in data and "version" in data):
            raise ValidationError("a fixed item needs both 'question' and 'version'")


class QuizSchema(_Strict):
    title = _chars(limits.TITLE_CHARS, validate.Length(min=1), required=True)
    pass_mark = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    criterion_threshold = fields.Float(
        required=True, allow_none=True, validate=validate.Range(min=0, max=1)
    )
    attempts = fields.Integer(
        required=True, strict=True, validate=[validate.Range(min=0), validate.Range(max=1000)]
    )
    grading = fields.String(
        required=True, validate=validate.OneOf(["highest", "last", "first", "average"])
    )
    shuffle = fields.Boolean(required=True)
    feedback = fields.String(
        required=True, validate=validate.OneOf(["immediate", "after_submission"])
    )
    time_limit_minutes = fields.Integer(
        required=True,
        allow_none=True,
        strict=True,
        validate=[validate.Range(min=1), validate.Range(max=100_000)],
    )
    # Optional, and left out as given so that a document written before quiz modes existed keeps
    # its bytes: absent, they are the formative quiz it always was ("formative", "always", false).
    mode = fields.String(validate=validate.OneOf(["formative", "summative"]))
    option_feedback = fields.String(
        validate=validate.OneOf(["always", "after_final_attempt", "never"])
    )
    shuffle_options = fields.Boolean()
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1))


class ModuleSchema(_Strict):
    slug = _chars(limits.SLUG_CHARS, _ident, required=True)
    title = _chars(limits.TITLE_CHARS, validate.Length(min=1), required=True)
    outcomes = fields.List(_chars(limits.REFERENCE_CHARS, _ref), required=True)
    target_minutes = fields.Integer(
        required=True, strict=True, validate=[validate.Range(min=0), validate.Range(max=100_000)]
    )
    pages = fields.List(fields.Nested(PageSchema), required=True)
    quiz = fields.Nested(QuizSchema, required=True, allow_none=True)
    workplace = fields.List(_chars(limits.REFERENCE_CHARS, _ref), required=True)


# One image in a course document; the whole document is within COURSE_DOCUMENT_BYTES.
MAX_MEDIA_BYTES = limits.DOCUMENT_IMAGE_BYTES


# media/<name>: a question's image (from the bank); files/<name>: an image a page shows (uploaded
# to the course). Both are relative to the player, where a package stores them.
DOCUMENT_FILE_PATH = re.compile(f"(?:media|files)/{FILE_NAME}")


def _media_path(value: str) -> None:
    if not DOCUMENT_FILE_PATH.fullmatch(value):
        raise ValidationError("not a media/<name> or files/<name> path (letters, digits, '_', '.', '-')")


def _media_data(value: str) -> None:
    if len(value) > (MAX_MEDIA_BYTES + 2) // 3 * 4:  # its base64 alone shows it is too large
        raise ValidationError(f"an image of more than {MAX_MEDIA_BYTES:,} bytes, the limit")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("not base64") from None
    if sniff_image(data) is None:
        raise ValidationError("not a PNG, JPEG, GIF or WebP image")
    if len(data) > MAX_MEDIA_BYTES:
        raise ValidationError(f"an image of {len(data):,} bytes; the limit is {MAX_MEDIA_BYTES:,}")


class CourseDocumentSchema(_Strict):
    """The whole course document (docs/formats.md, "Course document")."""

    format = fields.String(
        required=True, validate=validate.Equal(FORMAT, error=f"must be {FORMAT!r}")
    )
    version = fields.Integer(required=True, strict=True)
    course = fields.Nested(CourseSchema, required=True)
    frameworks = fields.List(fields.Nested(FrameworkSchema), required=True)
    modules = fields.List(
        fields.Nested(ModuleSchema), required=True, validate=validate.Length(min=1)
    )
    # Each question is validated on its own by the question bank (see _load_question).
    questions = fields.List(fields.Dict(), required=True)
    # The images the questions and pages show (base64 by path); absent when there are none.
    media = fields.Dict(
        keys=fields.String(validate=_media_path), values=fields.String(validate=_media_data)
    )


# --------------------------------------------------------------------------- questions


def _load_question(question: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Validate one question with the question bank; return its canonical form and any problems.

    Paths in the problems are relative to the question (``"options[1].text"``).
    """
    from question_bank.schemas import QuestionSchema

    try:
        return QuestionSchema().load(question), []
    except ValidationError as exc:
        return question, list(_flatten(exc.messages))


# --------------------------------------------------------------------------- paths


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key == "_schema":
        return path
    return f"{path}.{key}" if path else str(key)


def _flatten(messages: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Turn marshmallow's nested error messages into (JSON path, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            key = int(key) if isinstance(key, str) and key.isdigit() else key
            yield from _flatten(value, _join(path, key))
    elif isinstance(messages, list):
        for value in messages:
            yield from _flatten(value, path)
    else:
        yield path, str(messages)


# --------------------------------------------------------------------------- cross references


def criterion_ref(framework_code: str, code: str) -> str:
    """The stable reference of a criterion or outcome: ``FRAMEWORK/CODE``."""
    return f"{framework_code}/{code}"


def objective_id(ref: str) -> str:
    """The SCORM objective id of a criterion: its reference with '/' replaced by '-'."""
    return ref.replace("/", "-")


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _framework_index(data: dict) -> tuple[dict[str, dict], set[str], list[str]]:
    """Criteria by reference, outcome references, criteria references in framework order."""
    criteria: dict[str, dict] = {}
    outcomes: set[str] = set()
    order: list[str] = []
    for fw in _list(data.get("frameworks")):
        fw = _dict(fw)
        code = fw.get("code")
        if not isinstance(code, str):
            continue
        for outcome in _list(fw.get("outcomes")):
            outcome = _dict(outcome)
            if isinstance(outcome.get("code"), str):
                outcomes.add(criterion_ref(code, outcome["code"]))
            for crit in _list(outcome.get("criteria")):
                crit = _dict(crit)
                if isinstance(crit.get("code"), str):
                    ref = criterion_ref(code, crit["code"])
                    if ref not in criteria:
                        order.append(ref)
                    criteria[ref] = crit
    return criteria, outcomes, order


def current_questions(data: dict) -> dict[str, dict]:
    """The current (highest) version of each question id in the document."""
    current: dict[str, dict] = {}
    for q in _list(data.get("questions")):
        q = _dict(q)
        qid, version = q.get("id"), q.get("version")
        if not (isinstance(qid, str) and isinstance(version, int)):
            continue
        if qid not in current or current[qid]["version"] < version:
            current[qid] = q
    return current


def draw_candidates(data: dict, draw: dict) -> list[str]:
    """Ids of the current questions a draw can take from, sorted by id (before exclusions).

    A question matches a criterion it is tagged with itself (``criteria``), as in
    ``question_bank.draw.assemble_quiz``; its scenario steps' own criteria do not count.
    """
    out = []
    for qid, q in sorted(current_questions(data).items()):
        by_criterion = "criterion" in draw and draw["criterion"] in _list(q.get("criteria"))
        by_tag = "tag" in draw and draw["tag"] in _list(q.get("tags"))
        if by_criterion or by_tag:
            out.append(qid)
    return out


def module_question_versions(data: dict, module: dict) -> list[dict]:
    """Every question version a module's quiz can contain (fixed items, then draw candidates)."""
    quiz = _dict(module.get("quiz"))
    by_key = {(q.get("id"), q.get("version")): q for q in map(_dict, _list(data.get("questions")))}
    current = current_questions(data)
    out, seen = [], set()
    for item in map(_dict, _list(quiz.get("items"))):
        if "draw" in item:
            keys = [
                (qid, current[qid]["version"]) for qid in draw_candidates(data, _dict(item["draw"]))
            ]
        else:
            keys = [(item.get("question"), item.get("version"))]
        for key in keys:
            if key in by_key and key not in seen:
                seen.add(key)
                out.append(by_key[key])
    return out


def in_framework_order(data: dict, refs: Iterable[str]) -> list[str]:
    """Criterion references without repeats, in the order the frameworks list them."""
    _, _, order = _framework_index(data)
    wanted = set(refs)
    known = [ref for ref in order if ref in wanted]
    return known + sorted(wanted - set(known))


def criterion_texts(data: dict, refs: Iterable[str]) -> dict[str, str]:
    """Each of ``refs`` that the frameworks define, with its text: results name a criterion by both."""
    criteria = _framework_index(data)[0]
    return {ref: criteria[ref]["text"] for ref in refs if isinstance(criteria.get(ref, {}).get("text"), str)}


def question_criteria(questions: Iterable[dict]) -> set[str]:
    """The criteria the questions (and their scenario steps) are tagged with."""
    refs: set[str] = set()
    for q in map(_dict, questions):
        for one in [q] + [_dict(_dict(step).get("question")) for step in _list(q.get("steps"))]:
            refs.update(c for c in _list(one.get("criteria")) if isinstance(c, str))
    return refs


def module_criteria(data: dict, module: dict) -> list[str]:
    """The criteria a module's quiz can mark, in framework order: its SCORM objectives.

    They are the criteria of the questions the quiz can draw, as the player totals them (a
    question's own criteria); essays are left out, since no one marks them inside an LMS, so a
    criterion evidenced only by an essay (typically a performance criterion) is never an objective.
    """
    evidenced: set[str] = set()
    for q in module_question_versions(data, module):
        if q.get("type") != "essay":
            evidenced.update(c for c in _list(q.get("criteria")) if isinstance(c, str))
    return in_framework_order(data, evidenced)


def _duplicates(
    values: list[tuple[str, Any]], what: str = "duplicate {value!r}"
) -> Iterable[tuple[str, str]]:
    first: dict[Any, str] = {}
    for path, value in values:
        if value is None:
            continue
        if value in first:
            yield path, what.format(value=value) + f" (first at {first[value]})"
        else:
            first[value] = path


def _cross_problems(data: dict) -> list[tuple[str, str]]:
    """Reference and uniqueness problems; tolerant of structure errors reported elsewhere."""
    problems: list[tuple[str, str]] = []
    criteria, outcomes, _ = _framework_index(data)
    frameworks = _list(data.get("frameworks"))
    modules = _list(data.get("modules"))
    questions = _list(data.get("questions"))

    def code_of(obj: Any) -> Any:
        value = _dict(obj).get("code")
        return value if isinstance(value, str) else None

    def slug_of(obj: Any) -> Any:
        value = _dict(obj).get("slug")
        return value if isinstance(value, str) else None

    problems += _duplicates(
        [(f"frameworks[{i}].code", code_of(fw)) for i, fw in enumerate(frameworks)]
    )
    for i, fw in enumerate(frameworks):
        outs = _list(_dict(fw).get("outcomes"))
        problems += _duplicates(
            [(f"frameworks[{i}].outcomes[{j}].code", code_of(o)) for j, o in enumerate(outs)]
        )
        crits = [
            (f"frameworks[{i}].outcomes[{j}].criteria[{k}].code", code_of(c))
            for j, o in enumerate(outs)
            for k, c in enumerate(_list(_dict(o).get("criteria")))
        ]
        problems += _duplicates(crits)

    problems += _duplicates([(f"modules[{i}].slug", slug_of(m)) for i, m in enumerate(modules)])

    keys = []
    for n, q in enumerate(questions):
        q = _dict(q)
        qid, version = q.get("id"), q.get("version")
        keys.append((f"questions[{n}]", (qid, version) if isinstance(qid, str) else None))
        for k, ref in enumerate(_list(q.get("criteria"))):
            if isinstance(ref, str) and ref not in criteria:
                problems.append((f"questions[{n}].criteria[{k}]", f"unknown criterion {ref!r}"))
        for s, step in enumerate(_list(q.get("steps"))):
            child = _dict(_dict(step).get("question"))
            for k, ref in enumerate(_list(child.get("criteria"))):
                if isinstance(ref, str) and ref not in criteria:
                    problems.append(
                        (
                            f"questions[{n}].steps[{s}].question.criteria[{k}]",
                            f"unknown criterion {ref!r}",
                        )
                    )
    problems += _duplicates(keys, "question {value[0]!r} version {value[1]} appears twice")
    included = {key for _, key in keys if key is not None}

    for i, module in enumerate(modules):
        module = _dict(module)
        base = f"modules[{i}]"
        pages = _list(module.get("pages"))
        problems += _duplicates(
            [(f"{base}.pages[{j}].slug", slug_of(p)) for j, p in enumerate(pages)]
        )
        for k, ref in enumerate(_list(module.get("outcomes"))):
            if isinstance(ref, str) and ref not in outcomes:
                problems.append((f"{base}.outcomes[{k}]", f"unknown outcome {ref!r}"))
        for k, ref in enumerate(_list(module.get("workplace"))):
            if isinstance(ref, str) and ref not in criteria:
                problems.append((f"{base}.workplace[{k}]", f"unknown criterion {ref!r}"))
        quiz = _dict(module.get("quiz"))
        items = [_dict(item) for item in _list(quiz.get("items"))]
        # As question_bank.draw.assemble_quiz: no draw takes a question fixed anywhere in the quiz.
        fixed_ids = {
            i["question"] for i in items if "draw" not in i and isinstance(i.get("question"), str)
        }
        fixed: set[str] = set()
        earlier_draws: list[tuple[int, set[str]]] = []
        for j, item in enumerate(items):
            path = f"{base}.quiz.items[{j}]"
            if "draw" in item and ("question" in item or "version" in item):
                continue  # the schema reported it
            if "draw" not in item:
                qid, version = item.get("question"), item.get("version")
                if isinstance(qid, str) and isinstance(version, int):
                    if (qid, version) not in included:
                        problems.append(
                            (
                                f"{path}.question",
                                f"question {qid!r} version {version} is not in the document's questions",
                            )
                        )
                    elif qid in fixed:
                        problems.append(
                            (f"{path}.question", f"question {qid!r} is already in this quiz")
                        )
                    fixed.add(qid)
                continue
            draw = _dict(item.get("draw"))
            count = draw.get("count")
            if isinstance(draw.get("criterion"), str) and draw["criterion"] not in criteria:
                problems.append(
                    (f"{path}.draw.criterion", f"unknown criterion {draw['criterion']!r}")
                )
                continue
            if not isinstance(count, int) or ("criterion" in draw) == ("tag" in draw):
                continue
            candidates = set(draw_candidates(data, draw)) - fixed_ids
            # Worst case: every earlier draw took its questions from this draw's candidates.
            taken = sum(min(c, len(cands & candidates)) for c, cands in earlier_draws)
            available = len(candidates) - taken
            if available < count:
                what = (
                    f"criterion {draw['criterion']!r}"
                    if "criterion" in draw
                    else f"tag {draw['tag']!r}"
                )
                problems.append(
                    (
                        f"{path}.draw.count",
                        (
                            f"draw of {count} by {what} has only {max(available, 0)} candidate(s) "
                            f"left ({len(candidates)} not fixed in this quiz, up to {taken} taken "
                            "by earlier draws)"
                        ),
                    )
                )
            earlier_draws.append((count, candidates))
    return problems


# --------------------------------------------------------------------------- limits

# The lists of a document, where they are, and how long each may be (question_bank.limits).
# A question's own lists are checked as it loads (question_bank.schemas).
_TOP_LISTS = (
    ("frameworks", limits.FRAMEWORKS_PER_DOCUMENT, "frameworks"),
    ("modules", limits.MODULES_PER_COURSE, "modules"),
    ("questions", limits.QUESTIONS_PER_IMPORT, "questions"),
)
_FRAMEWORK_LISTS = (
    ("outcomes", limits.OUTCOMES_PER_FRAMEWORK, "outcomes"),
    ("keywords", limits.KEYWORDS_PER_FRAMEWORK, "keywords"),
)
_MODULE_LISTS = (
    ("pages", limits.PAGES_PER_MODULE, "pages"),
    ("outcomes", limits.REFERENCES_PER_LIST, "outcomes"),
    ("workplace", limits.REFERENCES_PER_LIST, "criteria"),
)


def _over(container: dict, key: str, limit: int, noun: str, path: str) -> list[tuple[str, str]]:
    value = container.get(key)
    if isinstance(value, (list, dict)) and len(value) > limit:
        return [(_join(path, key), too_many(len(value), limit, noun))]
    return []


def _count_problems(data: dict) -> list[tuple[str, str]]:
    """Every list longer than its limit, found without reading the entries (a few hundred steps
    for any document), so that a huge document is refused before its content is checked."""
    problems: list[tuple[str, str]] = []
    for key, limit, noun in _TOP_LISTS:
        problems += _over(data, key, limit, noun, "")
    problems += _over(data, "media", limits.FILES_PER_DOCUMENT, "files", "")
    if problems:
        return problems  # the nested lists of a list this long are not worth reading
    for i, fw in enumerate(_list(data.get("frameworks"))):
        fw, where = _dict(fw), f"frameworks[{i}]"
        for key, limit, noun in _FRAMEWORK_LISTS:
            problems += _over(fw, key, limit, noun, where)
        outcomes = _list(fw.get("outcomes"))
        if len(outcomes) <= limits.OUTCOMES_PER_FRAMEWORK:
            for j, outcome in enumerate(outcomes):
                problems += _over(_dict(outcome), "criteria", limits.CRITERIA_PER_OUTCOME,
                                  "criteria", f"{where}.outcomes[{j}]")
    for i, module in enumerate(_list(data.get("modules"))):
        module, where = _dict(module), f"modules[{i}]"
        for key, limit, noun in _MODULE_LISTS:
            problems += _over(module, key, limit, noun, where)
        problems += _over(_dict(module.get("quiz")), "items", limits.ITEMS_PER_QUIZ, "items",
                          f"{where}.quiz")
    return problems


def read_document(data: dict | bytes | str) -> dict:
    """The course document as a dict, before its content is checked.

    Raises DocumentRefused if it is larger than COURSE_DOCUMENT_BYTES, is not JSON that
    ``load_json`` accepts (too deep, NaN...), is not an object, or holds a list longer than the
    limits (each with its path: "modules[0].pages: 60,000 pages, at most 100").
    """
    if isinstance(data, (bytes, str)):
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        if size > limits.COURSE_DOCUMENT_BYTES:
            raise DocumentRefused(
                [("", f"the document is {larger_than(size, limits.COURSE_DOCUMENT_BYTES)}")]
            )
        try:
            data = load_json(data)
        except JsonInputError as exc:
            raise DocumentRefused([(exc.path, exc.message)]) from None
    if not isinstance(data, dict):
        raise DocumentRefused([("", "a course document is a JSON object")])
    problems = _count_problems(data)
    if problems:
        raise DocumentRefused(problems)
    return data


# --------------------------------------------------------------------------- load / dump


def load_document(data: dict | bytes | str) -> dict:
    """Validate a course document (dict or JSON bytes) and return it normalised.

    Raises DocumentError listing every problem with its JSON path (DocumentRefused, before the
    content is checked, for a document over the limits: see ``read_document``).
    """
    data = read_document(data)
    version = data.get("version")
    if data.get("format") == FORMAT and (
        type(version) is not int or version not in SUPPORTED_VERSIONS
    ):
        raise DocumentError(
            [
                (
                    "version",
                    f"unsupported course document version {version!r}: this build reads version "
                    + ", ".join(str(v) for v in SUPPORTED_VERSIONS),
                )
            ]
        )

    problems: list[tuple[str, str]] = []
    try:
        doc = CourseDocumentSchema().load(data)
    except ValidationError as exc:
        problems += _flatten(exc.messages)
        doc = None

    questions = []
    for n, question in enumerate(_list(data.get("questions"))):
        if not isinstance(question, dict):
            continue  # the schema reported it
        loaded, qproblems = _load_question(question)
        questions.append(loaded)
        for path, message in qproblems:
            sep = "" if not path or path.startswith("[") else "."
            problems.append((f"questions[{n}]{sep}{path}", message))

    problems += _cross_problems(data)
    if problems:
        raise DocumentError(list(dict.fromkeys(problems)))
    assert doc is not None
    doc["questions"] = questions
    return doc


def canonical_json(value: Any) -> bytes:
    """Sorted keys, two-space indent, UTF-8, trailing newline."""
    return (
        json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    ).encode("utf-8")


def dump_document(doc: dict) -> bytes:
    """The canonical bytes of a course document (validated first, so re-imports match)."""
    return canonical_json(load_document(doc))
