"""Item-quality checks: the writing flaws that let a learner who lacks the knowledge score anyway.

A quiz mark is evidence of a criterion only if it cannot be reached by reading the options
instead of knowing the content. These checks look for the surface cues that published
item-writing guidance warns about (Haladyna, Downing & Rodriguez 2002, "A review of
multiple-choice item-writing guidelines for classroom assessment", Applied Measurement in
Education 15(3), numbered as in their taxonomy of 31 guidelines; Case & Swanson, "Constructing
written test questions for the basic and clinical sciences", NBME, 3rd ed.), so that a tutor is
warned before anyone sits the quiz. What a cue *is* (the longest option, a stem word in the key,
an absolute word) is defined once in `cues`, which the test-wise score shares.

Whether a distractor is plausible cannot be decided by rule, so no check tries.

`check_question` works on question JSON as stored (docs/formats.md, "Question"), validated or
not, and never raises: whatever it cannot read becomes a "check-failed" finding. Work is
bounded whatever the input: at most `limits.CHOICES_PER_QUESTION` options and
`limits.STEPS_PER_SCENARIO` steps are looked at, texts are cut to their `limits` length, and
near-duplicates are looked for within the bounds set by the NEAR_DUPLICATE_* constants.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import Any

from . import limits
from .cues import (absolute_words, content_words, is_all_or_none_of_above, key_position_pattern, longest_option,
                   negative_words, plain_text, stem_match_option, stem_matches)
from .types import REGISTRY

__all__ = [
    "CHECKS",
    "SEVERITIES",
    "CheckInfo",
    "Finding",
    "check_all",
    "check_collection",
    "check_question",
    "summarise",
]

SEVERITIES = ("error", "warning", "info")  # "error" = severe: can block a SCORM export

# Shares and ratios are in percent and compared in whole numbers, so that a boundary case
# (13 characters against 10 is exactly 30% longer) is decided the same on every machine.
# A keyed option longer than every distractor by this share of the longest distractor is an
# obvious cue (an error); a smaller margin is still a cue a test-wise learner uses (a warning).
OBVIOUS_LENGTH_PERCENT = 30
# "Uniquely detailed": the key carries at least 150% of the content words of any distractor,
# and at least DETAIL_EXTRA_WORDS more, so one or two extra words never count.
DETAIL_PERCENT = 150
DETAIL_EXTRA_WORDS = 3
UNEQUAL_LENGTH_PERCENT = 250
NEAR_DUPLICATE_RATIO = 0.9
# Near-duplicates are compared word by word on each option's first NEAR_DUPLICATE_WORDS words
# (difflib is quadratic in the worst case; options that agree that far are near-copies for any
# reader), among a question's first NEAR_DUPLICATE_OPTIONS options, and at most
# NEAR_DUPLICATE_PAIRS comparisons per check_question call (a scenario's steps share them).
# Exact duplicates are always found: they are compared whole, by hashing.
NEAR_DUPLICATE_WORDS = 60
NEAR_DUPLICATE_OPTIONS = 20
NEAR_DUPLICATE_PAIRS = 2_000
MIN_SINGLE_CHOICE_OPTIONS = 3
TRUE_PERCENT_HIGH = 65
TRUE_PERCENT_LOW = 35
MIN_BALANCE_ITEMS = 4
POSITION_RUN = 4
# How many question ids a collection finding lists before saying "and N more".
IDS_IN_MESSAGE = 10

_CHOICE_TYPES = ("single_choice", "multiple_response")
_HALADYNA = "Haladyna, Downing & Rodriguez 2002"


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """What a check is, for a filter dropdown and a help page. `severity` is the most severe
    level the check can give (an "error" check is one that can block a SCORM export)."""

    code: str
    title: str
    severity: str
    guideline: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One flaw in one question (or, with question "", in a whole collection)."""

    code: str
    severity: str
    message: str
    field: str
    guideline: str
    question: str = ""

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "field": self.field, "guideline": self.guideline, "question": self.question}


