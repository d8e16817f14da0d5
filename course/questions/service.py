"""Question authoring on top of the bank: checks beyond the schema, saving, finding, trying out.

Functions flush (through ``course.bank.service``) and never commit.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from course.bank import service as bank
from course.bank.models import QuestionVersion
from course.extensions import db
from course.models.frameworks import Criterion, Framework
from course.questions import scenario_graph
from question_bank import ResponseError, ValidationError, error_paths, load_question, mark
from question_bank.types import compile_question, mark_compiled

RESERVED_IDS = {"new", "import", "export", "media"}  # /questions/<id> would be these pages
SLUG_RE = re.compile(r"[^A-Za-z0-9_.-]+")


class QuestionProblems(ValueError):
    """A question that cannot be saved; ``problems`` lists (JSON path, message)."""

    def __init__(self, problems: list[tuple[str, str]], conflict: bool = False):
        self.problems = problems
        self.conflict = conflict
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


def slugify(text: str) -> str:
    """A question id from a title: lower case, runs of other characters become "-"."""
    slug = SLUG_RE.sub("-", text.strip().lower()).strip("-._")[:80]
    return slug or "question"


def known_criteria(refs: list[str]) -> set[str]:
    """Which of ``refs`` (FRAMEWORK/CODE) name a stored criterion."""
    wanted = {ref for ref in refs if isinstance(ref, str) and "/" in ref}
    if not wanted:
        return set()
    codes = {ref.split("/", 1)[0] for ref in wanted}
    rows = db.session.execute(
        select(Framework.code, Criterion.code).join(Criterion, Criterion.framework_id == Framework.id)
        .where(Framework.code.in_(codes))
    )
    return {f"{fw}/{code}" for fw, code in rows} & wanted


def criteria_problems(question: dict) -> list[tuple[str, str]]:
    """Criterion references (top level and scenario steps) that name no stored criterion."""
    places: list[tuple[str, str]] = []
    for ref in question.get("criteria") or []:
        places.append(("criteria", ref))
    for s, step in enumerate(question.get("steps") or []):
        child = step.get("question") if isinstance(step, dict) else None
        if isinstance(child, dict) and isinstance(child.get("criteria"), list):
            for ref in child["criteria"]:
                places.append((f"steps.{s}.question.criteria", ref))
    known = known_criteria([ref for _, ref in places])
    return [(path, f"Unknown criterion {ref!r}.") for path, ref in places
            if isinstance(ref, str) and ref not in known]


def check_question(question: Any, step_names: dict[str, str] | None = None) -> dict:
    """The canonical question, or QuestionProblems listing every problem (schema, criteria, and a
    scenario's dead ends, loops and unreachable steps, all at once; ``step_names``: each step
    id's name in those messages, e.g. "Step 2")."""
    graph = scenario_graph.problems(question, step_names)
    try:
        canonical = load_question(question).to_dict()
    except ValidationError as exc:
        problems = error_paths(exc)
        if graph:  # the schema words the first of them for a developer: keep the tutor's words
            problems = [p for p in problems if not scenario_graph.is_schema_graph_message(p[1])]
        problems = graph + problems
        if isinstance(question, dict):
            problems += criteria_problems(question)
        raise QuestionProblems(problems) from None
    problems = criteria_problems(canonical)
    if problems:
        raise QuestionProblems(problems)
    return canonical


def get_current(organisation_id: int, question_id: str) -> QuestionVersion | None:
    """The current version of one of the organisation's questions."""
    return bank.current_version(organisation_id, question_id)


def versions(organisation_id: int, question_id: str) -> list[QuestionVersion]:
    """Every version of a question, newest first."""
    return list(db.session.scalars(
        select(QuestionVersion).where(
            QuestionVersion.organisation_id == organisation_id,
            QuestionVersion.question_id == question_id,
        ).order_by(QuestionVersion.version.desc())
    ))


def create_question(question: dict, *, organisation_id: int, user: Any,
                    step_names: dict[str, str] | None = None) -> QuestionVersion:
    """Store a new question (version 1); its id must be new in the organisation's bank."""
    canonical = check_question(dict(question, version=1), step_names)
    if canonical["id"] in RESERVED_IDS:
        raise QuestionProblems([("id", f"{canonical['id']!r} is a page of the question bank; choose another id.")])
    if get_current(organisation_id, canonical["id"]) is not None:
        raise QuestionProblems([("id", f"Your bank already has a question with the id {canonical['id']!r}.")],
                               conflict=True)
    return bank.save_questions([canonical], organisation=organisation_id, user=user)[0]


def update_question(question_id: str, question: dict, *, organisation_id: int, user: Any,
                    base_version: int | None = None, in_place: bool = False,
                    step_names: dict[str, str] | None = None) -> QuestionVersion:
    """Save an edit of a question: in place while no attempt uses the current version, else as a
    new version (the old one is kept). ``base_version``: the version the edit started from; if
    another has become current meanwhile, the edit is refused (conflict). ``in_place``: refuse
    (conflict) rather than make a new version."""
    current = get_current(organisation_id, question_id)
    if current is None:
        raise LookupError(question_id)
    if base_version is not None and base_version != current.version:
        raise QuestionProblems([("version", f"Version {current.version} was saved after the version "
                                            f"{base_version} you edited; reload it and edit again.")],
                               conflict=True)
    data = dict(question, id=question_id, version=current.version)
    if data.get("type") != current.type:
        raise QuestionProblems([("type", f"A question keeps its type ({current.type}).")])
    canonical = check_question(data, step_names)
    if in_place and current.in_use and _changed(current.data, canonical):
        raise QuestionProblems([("version", f"Version {current.version} is used by attempts; "
                                            "save it as a new version.")], conflict=True)
    return bank.save_questions([canonical], organisation=organisation_id, user=user)[0]


# --------------------------------------------------------------------------- removing


def _org_quizzes(organisation_id: int) -> list[Any]:
    from course.authoring.models import Course, Module, Quiz

    return list(db.session.scalars(
        select(Quiz).join(Module, Quiz.module_id == Module.id).join(Course, Module.course_id == Course.id)
        .where(Course.organisation_id == organisation_id).order_by(Course.title, Module.position)
        .options(contains_eager(Quiz.module).contains_eager(Module.course))  # names need both
    ))


def _quiz_name(quiz: Any) -> str:
    return f"{quiz.module.course.title} › {quiz.module.title}"


def removal_blockers(organisation_id: int, question_id: str) -> list[str]:
    """Why the question cannot be removed now: each quiz that holds it as a fixed question, and
    each quiz whose draws would be left with too few questions without it. Empty: it can go."""
    from course.authoring.quizzes import bank_current_questions, validate_quiz_items

    quizzes = _org_quizzes(organisation_id)
    blockers = [f"{_quiz_name(q)}: it is a fixed question of this quiz; take it out of the quiz first"
                for q in quizzes if any(item.get("question") == question_id for item in q.items)]
    with_draws = [q for q in quizzes if any("draw" in item for item in q.items)]
    if blockers or not with_draws:
        return blockers
    # the draws with the bank as it is and as it would be without the question: new problems block
    current = bank_current_questions(organisation_id)
    without = {qid: q for qid, q in current.items() if qid != question_id}
    for quiz in with_draws:
        before = set(validate_quiz_items(quiz.module.course, quiz.items, current)[1])
        blockers += [f"{_quiz_name(quiz)}: without it, the {message}"
                     for problem in validate_quiz_items(quiz.module.course, quiz.items, without)[1]
                     if problem not in before for message in [problem[1]]]
    return blockers


def remove_question(organisation_id: int, question_id: str) -> str:
    """Take a question out of the bank: "deleted" when no attempt ever used it (every version
    goes), else "retired" (its versions stay for the attempts, their review and regrading, but it
    is no longer listed, edited or drawn). Refused (QuestionProblems, conflict) while a quiz needs
    it (removal_blockers)."""
    if get_current(organisation_id, question_id) is None:
        raise LookupError(question_id)
    blockers = removal_blockers(organisation_id, question_id)
    if blockers:
        raise QuestionProblems([("id", b) for b in blockers], conflict=True)
    rows = versions(organisation_id, question_id)
    if any(row.in_use for row in rows):
        for row in rows:
            row.is_current = False
        db.session.flush()
        return "retired"
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return "deleted"


def _changed(stored: dict, given: dict) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k != "version"}  # noqa: E731
    return strip(stored) != strip(given)


