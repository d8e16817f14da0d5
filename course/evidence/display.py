"""How pages, downloads and the API lay out criterion states, all read from ``course.evidence.status``.

Nothing here decides a state: it groups the statuses ``learner_statuses`` returns by framework and
outcome, and turns one status into the cells and JSON the learner's pages, the tutor's criteria
map, its CSV/XLSX and the API all show, so the same words appear everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course, CourseFramework, Module
from course.evidence.status import (
    STATES,
    CourseCriterion,
    CriterionStatus,
    count_states,
    course_criteria,
    learner_statuses,
    quiz_can_show,
)
from course.extensions import db
from course.models.frameworks import Framework, Outcome

# The headers of the criteria download (CSV and XLSX), in order.
TABLE_HEADERS = ["framework", "outcome", "criterion", "kind", "workplace", "text", "state", "status", "achieved",
                 "reasons", "assessor", "decided on", "evidence", "IQA", "IQA reviewed on", "quiz attempts"]


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of the course with the learner's status."""

    criterion: CourseCriterion
    status: CriterionStatus

    @property
    def quiz_can_meet(self) -> bool:
        """Whether a summative quiz can show this criterion (a knowledge criterion not kept for work)."""
        return quiz_can_show(self.criterion.kind, self.criterion.workplace)


@dataclass
class OutcomeLines:
    """An outcome's criteria."""

    code: str
    title: str
    lines: list[CriterionLine] = field(default_factory=list)


@dataclass
class FrameworkLines:
    """A framework's criteria, by outcome."""

    code: str
    title: str
    outcomes: list[OutcomeLines] = field(default_factory=list)


@dataclass
class LearnerRecord:
    """Every criterion of a course for one learner, grouped, with the count in each state."""

    frameworks: list[FrameworkLines]
    counts: dict[str, int]

    @property
    def lines(self) -> list[CriterionLine]:
        return [line for fw in self.frameworks for o in fw.outcomes for line in o.lines]

    @property
    def by_ref(self) -> dict[str, CriterionLine]:
        return {line.criterion.ref: line for line in self.lines}


def learner_record(course: Course, learner_id: int) -> LearnerRecord:
    """The learner's criteria of the course by framework and outcome (a fixed number of queries)."""
    statuses = learner_statuses(course, learner_id)
    criteria = course_criteria(course)
    titles: dict[tuple[str, str], str] = {}
    fw_titles: dict[str, str] = {}
    for fw_code, fw_title, outcome_code, outcome_title in db.session.execute(
        select(Framework.code, Framework.title, Outcome.code, Outcome.title)
        .join(CourseFramework, CourseFramework.framework_id == Framework.id)
        .join(Outcome, Outcome.framework_id == Framework.id)
        .where(CourseFramework.course_id == course.id)
    ).all():
        fw_titles[fw_code] = fw_title
        titles[(fw_code, outcome_code)] = outcome_title
    frameworks: list[FrameworkLines] = []
    for c in criteria:
        if not frameworks or frameworks[-1].code != c.framework:
            frameworks.append(FrameworkLines(c.framework, fw_titles.get(c.framework, "")))
        fw = frameworks[-1]
        if not fw.outcomes or fw.outcomes[-1].code != c.outcome:
            fw.outcomes.append(OutcomeLines(c.outcome, titles.get((c.framework, c.outcome), "")))
        fw.outcomes[-1].lines.append(CriterionLine(c, statuses[c.ref]))
    return LearnerRecord(frameworks, count_states(statuses.values()))


def counts_sentence(counts: dict[str, int]) -> str:
    """"2 Met, 1 Knowledge shown, 5 Not started": the states with any criteria, in STATES order."""
    parts = [f"{n} {STATES[state]}" for state, n in counts.items() if n]
    return ", ".join(parts) if parts else "No criteria"


def module_refs(module: Module, record: LearnerRecord, quizzed: set[str] = frozenset()) -> list[str]:
    """The criteria a module teaches: those of its outcomes, the workplace criteria it prepares
    for, and any its quiz results named (``quizzed``), in the course's framework order."""
    outcomes = set(module.outcomes or [])
    wanted = set(module.workplace or []) | set(quizzed)
    return [line.criterion.ref for line in record.lines
            if f"{line.criterion.framework}/{line.criterion.outcome}" in outcomes or line.criterion.ref in wanted]


def _date(value: Any) -> str | None:
    return value.date().isoformat() if value is not None else None


def table_row(line: CriterionLine) -> list[Any]:
    """One row of the criteria download (TABLE_HEADERS)."""
    c, s = line.criterion, line.status
    d = s.decision
    return [c.framework, c.outcome, c.ref, c.kind, c.workplace, c.text, s.state, s.label, s.achieved,
            " ".join(s.reasons), d.assessor if d else None, _date(d.decided_at) if d else None,
            d.evidence_title if d else None, d.review_by if d and d.review_outcome else None,
            _date(d.reviewed_at) if d and d.review_outcome else None,
            "; ".join(f"{q.module_title} attempt {q.attempt_number}" for q in s.quiz) or None]


def line_json(line: CriterionLine) -> dict[str, Any]:
    """The API's form of one criterion: the status function's ``as_dict`` and what the criterion is."""
    c = line.criterion
    return {**line.status.as_dict(), "framework": c.framework, "outcome": c.outcome, "code": c.code,
            "text": c.text, "kind": c.kind, "workplace": c.workplace, "quiz_can_meet": line.quiz_can_meet}