CHECKS: dict[str, CheckInfo] = {info.code: info for info in (
    CheckInfo(
        "key-longest", "Correct option is the longest", "error",
        f"{_HALADYNA}, guidelines 24 and 28d; Case & Swanson 2002, long correct answer",
        "The correct option is longer, or clearly more detailed, than every wrong one, so a "
        "learner can pick it without knowing the answer. It is an error when it is at least 30% "
        "longer than the longest wrong option."),
    CheckInfo(
        "options-unequal-length", "Options very unequal in length", "warning",
        f"{_HALADYNA}, guideline 24",
        "The longest option is more than two and a half times the length of the shortest. "
        "Options of about equal length give no clue; a very long or very short one stands out."),
    CheckInfo(
        "all-none-of-above", "All / none of the above", "error",
        f"{_HALADYNA}, guidelines 25 and 26",
        "\"All of the above\" can be chosen by spotting two right options, or ruled out by "
        "spotting one wrong one; it is an error when it is the single correct answer. \"None of "
        "the above\" should be used with care."),
    CheckInfo(
        "absolute-in-distractors", "Absolute words only in wrong answers", "warning",
        f"{_HALADYNA}, guideline 28a; Case & Swanson 2002, absolute terms",
        "Words such as \"always\" and \"never\" appear only in wrong options (or in a true/false "
        "statement that is false). Test-wise learners know such statements are rarely right."),
    CheckInfo(
        "negative-stem", "Negatively worded question", "warning",
        f"{_HALADYNA}, guideline 17",
        "The question asks with a negative such as \"not\" or \"except\". Learners misread "
        "negatives; word the question positively, or put the negative in capitals or bold."),
    CheckInfo(
        "stem-words-in-key", "Stem words repeated in the key", "warning",
        f"{_HALADYNA}, guideline 28b; Case & Swanson 2002, word repeats",
        "The correct option repeats words from the question that no wrong option repeats (a "
        "clang association), so matching words finds the answer."),
    CheckInfo(
        "duplicate-options", "Duplicate options", "error",
        f"{_HALADYNA}, guidelines 19 and 22",
        "Two options say the same thing (an error) or nearly the same thing (a warning): one "
        "of them is wasted, or the learner cannot tell which is meant."),
    CheckInfo(
        "too-few-options", "Fewer than three options", "warning",
        f"{_HALADYNA}, guideline 18",
        "A single-choice question with two options is a true/false question in disguise: a "
        "guess is right half the time. Three plausible options are usually enough."),
    CheckInfo(
        "missing-feedback", "Missing feedback", "warning",
        "Formative feedback: every answer should tell the learner why (carecourse practice, "
        "not an item-writing guideline)",
        "An option or a true/false answer has no feedback (info), or the question has no "
        "feedback anywhere (warning), so a learner who gets it wrong is not told why."),
    CheckInfo(
        "true-false-balance", "True/false answers unbalanced", "warning",
        f"{_HALADYNA}, guideline 20 (balance the answer key), applied to true/false",
        "More than 65% (or fewer than 35%) of the true/false answers are True, over four or "
        "more: a learner who always answers True (or False) when unsure gains marks."),
    CheckInfo(
        "key-position-pattern", "Correct option in the same place", "warning",
        f"{_HALADYNA}, guideline 20",
        "Where options are not shuffled, one position holds more than half of the correct "
        "options (over four or more questions), or the same position is correct in four "
        "questions in a row. Shuffling the options removes the pattern."),
    CheckInfo(
        "check-failed", "Checks could not run", "warning",
        "docs/formats.md, \"Question\"",
        "The question's data does not have the shape a question needs (for example a "
        "half-imported question), so the quality checks could not run on it."),
)}


class _Malformed(Exception):
    """Data a check cannot read: `field` is where, `problem` says what, for the tutor."""

    def __init__(self, field: str, problem: str):
        super().__init__(problem)
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class _Option:
    id: str
    text: str  # as written (cut to CHOICE_TEXT_CHARS): what the cues read
    correct: bool
    feedback: str
    plain: str  # cues.plain_text of text
    length: int  # characters of plain text, as cues.text_length counts them

    @property
    def field(self) -> str:
        return f"options.{self.id}"


@dataclass
class _Run:
    """What one check_question call has worked out so far: each question's options are read
    once, whichever checks ask, and near-duplicate comparisons share one budget."""

    options: dict[int, list[_Option] | _Malformed] = dataclass_field(default_factory=dict)
    comparisons_left: int = NEAR_DUPLICATE_PAIRS


_RUN: ContextVar[_Run | None] = ContextVar("question_bank_quality_run", default=None)


def _finding(code: str, severity: str, message: str, field: str = "") -> Finding:
    return Finding(code, severity, message, field, CHECKS[code].guideline)


def _text(data: dict, key: str, limit: int, *, required: bool = False) -> str:
    value = data.get(key, None if required else "")
    if not isinstance(value, str):
        what = "is missing" if value is None else "is not text"
        raise _Malformed(key, f"its {key} {what}")
    return value[:limit]


