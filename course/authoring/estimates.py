"""Estimated learning time of pages, questions, quizzes and modules, from course-document dicts.

Pure functions over the JSON of docs/formats.md (a page, a question, a quiz, a module, a whole
course document): no Flask, no database, so the course page, the CLI and export checks can all
use them. Minutes are floats throughout; ``whole_minutes`` rounds them for display only.

How an estimate is made
-----------------------
- A **page** is its title and the plain text of its Markdown body, read at ``READING_WPM``,
  plus ``IMAGE_SECONDS`` for each image it shows.
- A **question** is the words a learner reads (stem, options, premises and responses, items,
  dropdown choices), plus the feedback they read once after checking (the feedback a correct
  answer earns and the general feedback; a wrong answer's feedback is about as long, since every
  option carries some), all at ``READING_WPM``, plus an answering time for its kind
  (``ANSWER_SECONDS``, counted per option, premise, item or gap where the kind says so).
- An **essay** is its stem read plus its expected length written at ``WRITING_WPM``: the middle
  of the range ``min_words``..``word_limit``; with no upper limit, ``ESSAY_DEFAULT_WORDS`` or
  ``min_words`` if that is more.
- A **scenario** is its case (person, setting, situation), stem and general feedback read, plus
  its steps along the **longest path** through the branches (each step as the question it
  holds). The longest path, not the mean over paths: paths are not equally likely, so a plain
  mean is not the expected time either, and a learner who takes the long way must still have
  the time the estimate promises (it is what a quiz time limit has to allow).
- A **quiz** is its fixed items plus, for each draw, ``count`` times the mean estimate of the
  draw's candidates (current versions carrying the criterion or tag, fixed items excluded, as
  ``question_bank.draw`` picks them).
- A **module** is its pages plus its quiz. Its flag compares the estimate with its target
  minutes: ``"target-over-twice"`` when the target is more than twice the estimate,
  ``"target-under-estimate"`` when the estimate is more than the target.

A question that cannot be estimated (an unknown type, a missing key, a text that is not a
string, a branch cycle) counts ``DEFAULT_QUESTION_MINUTES`` and the estimate carries on.

The rates (README, "Estimated learning time", has the same table)
-----------------------------------------------------------------
======================  ===========  ===========================================================
what                    value        source and reasoning
======================  ===========  ===========================================================
reading                 175 wpm      Brysbaert (2019), "How many words do we read per minute? A
                                     review and meta-analysis of reading rate", Journal of Memory
                                     and Language 109: adults read English non-fiction silently at
                                     238 wpm on average, most between 175 and 300, and readers in a
                                     second language, older readers and poorer readers are slower.
                                     Many care workers read English as an additional language,
                                     read on a phone, and must understand (not skim) to answer, so
                                     we plan at the bottom of the usual range, not the mean.
image                   12 s each    Medium's read-time rule ("Read time and you", Medium blog,
                                     2014): 12 s for an article's first image. Every image in a
                                     course page is a diagram or photo to study, so each counts 12.
writing (essay)         14 wpm       Karat, Halverson, Horn and Karat (1999), "Patterns of entry and
                                     correction in large vocabulary continuous speech recognition
                                     systems", CHI '99: average computer users composed text at a
                                     keyboard at 19.0 wpm (and transcribed at 32.5). Scaled by the
                                     same 175/238 we apply to reading (19.0 x 0.735 = 14.0), for
                                     the same learners, often typing on a phone, in a second
                                     language.
single choice           30 s         Guides allow about 60 s for a multiple-choice item, reading
                                     included (Lansing Community College, Center for Teaching
                                     Excellence, "Tips on constructing tests"); candidates measured
                                     54 s per 4-option item (Measurement Research Associates, Test
                                     Insights, October 2009). A shipped item takes about 30 s to
                                     read at 175 wpm, leaving 30 s to decide.
multiple response       10 s/option  no published figure: each option is a true-or-false judgement on
                                     a short statement, the stem already read (counted above), so a
                                     third of the guide's 30 s for a true/false item (below)
true/false              20 s         the same guide allows 30 s a true/false item, reading included
matching                20 s/premise the same guide allows 30-60 s a matching premise, reading
                                     included
ordering                15 s/item    no published figure: like a matching premise, but each item is
                                     placed against its neighbours rather than chosen from a list
short answer            30 s/gap     the same guide allows 30-50 s a fill-in gap, reading included
numeric                 60 s         no published figure: one calculation (a dose, a fluid total)
essay                   writing      as a check: the same guide allows 15 min an essay; 190 words
                                     (the middle of the shipped 80-300) take 13.6 min at 14 wpm
malformed question      1 min        the usual "a minute a question" rule of thumb
======================  ===========  ===========================================================
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from question_bank.text import render_markdown, sanitize_html

__all__ = [
    "ANSWER_SECONDS",
    "DEFAULT_QUESTION_MINUTES",
    "ESSAY_DEFAULT_WORDS",
    "FLAG_MESSAGES",
    "IMAGE_SECONDS",
    "READING_WPM",
    "WRITING_WPM",
    "ModuleEstimate",
    "course_estimates",
    "module_estimate",
    "page_minutes",
    "question_minutes",
    "quiz_minutes",
    "text_measure",
    "whole_minutes",
]

READING_WPM = 175.0
IMAGE_SECONDS = 12.0
WRITING_WPM = 14.0
ESSAY_DEFAULT_WORDS = 150
DEFAULT_QUESTION_MINUTES = 1.0

# Seconds to decide and answer, beyond reading: per question, or per option/premise/item/gap.
ANSWER_SECONDS: dict[str, float] = {
    "single_choice": 30.0,
    "multiple_response": 10.0,  # per option
    "true_false": 20.0,
    "matching": 20.0,  # per premise
    "ordering": 15.0,  # per item
    "short_answer": 30.0,  # per gap
    "numeric": 60.0,
}

TARGET_OVER_TWICE = "target-over-twice"
TARGET_UNDER_ESTIMATE = "target-under-estimate"
FLAG_MESSAGES: dict[str, str] = {
    TARGET_OVER_TWICE: "Target is more than twice the estimate",
    TARGET_UNDER_ESTIMATE: "Estimate is over the target",
}

_GAP = re.compile(r"\{\{[^{}]*\}\}")
_HAS_WORD = re.compile(r"\w")
# Markdown that changes what counts as a word: links and images (their targets are not read),
# tags and entities, table pipes, and ordered-list numbers. Text without any of it is counted as
# it stands, which keeps a whole course's estimate fast (rendering is most of the cost).
_WORD_CHANGING_MARKDOWN = re.compile(r"[\[\]<>&|]|^\s*\d+[.)](\s|$)", re.MULTILINE)


class _Words(HTMLParser):
    """Counts the words of rendered HTML and the images it shows (alt text is not read)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words = 0
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images += 1

    def handle_data(self, data: str) -> None:
        self.words += _count_words(data)


