"""What a course's quizzes really measure, before anyone sits them.

One report over the course document, used by the quiz pages, the coverage matrix, the SCORM
export's check step and ``carecourse check-course``:

- item-quality findings (``question_bank.quality``) for every question version each quiz can
  contain, and the across-the-quiz checks (true/false balance, key positions);
- the test-wise score (``question_bank.testwise``): what a learner with no knowledge earns by
  guessing, and by guessing with the test-taking cues, against the pass mark;
- each module's estimated learning time against its target (``course.authoring.estimates``).

It works on the course document (``course.authoring.document.export_course``), so it sees exactly
what a SCORM package would carry.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from course.authoring.estimates import ModuleEstimate, course_estimates
from question_bank.quality import CHECKS, SEVERITIES, Finding, check_all
from question_bank.testwise import QuizEstimate, estimate_quiz
from scorm_export.checks import Problem
from scorm_export.document import module_question_versions

__all__ = ["CourseQuality", "QuizQuality", "course_quality", "document_quality", "quality_problems"]

# Seeded assemblies a quiz with random draws is averaged over. Each is computed exactly (with the
# per-criterion rule, a joint distribution), so the cost grows with this number: 60 keep the
# shipped course's whole report near a second of CPU (tests/benchmarks/test_quality_report_speed.py)
# while the mean of a quiz's expected mark moves by well under a percentage point between seeds.
DRAW_SAMPLES = 60


@dataclass
class QuizQuality:
    """One module's quiz: its findings (in question order) and its test-wise estimate."""

    module: str
    module_title: str
    title: str
    pass_mark: float
    criterion_threshold: float | None
    attempts: int
    mode: str
    question_ids: list[str]
    findings: list[Finding] = field(default_factory=list)
    estimate: QuizEstimate | None = None
    estimate_error: str | None = None

    @property
    def passable_without_knowledge(self) -> bool:
        """A learner with no knowledge who uses the cues is expected to reach the pass rule."""
        return self.estimate is not None and self.estimate.testwise.reaches_pass_mark

    def findings_by_question(self) -> list[tuple[str, list[Finding]]]:
        """(question id, its findings) in quiz order; findings about the whole quiz under ""."""
        grouped: dict[str, list[Finding]] = {}
        for f in self.findings:
            grouped.setdefault(f.question, []).append(f)
        order = [qid for qid in self.question_ids if qid in grouped]
        order += [qid for qid in grouped if qid not in order]
        return [(qid, grouped[qid]) for qid in order]

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (0 when none)."""
        found = Counter(f.severity for f in self.findings)
        return {s: found.get(s, 0) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "module_title": self.module_title,
            "title": self.title,
            "mode": self.mode,
            "pass_mark": self.pass_mark,
            "criterion_threshold": self.criterion_threshold,
            "attempts": self.attempts,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "testwise": None if self.estimate is None else self.estimate.to_dict(),
            "testwise_error": self.estimate_error,
            "passable_without_knowledge": self.passable_without_knowledge,
        }


@dataclass
class CourseQuality:
    """Every quiz of a course, and the course's findings counted once per question."""

    course: str
    quizzes: list[QuizQuality]
    estimates: list[ModuleEstimate] = field(default_factory=list)  # every module's time against target

    def findings(self) -> list[Finding]:
        """Every finding once (a question in two quizzes is reported once; quiz-wide ones per quiz)."""
        seen: set[tuple[str, str, str, str]] = set()
        out: list[Finding] = []
        for quiz in self.quizzes:
            for f in quiz.findings:
                key = (f.question, f.code, f.field, f.message)
                if key not in seen:
                    seen.add(key)
                    out.append(f)
        return out

    def counts_by_code(self) -> dict[str, int]:
        """Findings per check, in the checks' order; checks with none are left out."""
        found = Counter(f.code for f in self.findings())
        return {code: found[code] for code in CHECKS if found.get(code)}

    def counts_by_severity(self) -> dict[str, int]:
        found = Counter(f.severity for f in self.findings())
        return {s: found.get(s, 0) for s in SEVERITIES}

    @property
    def severe(self) -> bool:
        """Anything the quality gate blocks on: an error finding or a quiz passable without knowledge."""
        return self.counts_by_severity()["error"] > 0 or any(q.passable_without_knowledge for q in self.quizzes)

    def quiz(self, module_slug: str) -> QuizQuality | None:
        return next((q for q in self.quizzes if q.module == module_slug), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "course": self.course,
            "counts": {"by_severity": self.counts_by_severity(), "by_code": self.counts_by_code()},
            "passable_without_knowledge": [q.module for q in self.quizzes if q.passable_without_knowledge],
            "quizzes": [q.to_dict() for q in self.quizzes],
            "estimates": [
                {"module": e.slug, "pages_minutes": round(e.pages_minutes, 1), "quiz_minutes": round(e.quiz_minutes, 1),
                 "total_minutes": round(e.total_minutes, 1), "target_minutes": e.target_minutes, "flag": e.flag}
                for e in self.estimates
            ],
        }