def _options(data: dict) -> list[_Option]:
    run = _RUN.get()
    if run is None:
        return _read_options(data)
    known = run.options.get(id(data))
    if known is None:
        try:
            known = _read_options(data)
        except _Malformed as bad:
            known = bad
        run.options[id(data)] = known
    if isinstance(known, _Malformed):
        raise known
    return known


def _read_options(data: dict) -> list[_Option]:
    raw = data.get("options")
    if raw is None:
        raise _Malformed("options", "it has no options")
    if not isinstance(raw, list):
        raise _Malformed("options", "its options are not a list")
    if not raw:
        raise _Malformed("options", "its list of options is empty")
    options = []
    for n, item in enumerate(raw[:limits.CHOICES_PER_QUESTION], start=1):
        if not isinstance(item, dict):
            raise _Malformed("options", f"option {n} is not an option (id, text, correct)")
        oid = item.get("id")
        if not isinstance(oid, str) or not oid:
            raise _Malformed("options", f"option {n} has no id")
        oid = oid[:limits.PART_ID_CHARS]
        text = item.get("text")
        if not isinstance(text, str):
            raise _Malformed(f"options.{oid}", f"the text of option ({oid}) is not text")
        correct = item.get("correct")
        if not isinstance(correct, bool):
            raise _Malformed(f"options.{oid}",
                             f"option ({oid}) does not say whether it is correct")
        feedback = item.get("feedback", "")
        if not isinstance(feedback, str):
            raise _Malformed(f"options.{oid}", f"the feedback of option ({oid}) is not text")
        text = text[:limits.CHOICE_TEXT_CHARS]
        plain = plain_text(text)
        options.append(_Option(oid, text, correct, feedback[:limits.QUESTION_TEXT_CHARS],
                               plain, len(plain)))
    return options


def _stem(data: dict) -> str:
    return _text(data, "stem", limits.STEM_CHARS, required=True)


def _labels(options: Iterable[_Option]) -> str:
    return ", ".join(o.id for o in options)


def _quote(text: str, limit: int = 60) -> str:
    words = plain_text(text)
    return f"\"{words if len(words) <= limit else words[:limit - 1].rstrip() + '…'}\""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --------------------------------------------------------------------------- one question


def _key_longest(data: dict) -> Iterator[Finding]:
    options = _options(data)
    keys = [o for o in options if o.correct]
    distractors = [o for o in options if not o.correct]
    if not keys or not distractors:
        return
    longest_distractor = max(o.length for o in distractors)
    shortest_key = min(o.length for o in keys)
    if len(keys) == 1:
        key = keys[0]
        # longest_option is the shared definition of "strictly the longest" (testwise uses it).
        flagged = longest_option([{"id": o.id, "text": o.text} for o in options]) == key.id
    else:
        flagged = shortest_key > longest_distractor
    if flagged:
        margin = shortest_key - longest_distractor
        obvious = 100 * margin >= OBVIOUS_LENGTH_PERCENT * longest_distractor
        severity = "error" if obvious else "warning"
        if len(keys) == 1:
            message = (f"The correct option ({keys[0].id}) is the longest: {keys[0].length} "
                       f"characters against at most {longest_distractor} for the others.")
            field = keys[0].field
        else:
            message = (f"Every correct option ({_labels(keys)}) is longer than every wrong one: "
                       f"at least {shortest_key} characters against at most {longest_distractor}.")
            field = "options"
        yield _finding("key-longest", severity, message, field)
        return
    # Not longest by characters, but visibly the most complete: the same cue a test-wise
    # learner reads when short words pad out the distractors.
    key_words = min(len(content_words(o.text)) for o in keys)
    distractor_words = max(len(content_words(o.text)) for o in distractors)
    if (100 * key_words >= DETAIL_PERCENT * distractor_words
            and key_words >= distractor_words + DETAIL_EXTRA_WORDS):
        if len(keys) == 1:
            message = (f"The correct option ({keys[0].id}) is far more detailed than the others: "
                       f"{key_words} content words against at most {distractor_words}.")
            field = keys[0].field
        else:
            message = (f"Every correct option ({_labels(keys)}) is far more detailed than the wrong "
                       f"ones: at least {key_words} content words against at most {distractor_words}.")
            field = "options"
        yield _finding("key-longest", "warning", message, field)