def _count_words(text: str) -> int:
    # A word is a run of non-space characters with a letter or digit in it: "£200" and
    # "person-centred" are one each, a dash or a "**" standing alone is none.
    return sum(1 for token in text.split() if _HAS_WORD.search(token))


def text_measure(text: Any, text_format: str = "markdown") -> tuple[int, int]:
    """(words, images) of an authored text as a learner sees it; (0, 0) for anything not a string.

    Markdown is rendered first, so link targets, emphasis marks and image paths are not words;
    "html" text is sanitised as the player shows it. Block boundaries separate words.
    """
    if not isinstance(text, str) or not text.strip():
        return 0, 0
    if text_format != "html" and not _WORD_CHANGING_MARKDOWN.search(text):
        return _count_words(text), 0
    html = sanitize_html(text) if text_format == "html" else render_markdown(text)
    # Tags end words (<td>a</td><td>b</td> is two words), so put a space after each one.
    parser = _Words()
    parser.feed(html.replace(">", "> "))
    parser.close()
    return parser.words, parser.images


def _words(texts: Iterable[Any]) -> int:
    return sum(text_measure(t)[0] for t in texts)


def _reading(words: float) -> float:
    return words / READING_WPM


def page_minutes(page: dict) -> float:
    """Minutes to read a page: its title and body at ``READING_WPM``, ``IMAGE_SECONDS`` an image.

    A page that is not a dict, or whose title or body is not text, counts only what is text.
    """
    if not isinstance(page, Mapping):
        return 0.0
    title_words, _ = text_measure(page.get("title"))
    body_words, images = text_measure(page.get("body"))
    return _reading(title_words + body_words) + images * IMAGE_SECONDS / 60