def find_questions(organisation_id: int, *, type_name: str = "", criterion: str = "", tag: str = "",
                   text: str = "", unmapped_only: bool = False) -> list[QuestionVersion]:
    """Current versions filtered by type, criterion, tag and text (in title, id or stem); with
    ``unmapped_only``, just those waiting for a criterion (imported without one)."""
    criterion, tag = criterion.replace("\x00", ""), tag.replace("\x00", "")
    rows = bank.current_questions(organisation_id, criterion=criterion or None, tag=tag or None,
                                  include_unmapped=True)
    if unmapped_only:
        rows = [r for r in rows if not r.criteria]
    if type_name:
        rows = [r for r in rows if r.type == type_name]
    if text:
        needle = text.casefold()
        rows = [r for r in rows if needle in r.title.casefold() or needle in r.question_id.casefold()
                or needle in str(r.data.get("stem", "")).casefold()]
    return rows


def framework_tree() -> list[Framework]:
    """Every framework with its outcomes and criteria, by code (for the criteria picker)."""
    return list(db.session.scalars(select(Framework).order_by(Framework.code)))


# --------------------------------------------------------------------------- trying a question


def try_question(question: dict, response: Any, *, child: bool = False) -> tuple[Any, str | None]:
    """(Mark, None) for a response, or (None, the ResponseError message). ``child``: a scenario
    step's (canonical) question, marked on its own."""
    try:
        if child:
            return mark_compiled(compile_question(question), response), None
        return mark(load_question(question, unmapped=True), response), None
    except ResponseError as exc:
        return None, str(exc)