def _options_unequal_length(data: dict) -> Iterator[Finding]:
    options = _options(data)
    if len(options) < 2:
        return
    longest = max(options, key=lambda o: o.length)
    shortest = min(options, key=lambda o: o.length)
    if 100 * longest.length > UNEQUAL_LENGTH_PERCENT * shortest.length:
        yield _finding(
            "options-unequal-length", "warning",
            f"The options differ a lot in length: option ({longest.id}) has {longest.length} "
            f"characters, option ({shortest.id}) only {shortest.length}.", "options")


_ALL_OF = re.compile(r"\b(all|both)\s+of\b", re.IGNORECASE)


def _all_none_of_above(data: dict) -> Iterator[Finding]:
    options = _options(data)
    single = data.get("type") == "single_choice"
    for option in options:
        if not is_all_or_none_of_above(option.text):
            continue
        all_of = bool(_ALL_OF.search(option.plain))
        if all_of and option.correct and single:
            # Guideline 26: recognising any two options as right is enough to choose it.
            yield _finding(
                "all-none-of-above", "error",
                f"Option ({option.id}) is {_quote(option.text)} and it is the correct answer: a "
                f"learner who recognises two right options can choose it without knowing the rest.",
                option.field)
        elif all_of:
            yield _finding(
                "all-none-of-above", "warning",
                f"Option ({option.id}) is {_quote(option.text)}: a learner who spots one wrong "
                f"option can rule it out.", option.field)
        else:
            yield _finding(
                "all-none-of-above", "warning",
                f"Option ({option.id}) is {_quote(option.text)}: it tells you only what the answer "
                f"is not; use it with care.", option.field)


def _absolute_in_distractors(data: dict) -> Iterator[Finding]:
    if data.get("type") == "true_false":
        answer = data.get("answer")
        if not isinstance(answer, bool):
            raise _Malformed("answer", "its answer is not true or false")
        words = absolute_words(_stem(data))
        if words and not answer:
            yield _finding(
                "absolute-in-distractors", "warning",
                f"The statement uses {_words(words)} and is false: test-wise learners answer "
                f"False to absolute statements without knowing why.", "stem")
        return
    options = _options(data)
    if any(absolute_words(o.text) for o in options if o.correct):
        return
    for option in options:
        words = [] if option.correct else absolute_words(option.text)
        if words:
            yield _finding(
                "absolute-in-distractors", "warning",
                f"Option ({option.id}) uses {_words(words)} but no correct option uses such a "
                f"word: test-wise learners rule absolute options out.", option.field)


def _words(words: Sequence[str]) -> str:
    return ", ".join(f"\"{w}\"" for w in words)


# Markdown **bold**, __bold__, *italic*, _italic_ and the HTML emphasis tags. The spans are
# bounded (an emphasised negative is a word or a short phrase) so that unclosed markers cost
# a bounded rescan each, never one to the end of the stem.
_EMPHASIS = re.compile(
    r"\*\*(?P<a>[^*]{1,200}?)\*\*|__(?P<b>[^_]{1,200}?)__"
    r"|(?<![*\w])\*(?P<c>[^*\s][^*]{0,199}?)\*(?!\*)|(?<![_\w])_(?P<d>[^_\s][^_]{0,199}?)_(?!\w)"
    r"|<(?P<tag>strong|em|b|i|u)\b[^<>]{0,200}>(?P<e>[^<]{1,200}?)</(?P=tag)\s{0,20}>",
    re.IGNORECASE)
# A sentence runs to its full stop, question or exclamation mark and any closing quote.
_SENTENCE = re.compile(r"[^.?!]+(?:[.?!]+[\"'”’)\]]*|$)")
_QUESTION_MARK = re.compile(r"\?[\"'”’)\]]*\s*$")
# "True or false:" is an instruction, not a negative in the statement that follows it.
_TRUE_OR_FALSE = re.compile(r"\btrue\s+or\s+false\b\s*[:?.–-]?", re.IGNORECASE)


def _emphasis_as_capitals(raw: str) -> str:
    # Emphasis and capitals both make a negative hard to miss; writing emphasised text in
    # capitals lets one test (is the word upper case?) cover both.
    def upper(match: re.Match) -> str:
        inner = next(g for g in (match.group("a"), match.group("b"), match.group("c"),
                                 match.group("d"), match.group("e")) if g is not None)
        return f" {inner.upper()} "
    return _EMPHASIS.sub(upper, raw)


