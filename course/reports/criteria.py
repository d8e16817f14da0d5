"""A learner's criteria map: every criterion of the course's frameworks with the learner's state
and its reasons (course.evidence.status), and the same as rows for a download."""
from __future__ import annotations

from course.authoring.models import Course
from course.evidence.display import TABLE_HEADERS, LearnerRecord, learner_record, table_row
from course.models.users import User
from course.reports.export import Table


def criteria_map(course: Course, learner: User) -> LearnerRecord:
    """Every criterion of the course's frameworks with the learner's state and its reasons, as
    ``course.evidence.status`` decides them (the learner's own pages show the same)."""
    return learner_record(course, learner.id)


def criteria_table(course: Course, learner: User) -> Table:
    """The criteria map as rows: one per criterion, with its state, reasons and the decision behind it."""
    table = Table("Criteria", list(TABLE_HEADERS))
    table.rows = [table_row(line) for line in criteria_map(course, learner).lines]
    return table