def _quiz_quality(document: dict, module: dict) -> QuizQuality:
    quiz = module["quiz"]
    questions = module_question_versions(document, module)
    shuffled = bool(quiz.get("shuffle_options"))
    report = QuizQuality(
        module=module["slug"],
        module_title=module.get("title", module["slug"]),
        title=quiz.get("title", ""),
        pass_mark=quiz.get("pass_mark", 0.8),
        criterion_threshold=quiz.get("criterion_threshold"),
        attempts=quiz.get("attempts", 0),
        mode=quiz.get("mode", "formative"),
        question_ids=[q["id"] for q in questions],
        findings=check_all(questions, options_shuffled=shuffled),
    )
    try:
        report.estimate = estimate_quiz(quiz, questions, options_shuffled=shuffled, samples=DRAW_SAMPLES)
    except ValueError as exc:
        report.estimate_error = str(exc)
    return report


def document_quality(document: dict, *, module: str | None = None) -> CourseQuality:
    """The quality report of a course document (its modules with a quiz, in course order);
    with ``module``, of that module's quiz alone (what its quiz page needs)."""
    modules = [m for m in document.get("modules", []) if module is None or m.get("slug") == module]
    return CourseQuality(
        course=(document.get("course") or {}).get("slug", ""),
        quizzes=[_quiz_quality(document, m) for m in modules if m.get("quiz")],
        estimates=course_estimates({**document, "modules": modules}),
    )


def course_quality(course: Any, *, module: str | None = None) -> CourseQuality:
    """The quality report of a stored course, over the document a SCORM export would carry."""
    from course.authoring.document import export_course

    return document_quality(export_course(course), module=module)


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def testwise_sentence(quiz: QuizQuality) -> str:
    """One plain sentence on what a learner with no knowledge can expect from this quiz."""
    if quiz.estimate is None:
        return f"The test-wise score could not be worked out: {quiz.estimate_error}"
    tw, guess = quiz.estimate.testwise, quiz.estimate.guess
    return (f"A learner with no knowledge who uses test-taking cues is expected to score {_percent(tw.expected)} "
            f"of the auto-marked marks (pass mark {_percent(quiz.pass_mark)}) and passes one attempt with "
            f"probability {_percent(tw.pass_probability)}; guessing alone is expected to score "
            f"{_percent(guess.expected)}.")


def quality_problems(report: CourseQuality, *, block: bool) -> list[Problem]:
    """The report as SCORM check problems: warnings, or errors for severe ones when ``block``."""
    problems: list[Problem] = []
    for quiz in report.quizzes:
        where = f"quiz {quiz.module}"
        if quiz.passable_without_knowledge:
            problems.append(Problem(
                where, f"module {quiz.module_title!r}: passable without knowledge. {testwise_sentence(quiz)}",
                severity="error" if block else "warning", module=quiz.module, page="quiz"))
        for f in quiz.findings:
            if f.severity == "info":
                continue  # notes (a missing feedback text) belong on the quiz page, not in a download check
            severe = f.severity == "error"
            subject = f"question {f.question!r}" if f.question else "the quiz"
            problems.append(Problem(
                where, f"module {quiz.module_title!r}, {subject}: {f.message} [{f.code}; {f.guideline}]",
                severity="error" if block and severe else "warning", module=quiz.module, page="quiz"))
    return problems


def findings_counts_line(findings: Iterable[Finding]) -> str:
    """ "3 errors, 5 warnings, 1 note" for a list of findings."""
    found = Counter(f.severity for f in findings)
    names = {"error": "error", "warning": "warning", "info": "note"}
    parts = [f"{found[s]} {names[s]}{'' if found[s] == 1 else 's'}" for s in SEVERITIES if found.get(s)]
    return ", ".join(parts) or "no findings"