def _lead_in(text: str) -> str:
    """The sentence that asks: the last one ending in "?", else the last sentence.

    Negatives elsewhere in the stem describe the situation ("he does not know anyone there")
    and do not reverse what the learner is asked for."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    questions = [s for s in sentences if _QUESTION_MARK.search(s)]
    return (questions or sentences or [""])[-1]


def _statement(text: str) -> str:
    """A true/false question's statement: what follows its last "True or false:", if any."""
    parts = _TRUE_OR_FALSE.split(text)
    return parts[-1]


def _negative_stem(data: dict) -> Iterator[Finding]:
    stem = _stem(data)
    text = plain_text(_emphasis_as_capitals(stem))
    # A true/false statement is judged whole: a negative anywhere in it is a double negative
    # for the learner who answers False.
    asked = _statement(text) if data.get("type") == "true_false" else _lead_in(text)
    negatives = negative_words(asked)
    if not negatives:
        return
    plain = [n for n in negatives if not n.isupper()]
    if plain:
        yield _finding(
            "negative-stem", "warning",
            f"The question is worded negatively ({_words(plain)}) without emphasis: word it "
            f"positively, or put the negative in capitals or bold so that no one misreads it.",
            "stem")
    else:
        yield _finding(
            "negative-stem", "info",
            f"The question is worded negatively ({_words(negatives)}), with emphasis: consider "
            f"asking it positively.", "stem")


def _stem_words_in_key(data: dict) -> Iterator[Finding]:
    stem = _stem(data)
    options = _options(data)
    keys = [o for o in options if o.correct]
    distractors = [o for o in options if not o.correct]
    if not keys or not distractors:
        return
    as_dicts = [{"id": o.id, "text": o.text} for o in options]
    matches = stem_matches(stem, as_dicts)
    in_distractors = set().union(*(matches[o.id] for o in distractors))
    echoed = {k.id: sorted(matches[k.id] - in_distractors) for k in keys}
    if not all(echoed.values()):
        return
    if len(keys) == 1:
        # The word-matching learner picks the option sharing the most stem words (the same
        # definition the test-wise score uses); a key that shares fewer is no cue.
        key = keys[0]
        if stem_match_option(stem, as_dicts) != key.id:
            return
        yield _finding(
            "stem-words-in-key", "warning",
            f"The correct option ({key.id}) repeats {_words(_as_written(key.text, echoed[key.id]))} "
            f"from the question, "
            f"and no wrong option does: a learner can match the words instead of knowing the "
            f"answer.", key.field)
    elif min(len(matches[k.id]) for k in keys) > max(len(matches[d.id]) for d in distractors):
        words = [w for k in keys for w in _as_written(k.text, echoed[k.id])]
        words = list(dict.fromkeys(w.lower() for w in words))
        yield _finding(
            "stem-words-in-key", "warning",
            f"Every correct option ({_labels(keys)}) repeats words from the question that no wrong "
            f"option repeats ({_words(words)}): a learner can match the words instead of knowing "
            f"the answers.", "options")


_PUNCTUATION = ".,;:!?\"'“”‘’()[]{}-–—…/"


def _as_written(text: str, stems: Iterable[str]) -> list[str]:
    """The words of `text` whose stems are in `stems`, as the author wrote them (a tutor reads
    "Mohammed", not the stem "mohamm")."""
    wanted = set(stems)
    found: list[str] = []
    for token in plain_text(text).split():
        word = token.strip(_PUNCTUATION)
        if content_words(word) & wanted and word not in found:
            found.append(word)
    return found or sorted(wanted)


def _duplicate_options(data: dict) -> Iterator[Finding]:
    options = _options(data)
    first_with_text: dict[str, _Option] = {}
    compared: list[tuple[_Option, list[str]]] = []
    for option in options:
        text = option.plain.lower()
        same = first_with_text.setdefault(text, option)
        if same is not option:
            yield _finding(
                "duplicate-options", "error",
                f"Options ({same.id}) and ({option.id}) read the same: {_quote(option.plain)}.",
                option.field)
            continue
        if len(compared) >= NEAR_DUPLICATE_OPTIONS:
            continue
        words = _words_of(text)
        for earlier, earlier_words in compared:
            if _near_duplicate(earlier_words, words):
                yield _finding(
                    "duplicate-options", "warning",
                    f"Options ({earlier.id}) and ({option.id}) are nearly the same: "
                    f"{_quote(earlier.plain)} and {_quote(option.plain)}.", option.field)
                break
        compared.append((option, words))