# --------------------------------------------------------------------------- questions


def _choices(question: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = question.get(key)
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise ValueError(f"{key} is not a list of objects")
    return items


def _stem(question: Mapping[str, Any]) -> tuple[int, int]:
    stem = question.get("stem")
    if not isinstance(stem, str):
        raise ValueError("the stem is not text")
    fmt = question.get("stem_format") or "markdown"
    if question.get("type") == "short_answer":
        stem = _GAP.sub(" ", stem)  # a gap is answered, not read: ANSWER_SECONDS counts it
    return text_measure(stem, fmt)


def _keyed_feedback(question: Mapping[str, Any]) -> list[Any]:
    """The feedback texts a learner who answers correctly reads, general feedback included."""
    kind = question.get("type")
    texts: list[Any] = [question.get("general_feedback")]
    if kind in ("single_choice", "multiple_response"):
        texts += [o.get("feedback") for o in _choices(question, "options") if o.get("correct") is True]
    elif kind == "true_false":
        texts.append(question.get("feedback_true" if question.get("answer") is True else "feedback_false"))
    elif kind == "short_answer":
        for gap in _choices(question, "gaps"):
            full = [a for a in _choices(gap, "answers") if a.get("credit", 1.0) == 1]
            if full:
                texts.append(full[0].get("feedback"))
    elif kind == "numeric":
        full = [a for a in _choices(question, "answers") if a.get("credit", 1.0) == 1]
        if full:
            texts.append(full[0].get("feedback"))
    return texts


def _shown_texts(question: Mapping[str, Any]) -> tuple[list[Any], float]:
    """The texts a learner reads besides the stem, and the seconds to answer."""
    kind = question.get("type")
    if kind == "single_choice":
        return [o.get("text") for o in _choices(question, "options")], ANSWER_SECONDS["single_choice"]
    if kind == "multiple_response":
        options = _choices(question, "options")
        return [o.get("text") for o in options], ANSWER_SECONDS["multiple_response"] * len(options)
    if kind == "true_false":
        return [], ANSWER_SECONDS["true_false"]
    if kind == "matching":
        premises = _choices(question, "premises")
        texts = [p.get("text") for p in premises] + [r.get("text") for r in _choices(question, "responses")]
        return texts, ANSWER_SECONDS["matching"] * len(premises)
    if kind == "ordering":
        items = _choices(question, "items")
        return [i.get("text") for i in items], ANSWER_SECONDS["ordering"] * len(items)
    if kind == "short_answer":
        gaps = _choices(question, "gaps")
        dropdowns = [o for g in gaps if isinstance(g.get("options"), list) for o in g["options"]]
        return dropdowns, ANSWER_SECONDS["short_answer"] * len(gaps)
    if kind == "numeric":
        return [], ANSWER_SECONDS["numeric"]
    raise ValueError(f"no estimate for a question of type {kind!r}")


def _essay_words(question: Mapping[str, Any]) -> float:
    """The length a learner is expected to write: the middle of the allowed range."""
    low = question.get("min_words") or 0
    high = question.get("word_limit")
    if isinstance(low, bool) or not isinstance(low, (int, float)) or low < 0:
        raise ValueError("min_words is not a number of words")
    if high is None:
        return max(float(low), float(ESSAY_DEFAULT_WORDS))
    if isinstance(high, bool) or not isinstance(high, (int, float)) or high < low:
        raise ValueError("word_limit is not a number of words at least min_words")
    return (low + high) / 2


def _scenario_minutes(question: Mapping[str, Any]) -> float:
    case = question.get("case")
    if not isinstance(case, Mapping):
        raise ValueError("the case is not an object")
    stem_words, stem_images = _stem(question)
    words = stem_words + _words([case.get("person"), case.get("setting"), case.get("situation"),
                                 question.get("general_feedback")])
    return _reading(words) + stem_images * IMAGE_SECONDS / 60 + _longest_path(_choices(question, "steps"))


def _longest_path(steps: Sequence[Mapping[str, Any]]) -> float:
    """Minutes along the slowest path from the first step to the end (docs/formats.md's rules)."""
    if not steps:
        return 0.0
    ids = [s.get("id") for s in steps]
    position = {sid: n for n, sid in enumerate(ids)}
    minutes = [_question_minutes(s.get("question")) for s in steps]
    best: dict[int, float] = {}
    visiting: set[int] = set()

    def successors(n: int) -> set[int]:
        step = steps[n]
        following = step.get("next")
        if following is None:
            following = ids[n + 1] if n + 1 < len(ids) else "end"
        # A step left unanswered goes on by "next", so it is a way on even when every option branches.
        targets = {following} | set((step.get("branches") or {}).values())
        out = set()
        for target in targets - {"end"}:
            if target not in position:
                raise ValueError(f"step {step.get('id')!r} leads to unknown step {target!r}")
            out.add(position[target])
        return out

    def slowest_from(n: int) -> float:
        if n in best:
            return best[n]
        if n in visiting:
            raise ValueError("the steps loop back")
        visiting.add(n)
        best[n] = minutes[n] + max((slowest_from(m) for m in successors(n)), default=0.0)
        visiting.discard(n)
        return best[n]

    return slowest_from(0)


def _question_minutes(question: Any) -> float:
    """question_minutes without the safety net: raises on anything malformed."""
    if not isinstance(question, Mapping):
        raise ValueError("a question is an object")
    kind = question.get("type")
    if kind == "scenario":
        return _scenario_minutes(question)
    stem_words, images = _stem(question)
    if kind == "essay":
        words = stem_words + _words([question.get("general_feedback")])
        return _reading(words) + images * IMAGE_SECONDS / 60 + _essay_words(question) / WRITING_WPM
    texts, answer_seconds = _shown_texts(question)
    words = stem_words + _words(texts) + _words(_keyed_feedback(question))
    return _reading(words) + images * IMAGE_SECONDS / 60 + answer_seconds / 60


def question_minutes(question: dict) -> float:
    """Minutes a learner needs for one question: reading, answering, and its feedback read once.

    Never raises: a question that cannot be estimated counts ``DEFAULT_QUESTION_MINUTES``.
    """
    try:
        return _question_minutes(question)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        # Estimates are advice on a page a tutor is editing: one broken item must not take the
        # whole course page down with it.
        return DEFAULT_QUESTION_MINUTES


# --------------------------------------------------------------------------- quizzes and modules


def _current_versions(questions: Sequence[Any]) -> dict[str, Mapping[str, Any]]:
    current: dict[str, Mapping[str, Any]] = {}
    for q in questions:
        if not isinstance(q, Mapping) or not isinstance(q.get("id"), str):
            continue
        version = q.get("version") if isinstance(q.get("version"), int) else 0
        held = current.get(q["id"])
        if held is None or version > (held.get("version") if isinstance(held.get("version"), int) else 0):
            current[q["id"]] = q
    return current


def _candidates(current: Mapping[str, Mapping[str, Any]], draw: Mapping[str, Any], fixed: set[str]) -> list:
    criterion, tag = draw.get("criterion"), draw.get("tag")
    return [
        q for qid, q in sorted(current.items())
        if qid not in fixed
        and (criterion is None or criterion in (q.get("criteria") or []))
        and (tag is None or tag in (q.get("tags") or []))
    ]


def quiz_minutes(quiz: dict, questions: Sequence[dict]) -> float:
    """Minutes for a quiz: each fixed item, plus each draw's count times its candidates' mean.

    ``questions`` holds the versions the quiz uses (a course document's ``questions``). A fixed
    item whose version is missing, or a draw with no candidate, counts
    ``DEFAULT_QUESTION_MINUTES`` a question. No quiz (None) is 0 minutes.
    """
    if not isinstance(quiz, Mapping):
        return 0.0
    items = quiz.get("items") if isinstance(quiz.get("items"), list) else []
    by_version = {
        (q.get("id"), q.get("version")): q for q in questions if isinstance(q, Mapping)
    }
    current = _current_versions(questions)
    fixed = {item.get("question") for item in items if isinstance(item, Mapping) and "question" in item}
    cache: dict[int, float] = {}

    def estimate(q: Mapping[str, Any]) -> float:
        if id(q) not in cache:
            cache[id(q)] = question_minutes(q)  # type: ignore[arg-type]
        return cache[id(q)]

    total = 0.0
    for item in items:
        if not isinstance(item, Mapping):
            total += DEFAULT_QUESTION_MINUTES
        elif isinstance(item.get("draw"), Mapping):
            draw = item["draw"]
            count = draw.get("count")
            count = count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 1
            pool = _candidates(current, draw, fixed)
            mean = sum(estimate(q) for q in pool) / len(pool) if pool else DEFAULT_QUESTION_MINUTES
            total += count * mean
        else:
            q = by_version.get((item.get("question"), item.get("version")))
            total += estimate(q) if q is not None else DEFAULT_QUESTION_MINUTES
    return total


@dataclass
class ModuleEstimate:
    """A module's estimated minutes (floats) against its target minutes."""

    slug: str
    pages: list[tuple[str, float]] = field(default_factory=list)
    quiz_minutes: float = 0.0
    total_minutes: float = 0.0
    target_minutes: int | None = None
    flag: str | None = None

    @property
    def pages_minutes(self) -> float:
        """All the module's pages together."""
        return sum(minutes for _, minutes in self.pages)

    @property
    def flag_message(self) -> str | None:
        """The flag in words, for the course page."""
        return FLAG_MESSAGES.get(self.flag) if self.flag else None


def _flag(total: float, target: Any) -> str | None:
    if isinstance(target, bool) or not isinstance(target, (int, float)):
        return None
    if target > 2 * total:
        return TARGET_OVER_TWICE
    if total > target:
        return TARGET_UNDER_ESTIMATE
    return None


def module_estimate(module: dict, questions: Sequence[dict]) -> ModuleEstimate:
    """A module's pages and quiz estimated, summed, and flagged against its ``target_minutes``."""
    pages_in = module.get("pages") if isinstance(module.get("pages"), list) else []
    pages = [(str(p.get("slug", "")) if isinstance(p, Mapping) else "", page_minutes(p)) for p in pages_in]
    quiz = quiz_minutes(module.get("quiz"), questions)
    total = sum(m for _, m in pages) + quiz
    target = module.get("target_minutes")
    return ModuleEstimate(
        slug=str(module.get("slug", "")),
        pages=pages,
        quiz_minutes=quiz,
        total_minutes=total,
        target_minutes=target if isinstance(target, int) and not isinstance(target, bool) else None,
        flag=_flag(total, target),
    )


def course_estimates(document: dict) -> list[ModuleEstimate]:
    """Every module of a course document estimated, in the document's order."""
    modules = document.get("modules") if isinstance(document.get("modules"), list) else []
    questions = document.get("questions") if isinstance(document.get("questions"), list) else []
    return [module_estimate(m, questions) for m in modules if isinstance(m, Mapping)]


def whole_minutes(minutes: float) -> int:
    """Minutes for display: rounded half up, and never 0 for something that takes any time."""
    if minutes <= 0:
        return 0
    return max(1, math.floor(minutes + 0.5))