# --------------------------------------------------------------------------- export


def export_questions(organisation_id: int, fmt: str, criterion: str = "",
                     moodle_version: str | None = None) -> tuple[bytes, list[str], int]:
    """The current questions (optionally those evidencing ``criterion``) in format ``fmt``, Moodle
    XML for ``moodle_version`` (already checked; default the current LTS):
    (file bytes, warnings, number of questions)."""
    from course.bank.media import export_questions_with_media

    rows = bank.current_questions(organisation_id, criterion=criterion or None, include_unmapped=True)
    warnings: list[str] = []
    data = export_questions_with_media([dict(r.data) for r in rows], fmt, organisation=organisation_id,
                                       warnings=warnings, moodle_version=moodle_version)
    return data, warnings, len(rows)


def export_report(organisation_id: int, fmt: str, criterion: str = "",
                  moodle_version: str | None = None) -> dict[str, Any]:
    """What an export gives, for the page shown before the download: the number of questions in
    the file, those converted to another type or left out (each {id, reason}), other notes."""
    from question_bank.formats import is_converted, is_not_exported

    data, warnings, count = export_questions(organisation_id, fmt, criterion, moodle_version)
    report: dict[str, Any] = {"converted": [], "not_exported": [], "notes": [], "bytes": len(data)}
    for warning in warnings:
        qid, _, reason = warning.partition(": ")
        if is_converted(warning):
            report["converted"].append({"id": qid, "reason": reason.removesuffix(" (converted)")})
        elif is_not_exported(warning):
            report["not_exported"].append({"id": qid, "reason": reason.removesuffix(" (not exported)")})
        else:
            report["notes"].append(warning)
    report["exported"] = count - len(report["not_exported"])
    return report


# --------------------------------------------------------------------------- quality findings

_LISTS_WITH_IDS = ("options", "premises", "responses", "items", "gaps", "steps")


def _json_path(question: dict, dotted: str) -> str:
    """A finding's field ("steps.s2.question.options.b", by ids) as the JSON path of indexes the
    form's field map uses ("steps.1.question.options.1")."""
    node: Any = question
    out: list[str] = []
    for part in (p for p in dotted.split(".") if p):
        if isinstance(node, list):
            index = next((i for i, el in enumerate(node) if isinstance(el, dict) and el.get("id") == part), None)
            if index is None and part.isdigit() and int(part) < len(node):
                index = int(part)
            if index is None:
                break
            out.append(str(index))
            node = node[index]
        elif isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        else:
            break
    return ".".join(out)


def finding_dicts(findings: list) -> list[dict]:
    """Findings as the templates and JSON replies show them: ``to_dict()`` plus the check's
    ``title`` and the form ``input`` (None here)."""
    from question_bank.quality import CHECKS

    return [{**f.to_dict(), "title": CHECKS[f.code].title if f.code in CHECKS else f.code, "input": None}
            for f in findings]


def findings_for_form(question: dict, fieldmap: dict[str, str] | None = None) -> list[dict]:
    """``question_bank.quality`` findings of one question as plain dicts, in the order the checks
    give them; with a form's ``fieldmap`` each also names the input it concerns (``input``)."""
    from question_bank.quality import check_question

    findings = check_question(question)
    out = finding_dicts(findings)
    for finding, item in zip(findings, out):
        if fieldmap:
            parts = _json_path(question, finding.field).split(".")
            for cut in range(len(parts), 0, -1):
                name = fieldmap.get(".".join(parts[:cut]))
                if name is not None:
                    item["input"] = name
                    break
    return out


# Filters of the bank list beside one check's code.
FINDING_FILTERS = {"any": "Any serious finding or one to check", "error": "Any serious finding"}


def rows_findings(rows: list[QuestionVersion]) -> dict[str, list]:
    """Each row's findings (question id -> [Finding]); the checks never raise."""
    from question_bank.quality import check_question

    return {row.question_id: check_question(dict(row.data)) for row in rows}


def has_finding(findings: list, wanted: str) -> bool:
    """Whether ``findings`` hold ``wanted``: a check's code, "error", or "any" (error or warning)."""
    if wanted == "any":
        return any(f.severity in ("error", "warning") for f in findings)
    if wanted == "error":
        return any(f.severity == "error" for f in findings)
    return any(f.code == wanted for f in findings)


def bank_findings(organisation_id: int) -> list:
    """Findings across the whole bank (true/false balance, key positions) over current versions."""
    from question_bank.quality import check_collection

    rows = bank.current_questions(organisation_id, include_unmapped=True)
    return check_collection([dict(r.data) for r in rows])