def _near_duplicate(first: list[str], second: list[str]) -> bool:
    # Word by word, not letter by letter: "Direct discrimination" and "Indirect
    # discrimination" differ in one word of two (the distinction the item tests), while two
    # sentences that differ only in punctuation, or in one word of ten or more, are near-copies.
    run = _RUN.get()
    if run is not None:
        if run.comparisons_left <= 0:
            return False
        run.comparisons_left -= 1
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    # The two quick ratios are upper bounds of ratio(): most pairs stop at them.
    return (matcher.real_quick_ratio() >= NEAR_DUPLICATE_RATIO
            and matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO
            and matcher.ratio() >= NEAR_DUPLICATE_RATIO)


def _words_of(text: str) -> list[str]:
    words = (token.strip(_PUNCTUATION) for token in text.split(maxsplit=NEAR_DUPLICATE_WORDS))
    return [w for w in words if w][:NEAR_DUPLICATE_WORDS]


def _too_few_options(data: dict) -> Iterator[Finding]:
    if data.get("type") != "single_choice":
        return
    options = _options(data)
    if len(options) < MIN_SINGLE_CHOICE_OPTIONS:
        yield _finding(
            "too-few-options", "warning",
            f"The question has only {_plural(len(options), 'option')}: a guess is right "
            f"{'every time' if len(options) == 1 else 'half the time'}; three plausible options "
            f"are usually enough.", "options")


def _has_words(text: str) -> bool:
    return bool(plain_text(text))


def _missing_feedback(data: dict) -> Iterator[Finding]:
    qtype = data.get("type")
    general = _has_words(_text(data, "general_feedback", limits.QUESTION_TEXT_CHARS))
    none_anywhere = _finding(
        "missing-feedback", "warning",
        "The question has no feedback at all: a learner who gets it wrong is not told why.")
    if qtype in _CHOICE_TYPES:
        options = _options(data)
        silent = [o for o in options if not _has_words(o.feedback)]
        if len(silent) == len(options) and not general:
            yield none_anywhere
            return
        for option in silent:
            which = "correct" if option.correct else "wrong"
            yield _finding(
                "missing-feedback", "info",
                f"Option ({option.id}) has no feedback: a learner who chooses it is not told why "
                f"it is {which}.", option.field)
    elif qtype == "true_false":
        answers = {key: _has_words(_text(data, key, limits.QUESTION_TEXT_CHARS))
                   for key in ("feedback_true", "feedback_false")}
        if not any(answers.values()) and not general:
            yield none_anywhere
            return
        for key, present in answers.items():
            if not present:
                yield _finding(
                    "missing-feedback", "info",
                    f"There is no feedback for the answer {key.removeprefix('feedback_').title()}.",
                    key)
    elif qtype in ("matching", "ordering"):
        if not general:
            yield none_anywhere
    elif qtype in ("short_answer", "numeric"):
        if not general and not any(_has_words(f) for f in _answer_feedback(data)):
            yield none_anywhere
    # Essays are marked by a tutor, who gives feedback then; a scenario's feedback is in its steps.


def _part_id(part: Any, index: int) -> str:
    # Fields name parts by id, as the editor does; a part without one is named by its index.
    pid = part.get("id") if isinstance(part, dict) else None
    return pid[:limits.PART_ID_CHARS] if isinstance(pid, str) and pid else str(index)


def _answer_feedback(data: dict) -> Iterator[str]:
    if data.get("type") == "numeric":
        groups = [("answers", data.get("answers"))]
    else:
        gaps = data.get("gaps")
        if not isinstance(gaps, list):
            raise _Malformed("gaps", "its gaps are not a list")
        groups = [(f"gaps.{_part_id(gap, n)}.answers", gap.get("answers") if isinstance(gap, dict) else None)
                  for n, gap in enumerate(gaps[:limits.GAPS_PER_QUESTION])]
    for field, answers in groups:
        if not isinstance(answers, list):
            raise _Malformed(field, "its answers are not a list")
        for answer in answers[:limits.CHOICES_PER_QUESTION]:
            feedback = answer.get("feedback", "") if isinstance(answer, dict) else None
            if not isinstance(feedback, str):
                raise _Malformed(field, "an answer's feedback is not text")
            yield feedback[:limits.QUESTION_TEXT_CHARS]


_Check = Callable[[dict], Iterable[Finding]]

