"""The quiz builder's look-ups: how many bank questions a draw matches (for the live count and the
draws already in a quiz), and the search of the bank for a fixed question. Nothing here writes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from course.authoring.common import AuthoringError
from course.authoring.models import Module
from course.authoring.quizzes import DrawAvailability, bank_current_questions, draw_availability
from course.authoring.service import course_criteria
from question_bank.limits import TAG_CHARS

DRAW_COUNT_MAX = 200  # as the draw form allows
CRITERION_REF_CHARS = 200  # FRAMEWORK/CODE; longer is no criterion of any framework
SEARCH_TEXT_CHARS = 200
BANK_PAGE_SIZE = 20


# --------------------------------------------------------------------------- draw counts


def plural(n: int, word: str) -> str:
    """``1 question``, ``3 questions``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def availability_sentence(a: DrawAvailability) -> str:
    """What the tutor reads beside a draw: how many questions match, and how many it can draw."""
    verb = "matches" if a.matches == 1 else "match"
    text = f"{plural(a.matches, 'question')} in your bank {verb} this draw."
    if a.short:
        text += (f" Fewer than it asks for: it asks for {a.count} but only {a.available} can be drawn"
                 + (" once the quiz's fixed questions and the draws above it have taken theirs." if a.available < a.matches
                    else "."))
    elif a.available < a.matches:
        text += f" {a.available} of them can be drawn here (the rest are fixed questions of this quiz or taken by the draws above)."
    return text


def draw_availabilities(module: Module, current: dict[str, dict[str, Any]] | None = None) -> list[DrawAvailability | None]:
    """Per item of the module's quiz: what its draw can take (None for a fixed question).
    ``current``: the bank's current questions by id, when the caller has them."""
    if module.quiz is None:
        return []
    if current is None:
        current = bank_current_questions(module.course.organisation_id)
    return draw_availability(module.quiz.items or [], current)


def parse_draw(module: Module, criterion: str, tag: str, count: str) -> dict[str, Any]:
    """A draw as the builder's form or live count sends it, checked: {count, criterion | tag}.

    AuthoringError names the field at fault (``criterion``, ``tag`` or ``count``)."""
    criterion = (criterion or "").strip()
    tag = (tag or "").strip()
    if len(criterion) > CRITERION_REF_CHARS:
        raise AuthoringError(f"A criterion reference has at most {CRITERION_REF_CHARS} characters.", "criterion")
    if len(tag) > TAG_CHARS:
        raise AuthoringError(f"A tag has at most {TAG_CHARS} characters.", "tag")
    if bool(criterion) == bool(tag):
        raise AuthoringError("Choose a criterion or enter a tag (one of the two).", "criterion")
    if criterion and criterion not in course_criteria(module.course):
        raise AuthoringError(f"{criterion} is not a criterion of this course's frameworks.", "criterion")
    text = (count or "1").strip()
    if not text.isdigit() or len(text) > 4 or not 1 <= int(text) <= DRAW_COUNT_MAX:
        raise AuthoringError(f"Enter a whole number of questions from 1 to {DRAW_COUNT_MAX}.", "count")
    return {"count": int(text), **({"criterion": criterion} if criterion else {"tag": tag})}


def new_draw_availability(module: Module, draw: dict[str, Any]) -> DrawAvailability:
    """What ``draw`` could take if it were added at the end of the module's quiz."""
    current = bank_current_questions(module.course.organisation_id)
    items = list(module.quiz.items or []) if module.quiz is not None else []
    availability = draw_availability([*items, {"draw": draw}], current)[-1]
    assert availability is not None
    return availability


def check_enough(module: Module, draw: dict[str, Any]) -> None:
    """AuthoringError on ``count``, in the live count's words, when ``draw`` added now could take
    fewer questions than it asks for (``quizzes.add_draw`` refuses the same draws)."""
    found = new_draw_availability(module, draw)
    if not found.short:
        return
    what = f"evidencing {draw['criterion']}" if "criterion" in draw else f"tagged “{draw['tag']}”"
    others = found.matches - found.available
    raise AuthoringError(
        f"Only {plural(found.available, 'question')} {what} can be drawn, and this draw asks for {found.count}"
        + (f" ({others} more {'is a fixed question' if others == 1 else 'are fixed questions'} of this quiz or "
           "may be taken by the draws above)" if others else "")
        + ": ask for fewer, or add questions to your bank.", "count")


# --------------------------------------------------------------------------- the bank search


@dataclass
class BankSearch:
    """One page of the bank's questions that a fixed item can be: current, mapped to a criterion."""

    filters: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when none)."""
        return (self.page - 1) * BANK_PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based position of the last row shown."""
        return self.first + len(self.rows) - 1 if self.rows else 0


SEARCH_KEYS = ("q", "type", "criterion", "tag", "finding")


def search_filters(args: Any) -> dict[str, str]:
    """The search's filters from request arguments, bounded; an unknown type or finding is dropped."""
    from course.questions import spec
    from course.questions.service import FINDING_FILTERS
    from question_bank.quality import CHECKS

    filters = {key: str(args.get(key, "")).replace("\x00", "").strip()[:SEARCH_TEXT_CHARS] for key in SEARCH_KEYS}
    if filters["type"] not in spec.TYPE_LABELS:
        filters["type"] = ""
    if filters["finding"] not in FINDING_FILTERS and filters["finding"] not in CHECKS:
        filters["finding"] = ""
    return filters


def search_bank(organisation_id: int, filters: dict[str, str], page: Any = 1) -> BankSearch:
    """Page ``page`` (clamped to the pages there are) of the bank's current, mapped questions that
    match every filter: text (in title, id or stem), type, criterion (its own, as draws match), tag,
    and an item-writing finding ("any", "error" or a check's code)."""
    from course.questions.service import find_questions, has_finding, rows_findings

    rows = [r for r in find_questions(organisation_id, type_name=filters["type"], criterion=filters["criterion"],
                                      tag=filters["tag"], text=filters["q"]) if r.criteria]
    if filters["finding"]:
        findings = rows_findings(rows)
        rows = [r for r in rows if has_finding(findings[r.question_id], filters["finding"])]
    total = len(rows)
    pages = max(1, -(-total // BANK_PAGE_SIZE))
    try:
        number = min(max(int(str(page)[:6]), 1), pages)
    except ValueError:
        number = 1
    shown = rows[(number - 1) * BANK_PAGE_SIZE:number * BANK_PAGE_SIZE]
    return BankSearch(
        filters=filters, total=total, page=number, pages=pages,
        rows=[dict(r.data, id=r.question_id, version=r.version, criteria=list(r.criteria)) for r in shown],
    )
