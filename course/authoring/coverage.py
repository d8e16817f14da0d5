"""The coverage matrix: every criterion of a course's frameworks against the quizzes that evidence it.

Only a summative quiz is evidence of knowledge (DESIGN.md, "One record of evidence"); a formative
quiz's questions are practice, listed apart so the matrix still shows where a criterion is taught
and tried. For each criterion the matrix counts the distinct items its summative pools hold - an
item is a question, or a scenario step whose own question evidences the criterion; a pool is a
quiz's fixed questions and every candidate of its draws - and warns when they are fewer than
``MIN_POOL_ITEMS`` or all steps of one scenario: a learner who retakes the quiz meets the same few
questions again, so a pass says less.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from course.authoring.models import Course
from course.authoring.quizzes import question_criteria, quiz_question_versions

__all__ = ["MIN_POOL_ITEMS", "Coverage", "CriterionCoverage", "FrameworkCoverage", "OutcomeCoverage",
           "course_coverage", "pool_items"]

MIN_POOL_ITEMS = 3


def pool_items(question: dict[str, Any], ref: str) -> list[tuple[str, str | None]]:
    """The items of one question that evidence ``ref``: (question id, None) for a question, or
    (scenario id, step id) for each step whose own question evidences it (a step without criteria of
    its own has the scenario's); a scenario whose steps do not but which itself does is one item."""
    if question.get("type") == "scenario":
        steps = [(question["id"], step["id"]) for step in question.get("steps") or []
                 if ref in ((step.get("question") or {}).get("criteria") or question.get("criteria") or [])]
        if steps:
            return steps
    return [(question["id"], None)] if ref in (question.get("criteria") or []) else []


@dataclass
class CriterionCoverage:
    """One row of the coverage matrix."""

    ref: str
    code: str
    kind: str
    text: str
    workplace: bool
    questions: list[tuple[str, int]] = field(default_factory=list)  # (id, version) in summative pools
    modules: list[str] = field(default_factory=list)  # slugs whose summative quiz can evidence it
    practice_questions: list[tuple[str, int]] = field(default_factory=list)  # in formative quizzes only
    practice_modules: list[str] = field(default_factory=list)  # slugs whose formative quiz can practise it
    items: list[tuple[str, str | None]] = field(default_factory=list)  # distinct summative pool items
    workplace_modules: list[str] = field(default_factory=list)  # slugs planning workplace evidence
    taught_by: list[str] = field(default_factory=list)  # slugs teaching its outcome
    # (module slug, expected fraction, reaches the bar) of a learner with no knowledge who uses
    # test-taking cues, on each quiz that can evidence the criterion (course.authoring.quality)
    testwise: list[tuple[str, float, bool]] = field(default_factory=list)

    @property
    def passable_without_knowledge(self) -> bool:
        """A summative quiz evidencing it lets a test-wise learner reach the criterion's bar."""
        return any(reaches for slug, _, reaches in self.testwise if slug in self.modules)

    @property
    def needs_question(self) -> bool:
        """A knowledge criterion: a quiz can evidence it."""
        return self.kind == "knowledge"

    @property
    def needs_workplace(self) -> bool:
        """A performance criterion, or one the unit says is assessed in the workplace."""
        return self.kind == "performance" or self.workplace

    @property
    def knowledge_gap(self) -> bool:
        """A knowledge criterion no summative quiz of the course evidences (practice does not count)."""
        return self.needs_question and not self.questions

    @property
    def practised_only(self) -> bool:
        """A knowledge gap that formative quizzes practise."""
        return self.knowledge_gap and bool(self.practice_questions)

    @property
    def single_scenario(self) -> str | None:
        """The scenario every summative pool item is a step of, if they are all one scenario's."""
        owners = {qid for qid, _ in self.items}
        if len(owners) == 1 and all(step is not None for _, step in self.items):
            return next(iter(owners))
        return None

    @property
    def pool_warning(self) -> str | None:
        """Why the summative pools of a knowledge criterion they evidence are too thin, or None."""
        if not self.needs_question or not self.questions:
            return None
        count = len(self.items)
        if count < MIN_POOL_ITEMS:
            return f"only {count} item{'s' if count != 1 else ''} in its summative pools (fewer than {MIN_POOL_ITEMS})"
        if self.single_scenario:
            return f"all {count} items in its summative pools are steps of one scenario ({self.single_scenario})"
        return None

    @property
    def unplanned(self) -> bool:
        """A performance/workplace criterion no module plans workplace evidence for."""
        return self.needs_workplace and not self.workplace_modules


@dataclass
class OutcomeCoverage:
    """An outcome's rows and counts."""

    ref: str
    code: str
    title: str
    kind: str
    criteria: list[CriterionCoverage] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """criteria, knowledge, with_questions (in summative quizzes), knowledge_gaps, practised_only,
        thin_pools, passable (a summative quiz lets a test-wise learner reach its bar), performance,
        planned, unplanned."""
        rows = self.criteria
        return {
            "criteria": len(rows),
            "knowledge": sum(r.needs_question for r in rows),
            "with_questions": sum(bool(r.questions) for r in rows),
            "knowledge_gaps": sum(r.knowledge_gap for r in rows),
            "practised_only": sum(r.practised_only for r in rows),
            "thin_pools": sum(r.pool_warning is not None for r in rows),
            "passable": sum(r.passable_without_knowledge for r in rows),
            "performance": sum(r.needs_workplace for r in rows),
            "planned": sum(r.needs_workplace and not r.unplanned for r in rows),
            "unplanned": sum(r.unplanned for r in rows),
        }


@dataclass
class FrameworkCoverage:
    """A framework's outcomes in the matrix."""

    code: str
    title: str
    kind: str
    outcomes: list[OutcomeCoverage] = field(default_factory=list)


@dataclass
class Coverage:
    """The coverage matrix of a course: rows by framework and outcome, module columns."""

    modules: list[tuple[str, str]]  # (slug, title) in course order
    frameworks: list[FrameworkCoverage]

    def rows(self) -> list[CriterionCoverage]:
        """Every criterion row, in framework order."""
        return [c for fw in self.frameworks for o in fw.outcomes for c in o.criteria]

    def row(self, ref: str) -> CriterionCoverage:
        """The row of one criterion (KeyError if the course's frameworks lack it)."""
        for r in self.rows():
            if r.ref == ref:
                return r
        raise KeyError(ref)

    @property
    def totals(self) -> dict[str, int]:
        """The outcome counts summed over the whole course."""
        total: dict[str, int] = {}
        for fw in self.frameworks:
            for o in fw.outcomes:
                for k, v in o.counts.items():
                    total[k] = total.get(k, 0) + v
        return total

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON of the matrix (for the API and tests)."""
        return {
            "modules": [{"slug": s, "title": t} for s, t in self.modules],
            "totals": self.totals,
            "frameworks": [
                {
                    "code": fw.code,
                    "title": fw.title,
                    "outcomes": [
                        {
                            "ref": o.ref,
                            "title": o.title,
                            "counts": o.counts,
                            "criteria": [
                                {
                                    "ref": c.ref,
                                    "kind": c.kind,
                                    "text": c.text,
                                    "workplace": c.workplace,
                                    "questions": [{"id": q, "version": v} for q, v in c.questions],
                                    "modules": c.modules,
                                    "practice_questions": [{"id": q, "version": v} for q, v in c.practice_questions],
                                    "practice_modules": c.practice_modules,
                                    "pool_items": len(c.items),
                                    "pool_warning": c.pool_warning,
                                    "workplace_modules": c.workplace_modules,
                                    "taught_by": c.taught_by,
                                    "knowledge_gap": c.knowledge_gap,
                                    "unplanned": c.unplanned,
                                    "testwise": [{"module": m, "expected": f, "reaches_bar": r}
                                                 for m, f, r in c.testwise],
                                    "passable_without_knowledge": c.passable_without_knowledge,
                                }
                                for c in o.criteria
                            ],
                        }
                        for o in fw.outcomes
                    ],
                }
                for fw in self.frameworks
            ],
        }


def _add(values: list, value: Any) -> None:
    if value not in values:
        values.append(value)


def course_coverage(course: Course) -> Coverage:
    """Every criterion of the course's frameworks against the questions and modules evidencing it.

    Questions: the versions the course's quizzes can contain (fixed items and the current
    versions in every draw's pool), counting scenario steps' own criteria; a summative quiz's are
    evidence (``questions``, ``modules``, ``items``), a formative quiz's practice
    (``practice_questions``, ``practice_modules``). For performance/workplace criteria also the
    modules that list them under ``workplace``.
    """
    versions = quiz_question_versions(course)
    by_ref: dict[str, CriterionCoverage] = {}
    frameworks: list[FrameworkCoverage] = []
    for fw in course.frameworks:
        fcov = FrameworkCoverage(code=fw.code, title=fw.title, kind=fw.kind)
        for o in fw.outcomes:
            ocov = OutcomeCoverage(ref=f"{fw.code}/{o.code}", code=o.code, title=o.title, kind=o.kind)
            for c in o.criteria:
                row = CriterionCoverage(
                    ref=f"{fw.code}/{c.code}", code=c.code, kind=c.kind, text=c.text, workplace=c.workplace
                )
                by_ref[row.ref] = row
                ocov.criteria.append(row)
            fcov.outcomes.append(ocov)
        frameworks.append(fcov)
    outcome_of = {row.ref: f"{row.ref.split('/')[0]}/{o.code}" for fw in frameworks for o in fw.outcomes for row in o.criteria}
    for module in course.modules:
        summative = module.quiz is not None and module.quiz.mode == "summative"
        for q in versions.get(module.id, []):
            for ref in question_criteria(q):
                row = by_ref.get(ref)
                if row is None:
                    continue
                if summative:
                    _add(row.questions, (q["id"], q["version"]))
                    _add(row.modules, module.slug)
                    for item in pool_items(q, ref):
                        _add(row.items, item)
                else:
                    _add(row.practice_questions, (q["id"], q["version"]))
                    _add(row.practice_modules, module.slug)
        for ref in module.workplace:
            row = by_ref.get(ref)
            if row is not None:
                _add(row.workplace_modules, module.slug)
        taught = set(module.outcomes)
        for ref, row in by_ref.items():
            if outcome_of[ref] in taught:
                row.taught_by.append(module.slug)
    for row in by_ref.values():
        row.questions.sort()
        row.practice_questions.sort()
        row.items.sort(key=lambda item: (item[0], item[1] or ""))
    return Coverage(modules=[(m.slug, m.title) for m in course.modules], frameworks=frameworks)


def add_testwise(coverage: Coverage, quality: Any) -> Coverage:
    """Put each quiz's per-criterion test-wise expectation (a ``CourseQuality`` report) on the rows.

    The bar is the quiz's per-criterion threshold, or its pass mark when it has none: a criterion
    whose bar a learner with no knowledge is expected to reach is not evidenced by that quiz.
    """
    rows = {row.ref: row for row in coverage.rows()}
    for quiz in quality.quizzes:
        if quiz.estimate is None:
            continue
        bar = quiz.pass_mark if quiz.criterion_threshold is None else quiz.criterion_threshold
        for ref, expected in quiz.estimate.testwise.criteria.items():
            row = rows.get(ref)
            if row is not None:
                row.testwise.append((quiz.module, expected, expected + 1e-9 >= bar))
    return coverage