# Which checks run on which type; the collection checks are in check_collection.
_QUESTION_CHECKS: dict[str, tuple[_Check, tuple[str, ...]]] = {
    "key-longest": (_key_longest, _CHOICE_TYPES),
    "options-unequal-length": (_options_unequal_length, _CHOICE_TYPES),
    "all-none-of-above": (_all_none_of_above, _CHOICE_TYPES),
    "absolute-in-distractors": (_absolute_in_distractors, (*_CHOICE_TYPES, "true_false")),
    "negative-stem": (_negative_stem, (*_CHOICE_TYPES, "true_false")),
    "stem-words-in-key": (_stem_words_in_key, _CHOICE_TYPES),
    "duplicate-options": (_duplicate_options, _CHOICE_TYPES),
    "too-few-options": (_too_few_options, ("single_choice",)),
    "missing-feedback": (_missing_feedback, (*_CHOICE_TYPES, "true_false", "matching", "ordering",
                                             "short_answer", "numeric")),
}


def _failed(problem: str, field: str = "") -> Finding:
    return _finding("check-failed", "warning",
                    f"The quality checks could not run on this question: {problem}.", field)


def _check_one(data: Any, *, child: bool) -> list[Finding]:
    """Findings of one question or scenario child, with fields relative to it."""
    if not isinstance(data, dict):
        return [_failed("it is not a question (a JSON object)")]
    qtype = data.get("type")
    if qtype is None:
        return [_failed("it has no type", "type")]
    if not isinstance(qtype, str):
        return [_failed("its type is not text", "type")]
    if qtype not in REGISTRY:
        return [_failed(f"its type \"{qtype[:40]}\" is not one carecourse knows", "type")]
    if qtype == "scenario":
        if child:
            return [_failed("a scenario step cannot itself be a scenario", "type")]
        return _check_scenario(data)
    findings: list[Finding] = []
    for code, (check, types) in _QUESTION_CHECKS.items():
        if qtype not in types:
            continue
        try:
            findings.extend(check(data))
        except _Malformed as bad:
            failed = _failed(bad.problem, bad.field)
            if failed not in findings:
                findings.append(failed)
        except Exception as exc:  # one check tripping on odd data must not hide the others
            findings.append(_failed(f"the \"{CHECKS[code].title}\" check met data it cannot read "
                                    f"({type(exc).__name__})"))
    return findings


def _check_scenario(data: dict) -> list[Finding]:
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        return [_failed("its steps are missing or not a list", "steps")]
    findings: list[Finding] = []
    for n, step in enumerate(steps[:limits.STEPS_PER_SCENARIO], start=1):
        sid = step.get("id") if isinstance(step, dict) else None
        if not isinstance(sid, str) or not sid:
            findings.append(_failed(f"step {n} has no id", "steps"))
            continue
        prefix = f"steps.{sid}.question"
        for finding in _check_one(step.get("question"), child=True):
            path = f"{prefix}.{finding.field}" if finding.field else prefix
            findings.append(replace(finding, field=path, message=_in_step(sid, finding.message)))
    return findings


def _in_step(step_id: str, message: str) -> str:
    return f"In step {step_id}, {message[:1].lower()}{message[1:]}"


def check_question(data: dict) -> list[Finding]:
    """One question's findings, a scenario's steps included ("steps.<id>.question..." fields).

    Never raises: data the checks cannot read gives a "check-failed" finding instead."""
    qid = data.get("id") if isinstance(data, dict) else None
    qid = qid[:limits.QUESTION_ID_CHARS] if isinstance(qid, str) else ""
    token = _RUN.set(_Run())
    try:
        findings = _check_one(data, child=False)
    except Exception as exc:  # the last guard: a tutor's page must still show the others
        findings = [_failed(f"unexpected data ({type(exc).__name__})")]
    finally:
        _RUN.reset(token)
    return [replace(f, question=qid) for f in findings]


# --------------------------------------------------------------------------- collections


@dataclass(frozen=True, slots=True)
class _Item:
    """A true/false or single-choice question, or such a scenario step, in collection order."""

    label: str  # how a tutor finds it: "q1" or "q1 (step s2)"
    type: str
    answer: bool | None = None  # true/false
    key_position: int | None = None  # single choice: 1-based position of the correct option
    shuffled: bool = False


def _items(questions: Sequence[Any]) -> Iterator[_Item]:
    for data in questions:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        qid = data["id"][:limits.QUESTION_ID_CHARS]
        if data.get("type") == "scenario":
            steps = data.get("steps")
            for step in steps[:limits.STEPS_PER_SCENARIO] if isinstance(steps, list) else ():
                if isinstance(step, dict) and isinstance(step.get("id"), str):
                    item = _item(step.get("question"), f"{qid} (step {step['id'][:limits.PART_ID_CHARS]})")
                    if item:
                        yield item
        else:
            item = _item(data, qid)
            if item:
                yield item


