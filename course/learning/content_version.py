"""``Course.content_version``: one number that changes whenever what the player shows changes.

After every flush that adds, changes or deletes a course, one of its modules or pages, the link to
a framework, or a framework, outcome or criterion the course uses, the courses concerned get
``content_version = content_version + 1`` in the same transaction. The increment is done in SQL,
so two processes editing at once never produce the same number twice, and any cache keyed by
``(course id, content_version)`` (course/learning/player_cache.py) is right on every node as long as
it reads the number from the database.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from course.authoring.models import Course, CourseFramework, Module, Page
from course.models.frameworks import Criterion, Framework, Outcome

# Course columns that do not change what a learner's player shows: editing them bumps nothing.
_COURSE_IGNORED = {"content_version", "updated_at", "block_export_on_findings", "require_signed_mappings"}


def _changed(session: Session, obj: Any) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    return session.is_modified(obj, include_collections=False)


def _course_changed(session: Session, course: Course) -> bool:
    if course in session.new or course in session.deleted:
        return False  # a new course starts at 1; a deleted one needs no version
    from sqlalchemy import inspect

    state = inspect(course)
    return any(attr.key not in _COURSE_IGNORED and attr.history.has_changes() for attr in state.attrs
               if attr.key in state.mapper.column_attrs)


def _affected(session: Session) -> tuple[set[int], set[int], set[int]]:
    """(course ids, module ids, framework ids) touched by this flush."""
    courses: set[int] = set()
    modules: set[int] = set()
    frameworks: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Course):
            if obj.id is not None and _course_changed(session, obj):
                courses.add(obj.id)
        elif isinstance(obj, (Module, CourseFramework)):
            if _changed(session, obj) and obj.course_id is not None:
                courses.add(obj.course_id)
        elif isinstance(obj, Page):
            if _changed(session, obj) and obj.module_id is not None:
                modules.add(obj.module_id)
        elif isinstance(obj, (Framework, Outcome, Criterion)):
            framework_id = obj.id if isinstance(obj, Framework) else obj.framework_id
            if _changed(session, obj) and framework_id is not None:
                frameworks.add(framework_id)
    return courses, modules, frameworks


@event.listens_for(Session, "after_flush")
def _bump_content_versions(session: Session, flush_context: Any) -> None:
    courses, modules, frameworks = _affected(session)
    if not (courses or modules or frameworks):
        return
    table = Course.__table__
    where = table.c.id.in_(sorted(courses))
    if modules:
        where = where | table.c.id.in_(select(Module.__table__.c.course_id).where(Module.__table__.c.id.in_(modules)))
    if frameworks:
        link = CourseFramework.__table__
        where = where | table.c.id.in_(select(link.c.course_id).where(link.c.framework_id.in_(frameworks)))
    session.connection().execute(update(table).where(where).values(content_version=table.c.content_version + 1))
    # Loaded courses read their new number on next access.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Course):
            session.info.setdefault("content_version_stale", set()).add(obj)


@event.listens_for(Session, "after_flush_postexec")
def _expire_stale(session: Session, flush_context: Any) -> None:
    for obj in session.info.pop("content_version_stale", ()):
        if obj in session:
            session.expire(obj, ["content_version"])
