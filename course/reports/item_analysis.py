"""Item analysis of a module's quiz: facility, discrimination, option frequencies and flags per
question (course.reports.statistics), over each learner's first finished attempt or all of them."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, and_, cast, func, select

from course.authoring.models import Course, Module
from course.bank.models import QuestionVersion
from course.extensions import db
from course.learning.models import AnswerMark, Attempt
from course.reports import statistics
from course.reports.export import Table
from course.reports.structure import structure

CHOICE_TYPES = ("single_choice", "multiple_response", "true_false")


@dataclass
class OptionCount:
    """How often one option of a choice question was chosen."""

    id: str
    text: str
    correct: bool
    count: int


@dataclass
class ItemRow:
    """One question of a quiz with its statistics."""

    question_id: str
    title: str
    type: str
    max_score: float
    stats: statistics.ItemStatistics
    options: list[OptionCount]
    no_answer: int


@dataclass
class ItemReport:
    """Item analysis of one module's quiz."""

    module: Module
    which: str
    attempts: int
    items: list[ItemRow]


def _analysed_attempts(module: Module, which: str) -> Any:
    """The attempts to analyse: each learner's first finished attempt, or every finished one."""
    if which == "all":
        return select(Attempt.id, Attempt.score).where(Attempt.module_id == module.id, Attempt.status == "finished")
    first = (
        select(Attempt.user_id, func.min(Attempt.number).label("number"))
        .where(Attempt.module_id == module.id, Attempt.status == "finished")
        .group_by(Attempt.user_id).subquery()
    )
    return (
        select(Attempt.id, Attempt.score)
        .join(first, and_(Attempt.user_id == first.c.user_id, Attempt.number == first.c.number))
        .where(Attempt.module_id == module.id)
    )


def item_analysis(module: Module, *, which: str = "first") -> ItemReport:
    """Facility, discrimination, option frequencies and flags per question of the module's quiz.

    ``which`` is "first" (each learner's first finished attempt, Moodle's default) or "all".
    Items are grouped by question (drawn questions are analysed wherever they were drawn).
    """
    which = "all" if which == "all" else "first"
    analysed = _analysed_attempts(module, which).subquery()
    n_attempts = db.session.scalar(select(func.count()).select_from(analysed)) or 0
    t = analysed.c.score
    x = AnswerMark.score
    sums = db.session.execute(
        select(AnswerMark.question_id, func.min(AnswerMark.position), func.count(), func.sum(x), func.sum(x * x),
               func.sum(t), func.sum(t * t), func.sum(x * t), func.max(AnswerMark.max_score))
        .join(analysed, AnswerMark.attempt_id == analysed.c.id)
        .group_by(AnswerMark.question_id)
        .order_by(func.min(AnswerMark.position), AnswerMark.question_id)
    ).all()
    qids = [r[0] for r in sums]
    questions: dict[str, QuestionVersion] = {}
    if qids:
        for qv in db.session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.organisation_id == module.course.organisation_id, QuestionVersion.question_id.in_(qids))
            .order_by(QuestionVersion.version)
        ):
            questions[qv.question_id] = qv  # the latest version
    choice_ids = [q for q in qids if q in questions and questions[q].type in CHOICE_TYPES]
    answers: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    if choice_ids:
        response_text = cast(AnswerMark.response, Text)
        for qid, text, count in db.session.execute(
            select(AnswerMark.question_id, response_text, func.count())
            .join(analysed, AnswerMark.attempt_id == analysed.c.id)
            .where(AnswerMark.question_id.in_(choice_ids))
            .group_by(AnswerMark.question_id, response_text)
        ).all():
            try:
                value = None if text is None else json.loads(text)
            except ValueError:
                value = text
            answers[qid].append((value, int(count)))
    items = []
    for qid, _pos, n, sx, sxx, st_, stt, sxt, max_score in sums:
        s = statistics.ItemSums(int(n), float(sx or 0), float(sxx or 0), float(st_ or 0), float(stt or 0),
                                float(sxt or 0), float(max_score or 0))
        qv = questions.get(qid)
        data = qv.data if qv is not None else {}
        options: list[OptionCount] = []
        no_answer = 0
        if qid in answers:
            if data.get("type") == "true_false":
                defined = [("true", "True", data.get("answer") is True), ("false", "False", data.get("answer") is False)]
            else:
                defined = [(o["id"], o.get("text", o["id"]), bool(o.get("correct"))) for o in data.get("options", [])]
            freq = statistics.option_frequencies(answers[qid], [d[0] for d in defined])
            known = {d[0] for d in defined}
            options = [OptionCount(oid, text, correct, freq.get(oid, 0)) for oid, text, correct in defined]
            options += [OptionCount(k, k, False, v) for k, v in freq.items() if k and k not in known]
            no_answer = freq.get("", 0)
        items.append(ItemRow(qid, qv.title if qv else qid, qv.type if qv else "", s.max_score,
                             statistics.item_statistics(s), options, no_answer))
    return ItemReport(module, which, int(n_attempts), items)


def items_tables(course: Course, *, which: str = "first", module: Module | None = None) -> list[Table]:
    """Item analysis of each module's quiz (or one) as rows: statistics, then option frequencies."""
    st = structure(course)
    modules = [module] if module is not None else [m for m in st.modules if m.quiz is not None]
    stats = Table("Items", ["module", "question", "title", "type", "attempts analysed", "facility",
                            "discrimination", "flags", "max score", "which attempts"])
    opts = Table("Options", ["module", "question", "option", "text", "correct", "chosen"])
    for m in modules:
        report = item_analysis(m, which=which)
        for item in report.items:
            stats.rows.append([m.slug, item.question_id, item.title, item.type, item.stats.n,
                               None if item.stats.facility is None else round(item.stats.facility, 4),
                               None if item.stats.discrimination is None else round(item.stats.discrimination, 4),
                               "; ".join(item.stats.flags), item.max_score, report.which])
            for o in item.options:
                opts.rows.append([m.slug, item.question_id, o.id, o.text, o.correct, o.count])
            if item.options:
                opts.rows.append([m.slug, item.question_id, "", "no answer", False, item.no_answer])
    return [stats, opts]
