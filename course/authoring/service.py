"""Authoring operations on courses, modules and pages, and the framework lookups they use.

Quizzes are in ``course.authoring.quizzes``, uploads in ``course.authoring.uploads``, the coverage
matrix in ``course.authoring.coverage``, the errors and checks all of them share in
``course.authoring.common``. Every function flushes and never commits: the caller (a view, a
command, an API endpoint) commits once, or rolls back so that nothing is stored.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from course.authoring.common import (
    AuthoringError,
    ConflictError,
    _check_chars,
    _check_room,
    _check_slug,
    _check_title,
    _resolve_frameworks,
    _unique_slug,
    check_version,
    slugify,
)
from course.authoring.models import Course, CourseFramework, Module, Page
from course.extensions import db
from course.models.frameworks import Criterion, Framework, Outcome
from course.models.users import Organisation, User
from question_bank import limits
from question_bank.limits import too_many

NOS_DEFAULT_MINUTES = 60


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
    require_signed_mappings: bool | None = None,
    assessment_retention_years: int | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Course:
    """Change the course's title, slug, description, language or quality gates (None: unchanged).

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
    if require_signed_mappings is not None:
        course.require_signed_mappings = bool(require_signed_mappings)
    if assessment_retention_years is not None:
        if isinstance(assessment_retention_years, bool) or not isinstance(assessment_retention_years, int) \
                or not 0 <= assessment_retention_years <= 40:
            raise AuthoringError("Enter a whole number of years, 0 to 40.", "assessment_retention_years")
        course.assessment_retention_years = assessment_retention_years
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

    QCF and RQF outcomes: their share of the unit's GLH (``glh_split``); NOS sections and modules
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
        if fw.kind in ("qcf", "rqf") and fw.glh is not None:  # units with learning outcomes
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


