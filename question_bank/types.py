"""The question types: a registry keyed by the stable names in docs/formats.md.

Each type compiles a validated question (canonical dict) once into plain lookups, then marks
responses against them without touching marshmallow: that is what keeps `mark()` fast.
The rules are described in question_bank/README.md; scorm_export/player/marking.js mirrors them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from .model import WHITESPACE, Mark, ResponseError, normalise_text, word_count
from .model import quote as _q

__all__ = ["REGISTRY", "QuestionType", "register", "get_type", "compile_question", "mark_compiled"]

REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: add a type to the registry; a duplicate name is a start-up error."""
    name = cls.name
    if not name or name in REGISTRY:
        raise RuntimeError(f"question type {_q(name)} registered twice (or has no name)")
    REGISTRY[name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    """The registered type called `name`, or a KeyError that names it."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown question type {_q(name)}") from None


class Compiled:
    """A question's marking lookups, built once per question version."""

    __slots__ = ("impl", "points", "general", "body")

    def __init__(self, impl: QuestionType, points: float, general: str, body: Any):
        self.impl = impl
        self.points = float(points)
        self.general = general
        self.body = body


def compile_question(data: dict) -> Compiled:
    """Compile canonical question data (top-level or scenario child) for marking."""
    impl = get_type(data["type"])
    return Compiled(impl, data.get("points", 1.0), data.get("general_feedback", ""),
                    impl.compile(data))


def mark_compiled(c: Compiled, response: Any) -> Mark:
    """Mark a response against a compiled question; None means not answered (score 0)."""
    if response is None:
        return Mark(0.0, c.points, 0.0, False, [c.general] if c.general else [], None, False)
    return c.impl.mark(c, response)


def _finish(c: Compiled, fraction: float, feedback: list[str], response: Any) -> Mark:
    if c.general:
        feedback.append(c.general)
    rounded = round(fraction, 6)
    return Mark(round(c.points * fraction, 6), c.points, rounded, rounded == 1.0, feedback,
                response, False)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class QuestionType:
    """One question type: how to compile its data and mark a response."""

    name = ""
    #: True when a scenario step of this type may branch on its answer.
    branches = False

    def compile(self, data: dict) -> Any:
        """Precompute the lookups `mark` needs."""
        raise NotImplementedError

    def mark(self, c: Compiled, response: Any) -> Mark:
        """Validate and normalise `response`, then mark it; ResponseError when malformed."""
        raise NotImplementedError

    def branch_key(self, response: Any) -> str | None:
        """The key a scenario's `branches` uses for this (normalised) response."""
        return None


@register
class SingleChoice(QuestionType):
    """One option id; full marks for the correct option."""

    name = "single_choice"
    branches = True

    def compile(self, data):
        return {o["id"]: (1.0 if o["correct"] else 0.0, o.get("feedback", ""))
                for o in data["options"]}

    def mark(self, c, response):
        if not isinstance(response, str):
            raise ResponseError("expected an option id (a string)")
        try:
            credit, feedback = c.body[response]
        except KeyError:
            raise ResponseError(f"unknown option {_q(response)}") from None
        return _finish(c, credit, [feedback] if feedback else [], response)

    def branch_key(self, response):
        return response


@register
class MultipleResponse(QuestionType):
    """A set of option ids: +1/#correct per correct choice, -1/#wrong per wrong one, floor 0."""

    name = "multiple_response"

    def compile(self, data):
        options = data["options"]
        n_right = sum(1 for o in options if o["correct"])
        n_wrong = len(options) - n_right
        lookup = {}
        for position, o in enumerate(options):
            if o["correct"]:
                credit = 1.0 / n_right
            else:
                credit = -1.0 / n_wrong
            lookup[o["id"]] = (position, o["correct"], credit, o.get("feedback", ""))
        return (lookup, n_right, bool(data.get("all_or_nothing", False)))

    def mark(self, c, response):
        lookup, n_right, all_or_nothing = c.body
        if not isinstance(response, list):
            raise ResponseError("expected a list of option ids")
        chosen = []
        seen = set()
        for option in response:
            if not isinstance(option, str):
                raise ResponseError("expected option ids (strings) in the list")
            if option not in lookup:
                raise ResponseError(f"unknown option {_q(option)}")
            if option in seen:
                raise ResponseError(f"duplicate option {_q(option)}")
            seen.add(option)
            chosen.append(lookup[option] + (option,))
        chosen.sort()
        rights = sum(1 for entry in chosen if entry[1])
        if all_or_nothing:
            fraction = 1.0 if rights == n_right and rights == len(chosen) else 0.0
        elif rights == n_right and rights == len(chosen):
            fraction = 1.0  # exact, whatever 1/n sums to in binary
        else:
            fraction = max(0.0, sum(entry[2] for entry in chosen))
        feedback = [entry[3] for entry in chosen if entry[3]]
        return _finish(c, fraction, feedback, [entry[4] for entry in chosen])


@register
class TrueFalse(QuestionType):
    """true or false; feedback_true is shown for the answer true, feedback_false for false."""

    name = "true_false"
    branches = True

    def compile(self, data):
        return (data["answer"], data.get("feedback_true", ""), data.get("feedback_false", ""))

    def mark(self, c, response):
        if not isinstance(response, bool):
            raise ResponseError("expected true or false")
        answer, feedback_true, feedback_false = c.body
        feedback = feedback_true if response else feedback_false
        credit = 1.0 if response == answer else 0.0
        return _finish(c, credit, [feedback] if feedback else [], response)

    def branch_key(self, response):
        return "true" if response else "false"


@register
class Matching(QuestionType):
    """Premise -> response pairs; each premise matched right earns 1/#premises."""

    name = "matching"

    def compile(self, data):
        answers = {p["id"]: p["match"] for p in data["premises"]}
        return (answers, frozenset(r["id"] for r in data["responses"]))

    def mark(self, c, response):
        answers, known = c.body
        if not isinstance(response, dict):
            raise ResponseError("expected an object {premise: response}")
        for premise, chosen in response.items():
            if premise not in answers:
                raise ResponseError(f"unknown premise {_q(premise)}")
            if chosen is None:
                continue
            if not isinstance(chosen, str):
                raise ResponseError(f"expected a response id for premise {_q(premise)}")
            if chosen not in known:
                raise ResponseError(f"unknown response {_q(chosen)} for premise {_q(premise)}")
        right = 0
        normalised = {}
        for premise, answer in answers.items():
            chosen = response.get(premise)
            normalised[premise] = chosen
            if chosen == answer:
                right += 1
        return _finish(c, right / len(answers), [], normalised)


def _lcs_length(a: list, b: list) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


@register
class Ordering(QuestionType):
    """A full order of the items: (LCS with the right order - 1) / (#items - 1)."""

    name = "ordering"

    def compile(self, data):
        order = [item["id"] for item in data["items"]]
        return (order, {item: rank for rank, item in enumerate(order)})

    def mark(self, c, response):
        order, rank = c.body
        if not isinstance(response, list):
            raise ResponseError("expected a list of item ids")
        seen = set()
        for item in response:
            if not isinstance(item, str):
                raise ResponseError("expected item ids (strings) in the list")
            if item not in rank:
                raise ResponseError(f"unknown item {_q(item)}")
            if item in seen:
                raise ResponseError(f"duplicate item {_q(item)}")
            seen.add(item)
        if len(seen) != len(order):
            missing = next(item for item in order if item not in seen)
            raise ResponseError(f"missing item {_q(missing)}")
        # The LCS of a permutation with the right order is the longest increasing run of ranks.
        ranks = [rank[item] for item in response]
        longest = _longest_increasing(ranks)
        return _finish(c, (longest - 1) / (len(order) - 1), [], list(response))


def _longest_increasing(values: list[int]) -> int:
    tails: list[int] = []
    for v in values:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < v:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(v)
        else:
            tails[lo] = v
    return len(tails)


def wildcard_pattern(normalised_answer: str) -> re.Pattern:
    """`*` matches any run of characters (possibly none); everything else is literal."""
    parts = normalised_answer.split("*")
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


class _Gap:
    __slots__ = ("id", "options", "case_sensitive", "exact", "patterns")

    def __init__(self, gap: dict):
        self.id = gap["id"]
        self.case_sensitive = bool(gap.get("case_sensitive", False))
        options = gap.get("options")
        self.options = list(options) if options is not None else None
        wildcard = bool(gap.get("wildcard", False)) and self.options is None
        self.exact: dict[str, tuple] = {}
        self.patterns: list[tuple] = []
        for index, answer in enumerate(gap["answers"]):
            entry = (float(answer["credit"]), -index, answer.get("feedback", ""))
            if self.options is not None:
                key = answer["text"]
            else:
                key = normalise_text(answer["text"], self.case_sensitive)
            if wildcard and "*" in key:
                self.patterns.append((wildcard_pattern(key),) + entry)
            elif key not in self.exact or entry[:2] > self.exact[key][:2]:
                self.exact[key] = entry

    def best(self, key: str) -> tuple | None:
        found = self.exact.get(key)
        for pattern, *entry in self.patterns:
            entry = tuple(entry)
            if (found is None or entry[:2] > found[:2]) and pattern.fullmatch(key):
                found = entry
        return found


@register
class ShortAnswer(QuestionType):
    """Gaps in the stem; each gap earns the credit of its best matching answer, averaged."""

    name = "short_answer"

    def compile(self, data):
        return {gap["id"]: _Gap(gap) for gap in data["gaps"]}

    def mark(self, c, response):
        gaps = c.body
        if not isinstance(response, dict):
            raise ResponseError("expected an object {gap: answer}")
        for gap_id in response:
            if gap_id not in gaps:
                raise ResponseError(f"unknown gap {_q(gap_id)}")
        total = 0.0
        feedback = []
        normalised = {}
        for gap_id, gap in gaps.items():
            value = response.get(gap_id)
            key = None
            if value is None:
                text = ""
            elif gap.options is not None:
                if _is_number(value) and float(value).is_integer():
                    if not 0 <= value < len(gap.options):
                        raise ResponseError(
                            f"index out of range for gap {_q(gap_id)}: {int(value)}")
                    value = gap.options[int(value)]
                elif not isinstance(value, str):
                    raise ResponseError(f"expected a string for gap {_q(gap_id)}")
                elif value not in gap.options:
                    raise ResponseError(f"unknown option {_q(value)} for gap {_q(gap_id)}")
                text = key = value
            elif isinstance(value, str):
                text = normalise_text(value)
                if text:
                    key = text if gap.case_sensitive else text.lower()
            else:
                raise ResponseError(f"expected a string for gap {_q(gap_id)}")
            normalised[gap_id] = text
            if key is not None:
                found = gap.best(key)
                if found is not None:
                    total += found[0]
                    if found[2]:
                        feedback.append(found[2])
        return _finish(c, total / len(gaps), feedback, normalised)


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WS_EDGES = re.compile(f"^[{WHITESPACE}]+|[{WHITESPACE}]+$")


def within(value: float, target: float, tolerance: float) -> bool:
    """|value - target| <= tolerance, allowing 1e-9 (relative) for binary rounding."""
    return abs(value - target) <= tolerance + 1e-9 * max(1.0, abs(target))


@register
class Numeric(QuestionType):
    """A number (or a numeric string, optionally followed by the unit): best answer in tolerance."""

    name = "numeric"

    def compile(self, data):
        answers = [(float(a["value"]), float(a.get("tolerance", 0.0)), float(a.get("credit", 1.0)),
                    a.get("feedback", "")) for a in data["answers"]]
        return (answers, data.get("unit"))

    def mark(self, c, response):
        answers, unit = c.body
        if isinstance(response, str):
            text = _WS_EDGES.sub("", response)
            if unit and text.endswith(unit):
                text = _WS_EDGES.sub("", text[: -len(unit)])
            if not text:
                return mark_compiled(c, None)
            if not _NUMBER.fullmatch(text):
                raise ResponseError(f"not a number: {_q(response)}")
            value = float(text)
        elif _is_number(response):
            try:
                value = float(response)
            except OverflowError:  # an integer beyond any float, e.g. 10**400
                value = math.inf
        else:
            raise ResponseError("expected a number")
        if not math.isfinite(value):
            raise ResponseError("not a finite number")
        best = None
        for target, tolerance, credit, feedback in answers:
            if within(value, target, tolerance) and (best is None or credit > best[0]):
                best = (credit, feedback)
        if best is None:
            return _finish(c, 0.0, [], value)
        return _finish(c, best[0], [best[1]] if best[1] else [], value)


@register
class Essay(QuestionType):
    """Free text for a tutor to mark: pending, never auto-marked; word limits are enforced."""

    name = "essay"

    def compile(self, data):
        return (data.get("word_limit"), data.get("min_words", 0) or 0)

    def mark(self, c, response):
        word_limit, min_words = c.body
        if not isinstance(response, str):
            raise ResponseError("expected a string")
        words = word_count(response)
        if word_limit is not None and words > word_limit:
            raise ResponseError(f"over the word limit: {words} words, limit {word_limit}")
        if words < min_words:
            raise ResponseError(f"under the minimum: {words} words, at least {min_words}")
        feedback = [c.general] if c.general else []
        text = unicodedata.normalize("NFC", response)
        return Mark(0.0, c.points, 0.0, None, feedback, text, True)


class _Step:
    __slots__ = ("id", "question", "branches", "default")

    def __init__(self, step_id, question, branches, default):
        self.id = step_id
        self.question = question
        self.branches = branches
        self.default = default


@register
class Scenario(QuestionType):
    """Steps along a (possibly branching) path; the children's scores scaled to `points`."""

    name = "scenario"

    def compile(self, data):
        steps = data["steps"]
        compiled = {}
        for index, step in enumerate(steps):
            default = step.get("next")
            if default is None:
                default = steps[index + 1]["id"] if index + 1 < len(steps) else "end"
            compiled[step["id"]] = _Step(step["id"], compile_question(step["question"]),
                                         dict(step.get("branches") or {}), default)
        return (steps[0]["id"], compiled)

    def mark(self, c, response):
        first, steps = c.body
        if not isinstance(response, dict):
            raise ResponseError("expected an object {path, answers}")
        for key in response:
            if key not in ("path", "answers"):
                raise ResponseError(f"unknown key {_q(key)}")
        path = response.get("path")
        answers = response.get("answers", {})
        if not isinstance(path, list):
            raise ResponseError("path: expected a list of step ids")
        if not isinstance(answers, dict):
            raise ResponseError("answers: expected an object {step: answer}")
        for step_id in path:
            if not isinstance(step_id, str) or step_id not in steps:
                raise ResponseError(f"unknown step {_q(step_id)} in the path")
        for step_id in answers:
            if step_id not in steps:
                raise ResponseError(f"unknown step {_q(step_id)} in the answers")
            if step_id not in path:
                raise ResponseError(f"answer for step {_q(step_id)}, which is not on the path")
        score = total = 0.0
        pending = False
        feedback: list[str] = []
        normalised = {}
        current, index = first, 0
        while current != "end":  # ends: index grows each step and the path is finite
            if index == 0 and (not path or path[0] != first):
                raise ResponseError(f"path must start at step {_q(first)}")
            if index >= len(path):
                raise ResponseError(f"path stops before step {_q(current)}")
            if path[index] != current:
                raise ResponseError(f"path goes to {_q(path[index])} after {_q(path[index - 1])}, "
                                    f"but the answers lead to {_q(current)}")
            step = steps[current]
            try:
                child = mark_compiled(step.question, answers.get(current))
            except ResponseError as error:
                raise ResponseError(f"step {_q(current)}: {error}") from None
            normalised[current] = child.response
            score += child.score
            total += child.max
            pending = pending or child.pending
            feedback.extend(child.feedback)
            key = None if child.response is None else step.question.impl.branch_key(child.response)
            current = step.default if key is None else step.branches.get(key, step.default)
            index += 1
        if index < len(path):
            raise ResponseError(f"path goes on after the end: {_q(path[index])}")
        if c.general:
            feedback.append(c.general)
        fraction = round(score / total, 6) if total else 0.0
        return Mark(round(c.points * score / total, 6) if total else 0.0, c.points, fraction,
                    None if pending else fraction == 1.0, feedback,
                    {"path": list(path), "answers": normalised}, pending)
