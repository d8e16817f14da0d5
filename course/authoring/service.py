"""Authoring operations on courses, modules, pages, quizzes and uploads (the coverage matrix lives in
``course.authoring.coverage``; its names are still found here).

Every function flushes and never commits: the caller (a view, a command, an API endpoint)
commits once, or rolls back so that nothing is stored. Problems a user can fix raise
``AuthoringError`` with the field it concerns; a clash with existing data raises
``ConflictError`` (an API answers 409 for it, 422 for the other). An edit started from a version
someone has since saved over raises ``StaleEditError`` (``check_version``: forms answer 409, the
API 412 for its If-Match).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import InvalidRequestError

from course.authoring.models import (
    FEEDBACK_MODES,
    GRADING_METHODS,
    OPTION_FEEDBACK,
    QUIZ_MODES,
    Course,
    CourseFramework,
    Module,
    Page,
    Quiz,
    Upload,
)
from course.extensions import db
from course.models.base import UTC
from course.models.frameworks import Criterion, Framework, Outcome
from course.models.users import Organisation, User
from question_bank import limits
from question_bank.limits import longer_than, too_many
from question_bank.text import sniff_image

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
NOS_DEFAULT_MINUTES = 60
MAX_VERSION = 2**31 - 1  # question versions are 32-bit integer columns in PostgreSQL
DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024

# Images only, recognised by their first bytes (never by the name or the browser's claim).
IMAGE_TYPES: dict[str, tuple[str, ...]] = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
}


class AuthoringError(ValueError):
    """Input a user can fix; ``field`` names the form/JSON field it concerns (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(AuthoringError):
    """The change clashes with stored data (a slug already taken, for instance)."""


class StaleEditError(ConflictError):
    """Someone saved the object after the version an edit started from (a lost update averted).

    ``kind`` names the object: "course", "module", "page" or "quiz".
    """

    def __init__(self, kind: str):
        super().__init__(
            f"Someone else saved this {kind} after you opened it, so your changes have not been saved.",
            "version",
        )
        self.kind = kind


# --------------------------------------------------------------------------- helpers


def slugify(text: str, fallback: str = "item") -> str:
    """A lower-case identifier made from ``text``: accents dropped, other runs become hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return slug or fallback


def _unique_slug(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_slug(slug: str, field_name: str = "slug") -> str:
    slug = (slug or "").strip()
    if not slug:
        raise AuthoringError("Enter a slug.", field_name)
    if len(slug) > 100 or not IDENTIFIER_RE.match(slug):
        raise AuthoringError(
            "A slug is letters, digits, '_', '.' or '-', starting with a letter or digit, no spaces.",
            field_name,
        )
    return slug


def _check_chars(value: str, limit: int, field_name: str, label: str) -> str:
    """``value`` if it has at most ``limit`` characters, else AuthoringError naming the field."""
    if len(value) > limit:
        raise AuthoringError(f"{label}: {longer_than(limit)}.", field_name)
    return value


def _check_room(count: int, limit: int, what: str, where: str) -> None:
    """Refuse to add one more ``what`` to ``where`` holding ``count`` already (limit reached)."""
    if count >= limit:
        raise AuthoringError(f"{where} already has the most {what} it may have: {limit:,}.", None)


def _check_title(title: str, field_name: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise AuthoringError("Enter a title.", field_name)
    if len(title) > 300:
        raise AuthoringError("A title is at most 300 characters.", field_name)
    return title


def _resolve_frameworks(frameworks: Sequence[Framework | str | int]) -> list[Framework]:
    out: list[Framework] = []
    for item in frameworks:
        if isinstance(item, Framework):
            fw = item
        elif isinstance(item, int):
            fw = db.session.get(Framework, item)
        else:
            fw = Framework.by_code(str(item))
        if fw is None:
            raise AuthoringError(f"Unknown framework {item!r}.", "frameworks")
        if fw not in out:
            out.append(fw)
    if not out:
        raise AuthoringError("Pick at least one framework.", "frameworks")
    return out


# --------------------------------------------------------------------------- courses


def courses_for(organisation_id: int) -> list[Course]:
    """The organisation's courses, by title."""
    return list(
        db.session.scalars(
            select(Course).where(Course.organisation_id == organisation_id).order_by(Course.title, Course.id)
        )
    )


def get_course(organisation_id: int, slug: str) -> Course | None:
    """The organisation's course with this slug, or None (never another organisation's)."""
    return Course.by_slug(organisation_id, slug)


def create_course(
    *,
    organisation: Organisation,
    user: User | None,
    title: str,
    frameworks: Sequence[Framework | str | int],
    slug: str | None = None,
    description: str = "",
    language: str = "en-GB",
) -> Course:
    """A new course of ``organisation`` built against ``frameworks`` (objects, codes or ids)."""
    title = _check_title(title)
    slug = _check_slug(slug) if slug else slugify(title, "course")
    if Course.by_slug(organisation.id, slug) is not None:
        raise ConflictError(f"Your organisation already has a course with the slug {slug!r}.", "slug")
    language = (language or "en-GB").strip()
    if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", language):
        raise AuthoringError("Not a language tag (e.g. en-GB).", "language")
    fws = _resolve_frameworks(frameworks)
    if len(fws) > limits.FRAMEWORKS_PER_COURSE:
        raise AuthoringError(too_many(len(fws), limits.FRAMEWORKS_PER_COURSE, "frameworks"), "frameworks")
    description = _check_chars((description or "").strip(), limits.DESCRIPTION_CHARS, "description", "Description")
    course = Course(
        organisation_id=organisation.id,
        slug=slug,
        title=title,
        description=description,
        language=language,
        created_by_id=user.id if user is not None else None,
    )
    for position, fw in enumerate(fws):
        course.course_frameworks.append(CourseFramework(framework=fw, position=position))
    db.session.add(course)
    db.session.flush()
    return course


def update_course(
    course: Course,
    *,
    title: str | None = None,
    slug: str | None = None,
    description: str | None = None,
    language: str | None = None,
    block_export_on_findings: bool | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Course:
    """Change the course's title, slug, description, language or quality gate (None: unchanged).

    ``expected_version``: the ``version_token`` the edit started from (see ``check_version``).
    """
    check_version(course, expected_version)
    if title is not None:
        course.title = _check_title(title)
    if slug is not None and slug != course.slug:
        slug = _check_slug(slug)
        if Course.by_slug(course.organisation_id, slug) is not None:
            raise ConflictError(f"Your organisation already has a course with the slug {slug!r}.", "slug")
        course.slug = slug
    if description is not None:
        course.description = _check_chars(description.strip(), limits.DESCRIPTION_CHARS, "description",
                                          "Description")
    if language is not None:
        if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", language.strip()):
            raise AuthoringError("Not a language tag (e.g. en-GB).", "language")
        course.language = language.strip()
    if block_export_on_findings is not None:
        course.block_export_on_findings = bool(block_export_on_findings)
    db.session.flush()
    return course


def _learner_records(course_id: int | None = None, module_id: int | None = None) -> int:
    """How many enrolments (of a course) or attempts (at a module) learners have."""
    try:
        from course.learning.models import Attempt, Enrolment
    except ImportError:  # the learning area is optional for authoring
        return 0
    if module_id is not None:
        stmt = select(func.count()).select_from(Attempt).where(Attempt.module_id == module_id)
    else:
        stmt = select(func.count()).select_from(Enrolment).where(Enrolment.course_id == course_id)
    return db.session.scalar(stmt) or 0


def delete_course(course: Course) -> None:
    """Delete the course with its modules, pages, quizzes and uploads.

    Refused (ConflictError) while learners are enrolled: their records would go with it.
    """
    enrolled = _learner_records(course_id=course.id)
    if enrolled:
        raise ConflictError(
            f"{enrolled} learner{'s are' if enrolled != 1 else ' is'} enrolled on this course; "
            "a course with learners cannot be deleted.", "course")
    db.session.delete(course)
    db.session.flush()


# --------------------------------------------------------------------------- edit conflicts

_KIND_NAMES = {Course: "course", Module: "module", Page: "page", Quiz: "quiz"}


def version_token(obj: Course | Module | Page | Quiz | None) -> str:
    """The version of ``obj`` an edit starts from: its ``updated_at`` as UTC to the microsecond.

    ``2024-05-01T09:30:00.123456Z``; "" for no object (a module without a quiz). SQLite (ISO
    text) and PostgreSQL (``timestamp``) both keep microseconds, so the token read back from
    either equals the one made from the value written; ``utcnow()`` is aware UTC, naive values
    are taken as UTC.
    """
    value = getattr(obj, "updated_at", None)
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_version(
    obj: Course | Module | Page | Quiz | None, expected: str | Iterable[str] | None, kind: str | None = None
) -> None:
    """Refuse (``StaleEditError``) an edit started from a version other than ``obj``'s current one.

    ``expected`` is the ``version_token`` the editor loaded (or several: any may match; "*"
    matches any existing object); None skips the check, for clients that send no version.
    The row is re-read with ``FOR UPDATE`` (a no-op on SQLite, whose writers are serialised),
    so on PostgreSQL two saves racing each other cannot both pass.
    """
    if expected is None:
        return
    tokens = {expected} if isinstance(expected, str) else set(expected)
    current = version_token(obj)
    if obj is not None and inspect(obj).persistent:
        try:
            db.session.refresh(obj, ["updated_at"], with_for_update=True)
            current = version_token(obj)
        except InvalidRequestError:  # deleted meanwhile
            current = ""
    if current in tokens or ("*" in tokens and current != ""):
        return
    raise StaleEditError(kind or _KIND_NAMES.get(type(obj), "item"))


# --------------------------------------------------------------------------- framework lookups


def course_outcomes(course: Course) -> dict[str, Outcome]:
    """Every outcome of the course's frameworks by reference (``FRAMEWORK/OUTCOME``), in order."""
    return {f"{fw.code}/{o.code}": o for fw in course.frameworks for o in fw.outcomes}


def course_criteria(course: Course) -> dict[str, Criterion]:
    """Every criterion of the course's frameworks by reference (``FRAMEWORK/CODE``), in order."""
    return {
        f"{fw.code}/{c.code}": c for fw in course.frameworks for o in fw.outcomes for c in o.criteria
    }


def glh_split(framework: Framework) -> dict[str, int]:
    """A QCF unit's GLH in minutes split across its outcomes by their criteria counts.

    Rounded to whole minutes by the largest remainder method, so the shares sum exactly to
    GLH x 60 (ties go to the earlier outcome). Empty for a framework without GLH.
    """
    if framework.glh is None or not framework.outcomes:
        return {}
    total = framework.glh * 60
    counts = [len(o.criteria) for o in framework.outcomes]
    n = sum(counts)
    if n == 0:
        counts = [1] * len(counts)
        n = len(counts)
    floors = [total * c // n for c in counts]
    remainders = [total * c % n for c in counts]
    left = total - sum(floors)
    for i in sorted(range(len(counts)), key=lambda i: (-remainders[i], i))[:left]:
        floors[i] += 1
    return {o.code: m for o, m in zip(framework.outcomes, floors)}


def default_target_minutes(course: Course, outcomes: Iterable[str]) -> int:
    """Default target for a module teaching ``outcomes``.

    QCF outcomes: their share of the unit's GLH (``glh_split``); NOS sections and modules
    without outcomes: 60 minutes (once per module, however many NOS sections it teaches).
    """
    known = course_outcomes(course)
    minutes = 0
    qcf_seen = nos_seen = False
    splits: dict[int, dict[str, int]] = {}
    for ref in dict.fromkeys(outcomes):
        outcome = known.get(ref)
        if outcome is None:
            continue
        fw = outcome.framework
        if fw.kind == "qcf" and fw.glh is not None:
            if fw.id not in splits:
                splits[fw.id] = glh_split(fw)
            minutes += splits[fw.id].get(outcome.code, 0)
            qcf_seen = True
        else:
            nos_seen = True
    if nos_seen or not qcf_seen:
        minutes += NOS_DEFAULT_MINUTES
    return minutes


def glh_summary(course: Course) -> list[dict[str, Any]]:
    """Per framework: GLH, GLH in minutes, and the targets of the modules teaching its outcomes.

    A module teaching outcomes of several frameworks counts in full for each. Rows:
    ``{"framework", "glh", "glh_minutes", "planned_minutes", "modules"}``.
    """
    rows = []
    for fw in course.frameworks:
        prefix = f"{fw.code}/"
        modules = [m for m in course.modules if any(r.startswith(prefix) for r in m.outcomes)]
        rows.append(
            {
                "framework": fw,
                "glh": fw.glh,
                "glh_minutes": fw.glh * 60 if fw.glh is not None else None,
                "planned_minutes": sum(m.target_minutes for m in modules),
                "modules": modules,
            }
        )
    return rows


def _check_refs(refs: Iterable[str], known: dict[str, Any], what: str, field_name: str) -> list[str]:
    out: list[str] = []
    for ref in refs:
        ref = str(ref).strip()
        if not ref:
            continue
        if ref not in known:
            raise AuthoringError(f"{ref} is not {what} of this course's frameworks.", field_name)
        if ref not in out:
            out.append(ref)
    # Keep framework order so that the stored list does not depend on the order of ticking.
    order = {ref: i for i, ref in enumerate(known)}
    return sorted(out, key=order.__getitem__)


# --------------------------------------------------------------------------- modules


def _check_minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AuthoringError("Target minutes is a whole number, 0 or more.", "target_minutes")
    if value > 100_000:
        raise AuthoringError("Target minutes is at most 100000.", "target_minutes")
    return value


def add_module(
    course: Course,
    *,
    title: str,
    slug: str | None = None,
    outcomes: Iterable[str] = (),
    target_minutes: int | None = None,
    workplace: Iterable[str] = (),
    position: int | None = None,
) -> Module:
    """Add a module (at the end, or at 0-based ``position``); default target from ``outcomes``."""
    _check_room(len(course.modules), limits.MODULES_PER_COURSE, "modules", "This course")
    title = _check_title(title)
    taken = {m.slug for m in course.modules}
    if slug:
        slug = _check_slug(slug)
        if slug in taken:
            raise ConflictError(f"This course already has a module with the slug {slug!r}.", "slug")
    else:
        slug = _unique_slug(slugify(title, "module"), taken)
    outcome_refs = _check_refs(outcomes, course_outcomes(course), "an outcome", "outcomes")
    workplace_refs = _check_refs(workplace, course_criteria(course), "a criterion", "workplace")
    minutes = (
        default_target_minutes(course, outcome_refs)
        if target_minutes is None
        else _check_minutes(target_minutes)
    )
    module = Module(
        slug=slug, title=title, outcomes=outcome_refs, target_minutes=minutes, workplace=workplace_refs,
        position=len(course.modules),
    )
    course.modules.append(module)
    if position is not None:
        _place(course.modules, module, position)
    db.session.flush()
    return module


def add_modules_per_outcome(course: Course) -> list[Module]:
    """One module per outcome of each of the course's frameworks, with default targets."""
    added = []
    for ref, outcome in course_outcomes(course).items():
        title = outcome.title or f"{outcome.framework.code} {outcome.code}"
        added.append(add_module(course, title=title[:300], outcomes=[ref]))
    return added


def update_module(
    module: Module,
    *,
    title: str | None = None,
    slug: str | None = None,
    outcomes: Iterable[str] | None = None,
    target_minutes: int | None = None,
    workplace: Iterable[str] | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Module:
    """Change a module's fields (None: unchanged); ``expected_version`` as in ``update_course``."""
    check_version(module, expected_version)
    course = module.course
    if title is not None:
        module.title = _check_title(title)
    if slug is not None and slug != module.slug:
        slug = _check_slug(slug)
        if any(m.slug == slug for m in course.modules if m is not module):
            raise ConflictError(f"This course already has a module with the slug {slug!r}.", "slug")
        module.slug = slug
    if outcomes is not None:
        module.outcomes = _check_refs(outcomes, course_outcomes(course), "an outcome", "outcomes")
    if workplace is not None:
        module.workplace = _check_refs(workplace, course_criteria(course), "a criterion", "workplace")
    if target_minutes is not None:
        module.target_minutes = _check_minutes(target_minutes)
    db.session.flush()
    return module


def _place(items: list[Any], item: Any, position: int) -> None:
    """Move ``item`` to 0-based ``position`` (clamped) in ``items`` and renumber positions."""
    ordered = [i for i in sorted(items, key=lambda i: i.position) if i is not item]
    position = max(0, min(position, len(ordered)))
    ordered.insert(position, item)
    for n, i in enumerate(ordered):
        i.position = n
    items.sort(key=lambda i: i.position)


def move_module(module: Module, position: int) -> Module:
    """Move the module to 0-based ``position`` in its course (clamped to the ends)."""
    _place(module.course.modules, module, position)
    db.session.flush()
    return module


def delete_module(module: Module) -> None:
    """Delete the module with its pages and quiz; the others close up.

    Refused (ConflictError) once learners have attempts at it: their records would go with it.
    """
    attempts = _learner_records(module_id=module.id)
    if attempts:
        raise ConflictError(
            f"Learners have {attempts} attempt{'s' if attempts != 1 else ''} at this module; "
            "it cannot be deleted.", "module")
    course = module.course
    course.modules.remove(module)  # delete-orphan deletes it
    for n, m in enumerate(course.modules):
        m.position = n
    db.session.flush()


def get_module(course: Course, slug: str) -> Module | None:
    """The course's module with this slug, or None."""
    return next((m for m in course.modules if m.slug == slug), None)


# --------------------------------------------------------------------------- pages


def render_page(body: str) -> str:
    """The sanitised HTML of a page's Markdown body (headings under the page title)."""
    from question_bank.text import render_page as render

    return render(body or "")


def add_page(module: Module, *, title: str, body: str = "", slug: str | None = None) -> Page:
    """Add a page at the end of the module; its HTML is rendered and sanitised now."""
    _check_room(len(module.pages), limits.PAGES_PER_MODULE, "pages", "This module")
    title = _check_title(title)
    body = _check_chars(body or "", limits.PAGE_BODY_CHARS, "body", "Content")
    taken = {p.slug for p in module.pages}
    if slug:
        slug = _check_slug(slug)
        if slug in taken:
            raise ConflictError(f"This module already has a page with the slug {slug!r}.", "slug")
    else:
        slug = _unique_slug(slugify(title, "page"), taken)
    page = Page(slug=slug, title=title, body=body or "", html=render_page(body), position=len(module.pages))
    module.pages.append(page)
    db.session.flush()
    return page


def update_page(
    page: Page,
    *,
    title: str | None = None,
    body: str | None = None,
    slug: str | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Page:
    """Change a page (None: unchanged); the HTML is rendered again from the body.

    ``expected_version`` as in ``update_course``.
    """
    check_version(page, expected_version)
    if title is not None:
        page.title = _check_title(title)
    if slug is not None and slug != page.slug:
        slug = _check_slug(slug)
        if any(p.slug == slug for p in page.module.pages if p is not page):
            raise ConflictError(f"This module already has a page with the slug {slug!r}.", "slug")
        page.slug = slug
    if body is not None:
        page.body = _check_chars(body, limits.PAGE_BODY_CHARS, "body", "Content")
        page.html = render_page(body)
    db.session.flush()
    return page


def move_page(page: Page, position: int) -> Page:
    """Move the page to 0-based ``position`` in its module."""
    _place(page.module.pages, page, position)
    db.session.flush()
    return page


def delete_page(page: Page) -> None:
    """Delete the page; the others close up."""
    module = page.module
    module.pages.remove(page)  # delete-orphan deletes it
    for n, p in enumerate(module.pages):
        p.position = n
    db.session.flush()


def get_page(module: Module, slug: str) -> Page | None:
    """The module's page with this slug, or None."""
    return next((p for p in module.pages if p.slug == slug), None)


# --------------------------------------------------------------------------- the question bank


def _question_data(row: Any) -> dict[str, Any]:
    """A bank row (QuestionVersion) or a plain dict as the question JSON with id and version."""
    if isinstance(row, dict):
        return row
    return dict(row.data, id=row.question_id, version=row.version)


def bank_current_questions(organisation_id: int) -> dict[str, dict[str, Any]]:
    """The current version of every question of the organisation's bank, by id."""
    from course.bank import service as bank

    rows = bank.current_questions(organisation_id)
    out = {}
    for row in rows:
        data = _question_data(row)
        out[data["id"]] = data
    return dict(sorted(out.items()))


def bank_version(organisation_id: int, question_id: str, version: int) -> dict[str, Any] | None:
    """One version of one question of the organisation's bank, or None."""
    from course.bank import service as bank

    row = bank.get_version(question_id, version, organisation=organisation_id)
    return None if row is None else _question_data(row)


def question_criteria(question: dict[str, Any]) -> list[str]:
    """Every criterion a question evidences, its scenario steps' own criteria included."""
    refs = list(question.get("criteria") or [])
    for step in question.get("steps") or []:
        for ref in (step.get("question") or {}).get("criteria") or []:
            if ref not in refs:
                refs.append(ref)
    return refs


def draw_candidates(current: dict[str, dict[str, Any]], draw: dict[str, Any]) -> list[str]:
    """Ids of the current questions a draw takes from, sorted (as ``question_bank.draw`` picks)."""
    return [
        qid
        for qid, q in sorted(current.items())
        if (draw.get("criterion") is None or draw["criterion"] in (q.get("criteria") or []))
        and (draw.get("tag") is None or draw["tag"] in (q.get("tags") or []))
    ]


def _normalise_item(item: Any, path: str) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    if not isinstance(item, dict):
        return None, [(path, "an item is {question, version} or {draw}")]
    if "draw" in item:
        draw = item["draw"]
        if set(item) != {"draw"} or not isinstance(draw, dict):
            return None, [(path, "an item is either {question, version} or {draw}, not both")]
        count = draw.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            return None, [(f"{path}.draw.count", "a draw takes a whole number of questions, 1 or more")]
        criterion, tag = draw.get("criterion"), draw.get("tag")
        if (criterion is None) == (tag is None) or set(draw) - {"count", "criterion", "tag"}:
            return None, [(f"{path}.draw", "a draw names exactly one of a criterion or a tag")]
        sel = {"criterion": str(criterion).strip()} if criterion is not None else {"tag": str(tag).strip()}
        if not next(iter(sel.values())):
            return None, [(f"{path}.draw", "a draw names exactly one of a criterion or a tag")]
        return {"draw": {"count": count, **sel}}, []
    qid, version = item.get("question"), item.get("version")
    if set(item) - {"question", "version"} or not isinstance(qid, str) or not qid:
        return None, [(path, "a fixed item is {question, version}")]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        return None, [(f"{path}.version", f"a version is a whole number from 1 to {MAX_VERSION}")]
    return {"question": qid, "version": version}, []


def quiz_item_problems(item: Any) -> list[tuple[str, str]]:
    """What is wrong with the shape of one quiz item, as (path within the item, message): "" for
    the item itself, "version", "draw", "draw.count". Nothing is looked up."""
    return [(path.partition(".")[2], message) for path, message in _normalise_item(item, "item")[1]]


def validate_quiz_items(
    course: Course, items: Sequence[Any], current: dict[str, dict[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Check quiz items against the course's frameworks and its organisation's bank.

    Returns the normalised items and every problem as (path, message), paths like
    ``items[1].draw.count``. A draw needs enough candidates after the quiz's fixed questions
    and, in the worst case, everything earlier draws could take from the same pool. ``current``:
    the bank's current questions by id (bank_current_questions), when the caller has them.
    """
    if len(items) > limits.ITEMS_PER_QUIZ:  # before any of them is looked at
        return [], [("items", too_many(len(items), limits.ITEMS_PER_QUIZ, "items"))]
    problems: list[tuple[str, str]] = []
    normalised: list[dict[str, Any]] = []
    criteria = course_criteria(course)
    if current is None:
        current = bank_current_questions(course.organisation_id)
    for n, raw in enumerate(items):
        item, item_problems = _normalise_item(raw, f"items[{n}]")
        problems += item_problems
        if item is not None:
            normalised.append(item)
    if problems:
        return normalised, problems
    fixed = {item["question"] for item in normalised if "question" in item}
    seen_fixed: set[str] = set()
    earlier: list[tuple[int, set[str]]] = []
    for n, item in enumerate(normalised):
        path = f"items[{n}]"
        if "question" in item:
            qid, version = item["question"], item["version"]
            stored = bank_version(course.organisation_id, qid, version)
            if stored is None:
                problems.append((f"{path}.question", f"question {qid!r} version {version} is not in your question bank"))
            elif not stored.get("criteria"):
                problems.append((f"{path}.question", f"question {qid!r} is not mapped to a criterion yet: "
                                 "edit it in the question bank to add one"))
            elif qid in seen_fixed:
                problems.append((f"{path}.question", f"question {qid!r} is already in this quiz"))
            seen_fixed.add(qid)
            continue
        draw = item["draw"]
        if "criterion" in draw and draw["criterion"] not in criteria:
            problems.append((f"{path}.draw.criterion", f"{draw['criterion']} is not a criterion of this course's frameworks"))
            continue
        candidates = set(draw_candidates(current, draw)) - fixed
        taken = sum(min(count, len(pool & candidates)) for count, pool in earlier)
        available = max(len(candidates) - taken, 0)
        if available < draw["count"]:
            what = f"evidencing {draw['criterion']}" if "criterion" in draw else f"tagged {draw['tag']!r}"
            problems.append((
                f"{path}.draw.count",
                f"draw of {draw['count']} questions {what} has only {available} candidate(s) in your question bank",
            ))
        earlier.append((draw["count"], candidates))
    return normalised, problems


# --------------------------------------------------------------------------- quizzes


QUIZ_DEFAULTS: dict[str, Any] = {
    "pass_mark": 0.8,
    "criterion_threshold": None,
    "attempts": 0,
    "grading": "highest",
    "shuffle": False,
    "feedback": "immediate",
    "time_limit_minutes": None,
    "mode": "formative",
    "option_feedback": "always",
    "shuffle_options": False,
}

# What choosing a mode sets (README: Summative and formative quizzes); each can then be changed.
# A summative attempt is evidence, so it must not be won by retrying with the answers in view:
# few attempts, no feedback until submitted, the feedback texts only once no attempt is left, and
# every attempt drawn and ordered afresh.
MODE_DEFAULTS: dict[str, dict[str, Any]] = {
    "formative": {"attempts": 0, "feedback": "immediate", "option_feedback": "always", "shuffle": False,
                  "shuffle_options": False},
    "summative": {"attempts": 3, "feedback": "after_submission", "option_feedback": "after_final_attempt",
                  "shuffle": True, "shuffle_options": True},
}


def _fraction(value: Any, field_name: str, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise AuthoringError(f"{label} is a fraction from 0 to 1 (0.8 is 80%).", field_name)
    return float(value)


def set_quiz(
    module: Module,
    *,
    title: str | None = None,
    pass_mark: float | None = None,
    criterion_threshold: float | None | str = "unchanged",
    attempts: int | None = None,
    grading: str | None = None,
    shuffle: bool | None = None,
    feedback: str | None = None,
    time_limit_minutes: int | None | str = "unchanged",
    mode: str | None = None,
    option_feedback: str | None = None,
    shuffle_options: bool | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Quiz:
    """Create the module's quiz or change its settings (None / "unchanged": keep or default).

    ``criterion_threshold`` and ``time_limit_minutes`` may be set to None explicitly. A ``mode``
    other than the quiz's (or any mode for a new quiz) first sets ``MODE_DEFAULTS`` for it: the
    attempts, feedback, option feedback and shuffles not given in the same call.
    ``expected_version`` as in ``update_course``; "" expects the module to have no quiz yet.
    """
    check_version(module.quiz, expected_version, "quiz")
    quiz = module.quiz
    created = quiz is None
    if quiz is None:
        quiz = Quiz(title=f"{module.title}: quiz"[:300], items=[], **QUIZ_DEFAULTS)
        module.quiz = quiz
    if mode is not None:
        if mode not in QUIZ_MODES:
            raise AuthoringError(f"Mode is one of {', '.join(QUIZ_MODES)}.", "mode")
        if created or mode != quiz.mode:
            given = {"attempts": attempts, "feedback": feedback, "option_feedback": option_feedback,
                     "shuffle": shuffle, "shuffle_options": shuffle_options}
            for name, value in MODE_DEFAULTS[mode].items():
                if given[name] is None:
                    setattr(quiz, name, value)
        quiz.mode = mode
    if title is not None:
        quiz.title = _check_title(title)
    if pass_mark is not None:
        quiz.pass_mark = _fraction(pass_mark, "pass_mark", "The pass mark")
    if criterion_threshold != "unchanged":
        quiz.criterion_threshold = (
            None
            if criterion_threshold is None
            else _fraction(criterion_threshold, "criterion_threshold", "The per-criterion threshold")
        )
    if attempts is not None:
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
            raise AuthoringError("Attempts is a whole number, 0 for unlimited.", "attempts")
        quiz.attempts = attempts
    if grading is not None:
        if grading not in GRADING_METHODS:
            raise AuthoringError(f"Grading is one of {', '.join(GRADING_METHODS)}.", "grading")
        quiz.grading = grading
    if shuffle is not None:
        quiz.shuffle = bool(shuffle)
    if feedback is not None:
        if feedback not in FEEDBACK_MODES:
            raise AuthoringError(f"Feedback is one of {', '.join(FEEDBACK_MODES)}.", "feedback")
        quiz.feedback = feedback
    if time_limit_minutes != "unchanged":
        if time_limit_minutes is not None and (
            isinstance(time_limit_minutes, bool) or not isinstance(time_limit_minutes, int) or time_limit_minutes < 1
        ):
            raise AuthoringError("A time limit is a whole number of minutes, 1 or more.", "time_limit_minutes")
        quiz.time_limit_minutes = time_limit_minutes  # type: ignore[assignment]
    if option_feedback is not None:
        if option_feedback not in OPTION_FEEDBACK:
            raise AuthoringError(f"Option feedback is one of {', '.join(OPTION_FEEDBACK)}.", "option_feedback")
        quiz.option_feedback = option_feedback
    if shuffle_options is not None:
        quiz.shuffle_options = bool(shuffle_options)
    db.session.flush()
    return quiz


def only_fixed_items(quiz: Quiz | None) -> bool:
    """A quiz with items that are all fixed questions: every attempt shows the same questions."""
    return bool(quiz is not None and quiz.items and all("question" in item for item in quiz.items))


@dataclass
class DrawPlan:
    """What ``draw_per_criterion`` did: the draws made, and the criteria it could not draw for."""

    draws: list[dict[str, Any]]
    capped: dict[str, tuple[int, int]]  # criterion: (items it had, questions its pool can give)
    skipped: list[str]  # criteria with nothing left to draw, or of a framework the course is not built on


def draw_per_criterion(quiz: Quiz) -> DrawPlan:
    """Replace the quiz's items by one draw per criterion they evidence, so each attempt differs.

    A criterion's draw counts the items that evidenced it (a fixed question its own ``criteria``
    name, as draws match them; a draw by criterion its count), capped by what its pool can give
    once the draws before it have taken their worst case (as ``validate_quiz_items`` reckons).
    Draws by tag stay as they are, first, so they keep every candidate they had. AuthoringError
    when no item evidences a criterion, or no pool has a question left.
    """
    organisation_id = quiz.module.course.organisation_id
    current = bank_current_questions(organisation_id)
    wanted: dict[str, int] = {}
    by_tag: list[dict[str, Any]] = []
    for item in quiz.items or []:
        if "draw" in item:
            draw = item["draw"]
            if "criterion" in draw:
                wanted[draw["criterion"]] = wanted.get(draw["criterion"], 0) + draw["count"]
            else:
                by_tag.append({"draw": dict(draw)})
            continue
        question = bank_version(organisation_id, item["question"], item["version"]) or {}
        for ref in question.get("criteria") or []:
            wanted[ref] = wanted.get(ref, 0) + 1
    if not wanted:
        raise AuthoringError("No question in this quiz evidences a criterion to draw for.", "items")
    draws: list[dict[str, Any]] = []
    capped: dict[str, tuple[int, int]] = {}
    skipped: list[str] = []
    earlier = [(item["draw"]["count"], set(draw_candidates(current, item["draw"]))) for item in by_tag]
    known = course_criteria(quiz.module.course)
    for ref, count in wanted.items():
        if ref not in known:  # another framework's criterion: a draw may only name the course's
            skipped.append(ref)
            continue
        pool = set(draw_candidates(current, {"criterion": ref}))
        taken = sum(min(n, len(other & pool)) for n, other in earlier)
        available = max(len(pool) - taken, 0)
        if available == 0:
            skipped.append(ref)
            continue
        if available < count:
            capped[ref] = (count, available)
        drawn = min(count, available)
        draws.append({"draw": {"count": drawn, "criterion": ref}})
        earlier.append((drawn, pool))
    if not draws:
        raise AuthoringError("The question bank has no questions left to draw for this quiz's criteria.", "items")
    set_quiz_items(quiz, by_tag + draws)
    return DrawPlan(draws=[d["draw"] for d in draws], capped=capped, skipped=skipped)


def set_quiz_items(quiz: Quiz, items: Sequence[Any]) -> Quiz:
    """Replace the quiz's items after checking them all (``QuizItemsError`` lists the problems)."""
    normalised, problems = validate_quiz_items(quiz.module.course, items)
    if problems:
        raise QuizItemsError(problems)
    quiz.items = normalised
    db.session.flush()
    return quiz


class QuizItemsError(AuthoringError):
    """Quiz items that cannot be used; ``problems`` lists (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems), "items")


def add_fixed_question(quiz: Quiz, question_id: str, version: int | None = None) -> Quiz:
    """Append a fixed question (``version`` None: its current version)."""
    if version is None:
        current = bank_current_questions(quiz.module.course.organisation_id).get(question_id)
        if current is None:
            raise AuthoringError(f"Question {question_id!r} is not in your question bank.", "question")
        version = current["version"]
    try:
        return set_quiz_items(quiz, [*quiz.items, {"question": question_id, "version": version}])
    except QuizItemsError as exc:
        raise AuthoringError(exc.problems[-1][1], "question") from None


def add_draw(quiz: Quiz, count: int, *, criterion: str | None = None, tag: str | None = None) -> Quiz:
    """Append a random draw of ``count`` questions evidencing ``criterion`` or tagged ``tag``."""
    draw: dict[str, Any] = {"count": count}
    if criterion:
        draw["criterion"] = criterion.strip()
    if tag:
        draw["tag"] = tag.strip()
    try:
        return set_quiz_items(quiz, [*quiz.items, {"draw": draw}])
    except QuizItemsError as exc:
        raise AuthoringError(exc.problems[-1][1], "draw") from None


def remove_quiz_item(quiz: Quiz, index: int) -> Quiz:
    """Remove the item at 0-based ``index``."""
    if not 0 <= index < len(quiz.items):
        raise AuthoringError("No such quiz item.", "items")
    quiz.items = [item for n, item in enumerate(quiz.items) if n != index]
    db.session.flush()
    return quiz


def move_quiz_item(quiz: Quiz, index: int, position: int) -> Quiz:
    """Move the item at ``index`` to ``position`` (both 0-based; position clamped)."""
    if not 0 <= index < len(quiz.items):
        raise AuthoringError("No such quiz item.", "items")
    items = list(quiz.items)
    item = items.pop(index)
    items.insert(max(0, min(position, len(items))), item)
    quiz.items = items
    db.session.flush()
    return quiz


def delete_quiz(module: Module) -> int:
    """Remove the module's quiz; the attempts still open on it are submitted and marked first, with a
    note to their learners (README: Courses). Returns how many were closed."""
    if module.quiz is None:
        return 0
    from course.learning.submission import close_open_attempts

    closed = close_open_attempts(module)
    module.quiz = None  # delete-orphan deletes it; attempts keep their snapshot of it
    db.session.flush()
    return closed


def _fixed_versions(course: Course, current: dict[str, dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Every fixed item's question version in the course's quizzes, by (id, version): the current
    ones from ``current``, the older ones in one query (not one per item)."""
    from course.bank.models import QuestionVersion

    wanted = {(item["question"], item["version"]) for m in course.modules if m.quiz is not None
              for item in m.quiz.items or [] if "question" in item}
    found = {key: current[key[0]] for key in wanted
             if key[0] in current and current[key[0]]["version"] == key[1]}
    older = wanted - found.keys()
    if older:
        rows = db.session.scalars(select(QuestionVersion).where(
            QuestionVersion.organisation_id == course.organisation_id,
            QuestionVersion.question_id.in_({qid for qid, _ in older})))
        for row in rows:
            if (row.question_id, row.version) in older:
                found[(row.question_id, row.version)] = _question_data(row)
    return found


def quiz_question_versions(
    course: Course, current: dict[str, dict[str, Any]] | None = None
) -> dict[int, list[dict[str, Any]]]:
    """Per module id: every question version its quiz can contain (fixed, then draw candidates)."""
    if current is None:
        current = bank_current_questions(course.organisation_id)
    out: dict[int, list[dict[str, Any]]] = {}
    pinned = _fixed_versions(course, current)
    for module in course.modules:
        found: list[dict[str, Any]] = []
        seen: set[tuple[str, int]] = set()
        items = module.quiz.items if module.quiz is not None else []
        fixed = {item["question"] for item in items if "question" in item}
        for item in items:
            if "question" in item:
                q = pinned.get((item["question"], item["version"]))
                versions = [q] if q is not None else []
            else:
                versions = [current[qid] for qid in draw_candidates(current, item["draw"]) if qid not in fixed]
            for q in versions:
                key = (q["id"], q["version"])
                if key not in seen:
                    seen.add(key)
                    found.append(q)
        out[module.id] = found
    return out


# --------------------------------------------------------------------------- uploads


def max_upload_bytes() -> int:
    """The size limit of an upload (config AUTHORING_MAX_UPLOAD_BYTES, default 2 MiB)."""
    return int(current_app.config.get("AUTHORING_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def add_upload(course: Course, *, filename: str, data: bytes, replace: bool = False) -> Upload:
    """Store an image for the course. PNG, JPEG, GIF or WebP by content, within the size limit.

    The name is reduced to a safe identifier with the extension of the type found.
    """
    limit = max_upload_bytes()
    if not data:
        raise AuthoringError("The file is empty.", "file")
    if len(data) > limit:
        raise AuthoringError(
            f"The file is {len(data):,} bytes; the limit is {limit:,} bytes.", "file"
        )
    content_type = sniff_image(data)
    if content_type is None:
        raise AuthoringError("Only PNG, JPEG, GIF or WebP images can be uploaded.", "file")
    stem, _, ext = (filename or "").rpartition(".")
    if not stem:
        stem = ext
    safe = slugify(stem, "image")
    ext = ext.lower() if f".{ext.lower()}" in IMAGE_TYPES[content_type] else IMAGE_TYPES[content_type][0][1:]
    name = f"{safe}.{ext}"
    existing = get_upload(course, name)
    if existing is not None:
        if not replace:
            raise ConflictError(f"This course already has a file called {name}.", "file")
        existing.data, existing.size, existing.content_type = data, len(data), content_type
        db.session.flush()
        return existing
    upload = Upload(filename=name, content_type=content_type, data=data, size=len(data))
    course.uploads.append(upload)
    db.session.flush()
    return upload


def get_upload(course: Course, filename: str) -> Upload | None:
    """The course's upload with this name, or None."""
    return db.session.scalar(
        select(Upload).where(Upload.course_id == course.id, Upload.filename == filename)
    )


def delete_upload(upload: Upload) -> None:
    """Delete an uploaded file."""
    upload.course.uploads.remove(upload)  # delete-orphan deletes it
    db.session.flush()


# --------------------------------------------------------------------------- coverage, moved

_COVERAGE_NAMES = frozenset({"Coverage", "CriterionCoverage", "FrameworkCoverage", "OutcomeCoverage",
                             "course_coverage"})


def __getattr__(name: str) -> Any:
    # The coverage matrix moved to course.authoring.coverage, which imports this module: looked up
    # on first use rather than imported here, so neither import waits on the other.
    if name in _COVERAGE_NAMES:
        from course.authoring import coverage

        return getattr(coverage, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