def _item(data: Any, label: str) -> _Item | None:
    # What cannot be read is skipped here: check_question reports it.
    if not isinstance(data, dict):
        return None
    if data.get("type") == "true_false" and isinstance(data.get("answer"), bool):
        return _Item(label, "true_false", answer=data["answer"])
    if data.get("type") == "single_choice" and isinstance(data.get("options"), list):
        options = data["options"][:limits.CHOICES_PER_QUESTION]
        keyed = [n for n, o in enumerate(options, start=1)
                 if isinstance(o, dict) and o.get("correct") is True]
        if len(keyed) == 1:
            return _Item(label, "single_choice", key_position=keyed[0],
                         shuffled=data.get("shuffle") is True)
    return None


def _named(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:IDS_IN_MESSAGE])
    more = len(labels) - IDS_IN_MESSAGE
    return f"{shown} and {more} more" if more > 0 else shown


def _ordinal(n: int) -> str:
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    return words[n - 1] if n <= len(words) else f"number {n}"


def _true_false_balance(items: list[_Item]) -> Iterator[Finding]:
    answers = [i for i in items if i.type == "true_false"]
    if len(answers) < MIN_BALANCE_ITEMS:
        return
    true = sum(1 for i in answers if i.answer)
    mostly_true = 100 * true > TRUE_PERCENT_HIGH * len(answers)
    if mostly_true or 100 * true < TRUE_PERCENT_LOW * len(answers):
        majority, count = ("True", true) if mostly_true else ("False", len(answers) - true)
        yield _finding(
            "true-false-balance", "warning",
            f"{count} of {len(answers)} true/false answers are {majority}: a learner who answers "
            f"{majority} whenever unsure gains marks; aim for about half each.")


def _key_position_pattern(items: list[_Item], options_shuffled: bool) -> Iterator[Finding]:
    fixed = [i for i in items if i.type == "single_choice" and not i.shuffled and not options_shuffled]
    # The rule the test-wise learner exploits too (cues.key_position_pattern).
    position = key_position_pattern([i.key_position for i in fixed])
    if position is not None:
        labels = [i.label for i in fixed if i.key_position == position]
        yield _finding(
            "key-position-pattern", "warning",
            f"The correct option is the {_ordinal(position)} one in {len(labels)} of the {len(fixed)} "
            f"single-choice questions whose options are not shuffled ({_named(labels)}): a "
            f"learner who notices can choose it whenever unsure.")
    run: list[_Item] = []
    for item in [*fixed, None]:
        if item is not None and run and item.key_position == run[-1].key_position:
            run.append(item)
            continue
        if len(run) >= POSITION_RUN:
            yield _finding(
                "key-position-pattern", "warning",
                f"The correct option is the {_ordinal(run[0].key_position)} one in {len(run)} "
                f"questions in a row ({_named([i.label for i in run])}): vary its place, or "
                f"shuffle the options.")
        run = [item] if item is not None else []


def _collection_failed(exc: Exception) -> Finding:
    return _finding("check-failed", "warning", "The quality checks could not run on this "
                    f"collection: it is not a list of questions ({type(exc).__name__}).")


def check_collection(questions: Sequence[dict], *, options_shuffled: bool = False) -> list[Finding]:
    """Findings across a quiz or a bank: true/false key balance, and the position of the correct
    option where options are not shuffled (neither the question's `shuffle` nor
    `options_shuffled`). Scenario steps count. Never raises; unreadable questions are skipped."""
    try:
        items = list(_items(questions))
        findings = [*_true_false_balance(items), *_key_position_pattern(items, options_shuffled)]
    except Exception as exc:  # e.g. `questions` is not a sequence at all
        findings = [_collection_failed(exc)]
    return findings


def check_all(questions: Sequence[dict], *, options_shuffled: bool = False) -> list[Finding]:
    """check_question for each question in order, then check_collection."""
    findings: list[Finding] = []
    try:
        for data in questions:
            findings.extend(check_question(data))
    except Exception as exc:  # iterating `questions` itself failed
        findings.append(_collection_failed(exc))
        return findings
    return findings + check_collection(questions, options_shuffled=options_shuffled)


def summarise(findings: Iterable[Finding]) -> dict[str, int]:
    """code -> number of findings, every code in CHECKS order (0 included), unknown codes last."""
    counts = Counter(f.code for f in findings)
    summary = {code: counts.pop(code, 0) for code in CHECKS}
    summary.update(sorted(counts.items()))
    return summary
