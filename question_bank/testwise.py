"""The test-wise score of a quiz: what a learner with no knowledge of the content can earn.

A quiz mark is evidence of a criterion only if a learner who lacks the knowledge cannot reach it.
Two such learners are modelled (README.md, "Test-wise score", gives each rule and its source):

- ``guess`` picks uniformly at random among the answers the player lets them give;
- ``testwise`` reads the surface cues of `cues` first (the longest option, the option echoing the
  stem, "all of the above", absolute words, the quiz's favourite key position, True) and guesses
  only among what the cues leave.

Every chosen response is scored by the marking engine itself (`marking.mark` / `mark_step` on the
compiled question), so these figures can never drift from how the app and the player mark.
Response spaces are enumerated exactly when small and sampled with a seeded mulberry32 otherwise;
a quiz with draws is estimated over seeded assemblies (`draw.assemble_quiz`). Pure: no app, no
database.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import cues
from .draw import DrawError, assemble_quiz, mulberry32, shuffle
from .marking import mark, mark_step, step_after
from .model import Question, quote

__all__ = [
    "STRATEGIES",
    "LearnerEstimate",
    "Pick",
    "QuizEstimate",
    "estimate_quiz",
    "modal_key_position",
    "pick_option",
    "question_distribution",
]

STRATEGIES = ("testwise", "guess")

# The app's pass test: a fraction rounded to 6 places, plus this allowance (course.learning.grading).
EPSILON = 1e-9

# Response spaces up to these sizes are enumerated; larger ones are sampled (see the README).
MAX_ORDERINGS = 5040           # 7 items
MAX_SUBSETS = 1024             # 10 options (1,023 non-empty subsets)
MAX_DROPDOWN_COMBINATIONS = 4096
RESPONSE_SAMPLES = 10_000
RESPONSE_SEED = 1

# The joint distribution of the total and every open criterion, for criterion_threshold: above
# this many states it is sampled instead (JOINT_SAMPLES draws from the items' distributions).
MAX_JOINT_STATES = 200_000
JOINT_SAMPLES = 20_000


@dataclass(frozen=True, slots=True)
class LearnerEstimate:
    """What one no-knowledge learner earns on a quiz (fractions of the auto-marked maximum)."""

    expected: float
    pass_probability: float
    pass_within_attempts: float
    reaches_pass_mark: bool
    criteria: dict[str, float]

    def to_dict(self) -> dict:
        """Plain JSON."""
        return {
            "expected": self.expected,
            "pass_probability": self.pass_probability,
            "pass_within_attempts": self.pass_within_attempts,
            "reaches_pass_mark": self.reaches_pass_mark,
            "criteria": dict(self.criteria),
        }


@dataclass(frozen=True, slots=True)
class QuizEstimate:
    """Both learners on one quiz, with how the figures were reached.

    ``problems`` names items that could not be scored (each counted as scoring 0); ``notes`` says
    which parts were sampled rather than computed exactly.
    """

    testwise: LearnerEstimate
    guess: LearnerEstimate
    auto_max: float
    essay_max: float
    method: str
    samples: int
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain JSON, nested."""
        return {
            "testwise": self.testwise.to_dict(),
            "guess": self.guess.to_dict(),
            "auto_max": self.auto_max,
            "essay_max": self.essay_max,
            "method": self.method,
            "samples": self.samples,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class Pick:
    """The options a test-wise learner chooses among (uniformly), and the rule that left them."""

    candidates: tuple[str, ...]
    rule: str


# --- the test-wise learner's choices ------------------------------------------------------------

_EXCLUSIVE_WORDS = frozenset({"none", "neither"})


def _is_all_of_the_above(text: Any) -> bool:
    # cues.is_all_or_none_of_above cannot tell "all of the above" from "none of the above"; the
    # folklore favours only the inclusive kind (all / both of the above).
    return cues.is_all_or_none_of_above(text) and not (_EXCLUSIVE_WORDS & cues.content_words(text))


def _options_shuffled(question: dict, options_shuffled: bool) -> bool:
    return options_shuffled or bool(question.get("shuffle"))


def pick_option(question: dict, *, options_shuffled: bool = False,
                  key_position: int | None = None) -> Pick:
    """The test-wise learner's choice on a single-choice question, by the first rule that decides.

    1. ``longest``: the strictly longest option (`cues.longest_option`);
    2. ``stem_words``: the one option sharing most content words with the stem
       (`cues.stem_match_option`);
    3. ``all_of_the_above``: the one "all/both of the above" option;
    4. options with absolute words ("always", "never", "none"...) are dropped, unless that would
       drop them all (rule ``absolute_words`` when it dropped any);
    5. ``key_position``: where the options are shown in the authored order, the quiz's modal key
       position (0-based), when that option is still a candidate;
    6. otherwise a uniform guess among the candidates left (``guess`` or ``absolute_words``).
    """
    options = question["options"]
    ids = [option["id"] for option in options]
    longest = cues.longest_option(options)
    if longest is not None:
        return Pick((longest,), "longest")
    echoed = cues.stem_match_option(question.get("stem"), options)
    if echoed is not None:
        return Pick((echoed,), "stem_words")
    inclusive = [option["id"] for option in options if _is_all_of_the_above(option.get("text"))]
    if len(inclusive) == 1:
        return Pick((inclusive[0],), "all_of_the_above")
    left = [option["id"] for option in options if not cues.absolute_words(option.get("text"))]
    rule = "absolute_words" if left and len(left) < len(ids) else "guess"
    if not left:
        left = ids
    if key_position is not None and not _options_shuffled(question, options_shuffled) \
            and 0 <= key_position < len(ids) and ids[key_position] in left:
        return Pick((ids[key_position],), "key_position")
    return Pick(tuple(left), rule)


def _key_index(question: dict) -> int | None:
    keys = [i for i, option in enumerate(question.get("options") or []) if option.get("correct")]
    return keys[0] if len(keys) == 1 else None


def modal_key_position(questions: Iterable[dict], *, options_shuffled: bool = False) -> int | None:
    """The 0-based position that holds more than half of the keys of the single-choice questions
    shown in their authored order (scenario steps included; at least cues.KEY_POSITION_MIN_ITEMS of
    them), or None when there is no such pattern."""
    if options_shuffled:
        return None
    counts: dict[int, int] = {}

    def count(question: Any) -> None:
        if isinstance(question, dict) and question.get("type") == "single_choice" \
                and not question.get("shuffle"):
            position = _key_index(question)
            if position is not None:
                counts[position] = counts.get(position, 0) + 1

    for question in questions:
        if not isinstance(question, dict):
            continue
        if question.get("type") == "scenario":
            for step in question.get("steps") or []:
                count(step.get("question") if isinstance(step, dict) else None)
        else:
            count(question)
    # The same pattern the key-position check warns about (cues.key_position_pattern): one
    # question, or a position that leads by one of many, is nothing a learner could notice.
    return cues.key_position_pattern([p for p, n in counts.items() for _ in range(n)])


# --- responses each learner gives -----------------------------------------------------------------

Outcomes = list[tuple[float, Any]]  # (probability, response); probabilities sum to 1


def _sampled(draw_one: Callable[[Callable[[], float]], Any]) -> Outcomes:
    rand = mulberry32(RESPONSE_SEED)
    share = 1.0 / RESPONSE_SAMPLES
    return [(share, draw_one(rand)) for _ in range(RESPONSE_SAMPLES)]


def _uniform(responses: Sequence[Any]) -> Outcomes:
    share = 1.0 / len(responses)
    return [(share, response) for response in responses]


def _single_choice(question: dict, strategy: str, options_shuffled: bool,
                   key_position: int | None) -> Outcomes:
    if strategy == "guess":
        return _uniform([option["id"] for option in question["options"]])
    return _uniform(pick_option(question, options_shuffled=options_shuffled,
                                key_position=key_position).candidates)


def _random_subsets(ids: list[str]) -> tuple[Outcomes, bool]:
    if 2 ** len(ids) <= MAX_SUBSETS:
        subsets = [[oid for bit, oid in enumerate(ids) if mask >> bit & 1]
                   for mask in range(1, 2 ** len(ids))]
        return _uniform(subsets), False

    def draw_one(rand: Callable[[], float]) -> list[str]:
        while True:  # rejecting the empty set keeps the rest uniform
            chosen = [oid for oid in ids if rand() < 0.5]
            if chosen:
                return chosen

    return _sampled(draw_one), True


def _multiple_response(question: dict, strategy: str) -> tuple[Outcomes, bool]:
    options = question["options"]
    ids = [option["id"] for option in options]
    if strategy == "testwise":
        lengths = [cues.text_length(option.get("text")) for option in options]
        mean = sum(lengths) / len(lengths)
        longer = [oid for oid, length in zip(ids, lengths) if length > mean]
        if longer:
            return [(1.0, longer)], False
    return _random_subsets(ids)


def _matching(question: dict) -> Outcomes:
    # Each premise is right with probability 1/#responses, independently, and marking gives
    # 1/#premises per premise right whichever wrong response was picked; so one response per
    # number right (the first k premises right, the others on a wrong response) covers the space
    # exactly, with binomial weights.
    premises = question["premises"]
    response_ids = [response["id"] for response in question["responses"]]
    right = 1.0 / len(response_ids)
    outcomes: Outcomes = []
    for k in range(len(premises) + 1):
        chance = math.comb(len(premises), k) * right ** k * (1 - right) ** (len(premises) - k)
        if chance == 0:
            continue
        answer = {}
        for index, premise in enumerate(premises):
            if index < k:
                answer[premise["id"]] = premise["match"]
            else:
                answer[premise["id"]] = next(r for r in response_ids if r != premise["match"])
        outcomes.append((chance, answer))
    return outcomes


def _ordering(question: dict) -> tuple[Outcomes, bool]:
    ids = [item["id"] for item in question["items"]]
    if math.factorial(len(ids)) <= MAX_ORDERINGS:
        return _uniform([list(order) for order in itertools.permutations(ids)]), False
    return _sampled(lambda rand: shuffle(ids, rand)), True


def _short_answer(question: dict) -> tuple[Outcomes, bool]:
    # Text gaps are left empty (a learner with no knowledge cannot type the answer); each dropdown
    # gap takes a random option.
    gaps = question["gaps"]
    choices = [list(gap["options"]) if gap.get("options") else [None] for gap in gaps]
    gap_ids = [gap["id"] for gap in gaps]
    if math.prod(len(c) for c in choices) <= MAX_DROPDOWN_COMBINATIONS:
        return _uniform([dict(zip(gap_ids, combo)) for combo in itertools.product(*choices)]), False
    return _sampled(lambda rand: {gid: c[int(rand() * len(c))] for gid, c in zip(gap_ids, choices)}), True


def _responses(question: dict, strategy: str, options_shuffled: bool,
               key_position: int | None) -> tuple[Outcomes, bool]:
    """The responses a learner gives to a (non-scenario) question, and whether they were sampled."""
    kind = question["type"]
    if kind == "single_choice":
        return _single_choice(question, strategy, options_shuffled, key_position), False
    if kind == "true_false":
        return ([(1.0, True)] if strategy == "testwise" else [(0.5, True), (0.5, False)]), False
    if kind == "multiple_response":
        return _multiple_response(question, strategy)
    if kind == "matching":
        return _matching(question), False
    if kind == "ordering":
        return _ordering(question)
    if kind == "short_answer":
        return _short_answer(question)
    if kind in ("numeric", "essay"):
        return [(1.0, None)], False
    raise ValueError(f"unknown question type {quote(kind)}")


# --- scoring them with the marking engine -----------------------------------------------------------

@dataclass(slots=True)
class _Scored:
    """One item's outcomes: (probability, score, fraction), merged, plus how they were reached."""

    outcomes: list[tuple[float, float, float]]
    points: float
    simulated: bool = False


def _merge(triples: Iterable[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    merged: dict[float, list[float]] = {}
    for probability, score, fraction in triples:
        entry = merged.setdefault(round(score, 9), [0.0, score, fraction])
        entry[0] += probability
    return sorted((tuple(entry) for entry in merged.values()), key=lambda entry: entry[1])


def _marked(outcomes: Outcomes, mark_one: Callable[[Any], Any]) -> list[tuple[float, Any, Any]]:
    """(probability, response, Mark), each distinct response marked once."""
    marks: dict[str, Any] = {}
    out = []
    for probability, response in outcomes:
        key = json.dumps(response, sort_keys=True)
        if key not in marks:
            marks[key] = mark_one(response)
        out.append((probability, response, marks[key]))
    return out


def _scenario(question: Question, strategy: str, options_shuffled: bool,
              key_position: int | None) -> _Scored:
    data = question.data
    steps = {step["id"]: step for step in data["steps"]}
    points = float(data.get("points", 1.0))
    simulated = False
    # step id -> [(probability, the answer when it routes (else None), {child score: probability})]
    branches_of: dict[str, list[tuple[float, Any, dict[float, float]]]] = {}
    child_max: dict[str, float] = {}

    def step_outcomes(step_id: str) -> list[tuple[float, Any, dict[float, float]]]:
        nonlocal simulated
        if step_id in branches_of:
            return branches_of[step_id]
        child = steps[step_id]["question"]
        if child["type"] == "essay":  # left to the tutor: nothing auto-marked earned here
            responses, sampled = [(1.0, None)], False
        else:
            responses, sampled = _responses(child, strategy, options_shuffled, key_position)
        simulated = simulated or sampled
        routes = child["type"] in ("single_choice", "true_false")
        groups: dict[str, list] = {}
        for probability, response, child_mark in _marked(
                responses, lambda response: mark_step(question, step_id, response)):
            child_max[step_id] = child_mark.max
            route = response if routes else None
            group = groups.setdefault(json.dumps(route), [0.0, route, {}])
            group[0] += probability
            score = round(child_mark.score, 9)
            group[2][score] = group[2].get(score, 0.0) + probability
        branches_of[step_id] = [(p, route, {s: q / p for s, q in scores.items()})
                                for p, route, scores in groups.values() if p > 0]
        return branches_of[step_id]

    finished: dict[float, list[float]] = {}

    def walk(path: list[str], answers: dict, chance: float, sums: dict[float, float], total: float) -> None:
        on = step_after(data, answers, path)
        if on is None:
            for child_sum, p in sums.items():
                score = round(points * child_sum / total, 6) if total else 0.0
                fraction = round(child_sum / total, 6) if total else 0.0
                entry = finished.setdefault(score, [0.0, score, fraction])
                entry[0] += chance * p
            return
        for p_route, route, scores in step_outcomes(on):
            combined: dict[float, float] = {}
            for before, p_before in sums.items():
                for child_score, p_child in scores.items():
                    key = round(before + child_score, 9)
                    combined[key] = combined.get(key, 0.0) + p_before * p_child
            walk(path + [on], {**answers, on: route} if route is not None else answers,
                 chance * p_route, combined, total + child_max[on])

    walk([], {}, 1.0, {0.0: 1.0}, 0.0)
    return _Scored(_merge(tuple(entry) for entry in finished.values()), points, simulated)


def _score_question(question: Question, strategy: str, options_shuffled: bool,
                    key_position: int | None) -> _Scored | None:
    data = question.data
    if data["type"] == "essay":
        return None
    if data["type"] == "scenario":
        return _scenario(question, strategy, options_shuffled, key_position)
    responses, sampled = _responses(data, strategy, options_shuffled, key_position)
    marked = _marked(responses, lambda response: mark(question, response))
    return _Scored(_merge((p, m.score, m.fraction) for p, _, m in marked), float(data.get("points", 1.0)),
                   sampled)


def _cannot_score(data: Any, error: Exception) -> ValueError:
    name = f"question {quote(data.get('id'))} version {quote(data.get('version'))}" \
        if isinstance(data, dict) else "a question"
    if isinstance(error, KeyError) and isinstance(error.args[0], str) and " " not in error.args[0]:
        detail = f"missing key {quote(error.args[0])}"
    elif isinstance(error, KeyError):
        detail = str(error.args[0])
    elif isinstance(error, ValueError):
        detail = str(error)
    else:
        detail = f"{type(error).__name__}: {error}"
    return ValueError(f"{name} cannot be scored: {detail}")


def _scored(data: dict, strategy: str, options_shuffled: bool, key_position: int | None,
            compiled: dict[tuple, Question] | None = None) -> _Scored | None:
    """One question's outcomes; ValueError naming the question when its data cannot be scored.

    ``compiled`` caches the compiled questions of one estimate by (id, version)."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {quote(strategy)}: expected one of {', '.join(STRATEGIES)}")
    try:
        if compiled is None:
            question = Question.trusted(data)
        else:
            key = (data["id"], data["version"])
            if key not in compiled:
                compiled[key] = Question.trusted(data)
            question = compiled[key]
        return _score_question(question, strategy, options_shuffled, key_position)
    except (KeyError, TypeError, IndexError, AttributeError, ZeroDivisionError, StopIteration,
            ValueError) as error:
        raise _cannot_score(data, error) from None


def question_distribution(data: dict, strategy: str, *, options_shuffled: bool = False,
                          key_position: int | None = None) -> list[tuple[float, float]] | None:
    """[(probability, fraction)] of one learner's mark on a question, merged by fraction and in
    increasing fraction; None for an essay (not auto-marked).

    ``data`` is canonical question JSON (as stored, or `dump_question`'s output). ``strategy`` is
    "testwise" or "guess"; ``options_shuffled`` says the player shuffles every question's options;
    ``key_position`` is the quiz's modal key position (see `modal_key_position`) for the test-wise
    learner. ValueError when the question cannot be scored (malformed data, unknown strategy).
    """
    scored = _scored(data, strategy, options_shuffled, key_position)
    if scored is None:
        return None
    by_fraction: dict[float, float] = {}
    for probability, _, fraction in scored.outcomes:
        by_fraction[round(fraction, 9)] = by_fraction.get(round(fraction, 9), 0.0) + probability
    return sorted(((p, f) for f, p in by_fraction.items()), key=lambda entry: entry[1])


# --- a quiz ---------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Item:
    scored: _Scored
    criteria: tuple[str, ...]


@dataclass(slots=True)
class _Assembled:
    """One assembly's figures for one learner (unrounded)."""

    expected: float
    pass_probability: float
    criteria: dict[str, float]
    auto_max: float
    joint_simulated: bool = False


@dataclass(slots=True)
class _Context:
    options_shuffled: bool
    pass_mark: float
    threshold: float | None
    seed: int
    compiled: dict[tuple[str, int], Question] = field(default_factory=dict)
    distributions: dict[tuple, _Scored | None] = field(default_factory=dict)
    problems: dict[str, None] = field(default_factory=dict)
    sampled_items: dict[str, None] = field(default_factory=dict)


def _meets(score: float, maximum: float, bar: float) -> bool:
    # Exactly the app's test (course.learning.submission): a fraction rounded to 6 places + EPSILON.
    return maximum > 0 and round(score / maximum, 6) + EPSILON >= bar


# Scores are marked to 6 decimal places, so in millionths they add up exactly as integers.
_UNITS = 10 ** 6


def _units(score: float) -> int:
    return round(score * _UNITS)


def _needed(maximum: int, bar: float) -> int:
    """The least score (in units) out of ``maximum`` that meets ``bar``; maximum + 1 if none does."""
    if not _meets(maximum / _UNITS, maximum / _UNITS, bar):
        return maximum + 1
    low, high = 0, maximum
    while low < high:
        middle = (low + high) // 2
        if _meets(middle / _UNITS, maximum / _UNITS, bar):
            high = middle
        else:
            low = middle + 1
    return low


@dataclass(slots=True)
class _Bars:
    """What one attempt must reach, in units: the total, and each distinct group of criteria.

    Criteria evidenced by exactly the same items always have the same fraction, so each such group
    is followed once (the NOS pairs EFFREL/CONTACT share every item, for instance).
    """

    total: int
    groups: list[tuple[frozenset[int], int]]  # (item indices, units needed)


def _bars(items: list[_Item], auto_max: float, pass_mark: float, threshold: float | None) -> _Bars:
    total = _needed(_units(auto_max), pass_mark)
    if threshold is None:
        return _Bars(total, [])
    members: dict[str, set[int]] = {}
    for index, item in enumerate(items):
        for ref in item.criteria:
            members.setdefault(ref, set()).add(index)
    groups = {frozenset(indices) for indices in members.values()}
    return _Bars(total, sorted(
        ((group, _needed(sum(_units(items[i].scored.points) for i in group), threshold)) for group in groups),
        key=lambda entry: sorted(entry[0])))


def _settling_order(items: list[_Item], groups: list[frozenset[int]]) -> list[int]:
    """The items spanning most criterion groups first (quiz order among equals).

    Measured on the shipped course: with the wide items (scenarios) first, the later items each
    touch one or two groups and settle them one after another, so the bounds prune early; this
    order made the exact computation about three times faster than one that settles groups greedily.
    """
    return sorted(range(len(items)), key=lambda i: (-sum(1 for g in groups if i in g), i))


def _exact_pass(items: list[_Item], bars: _Bars) -> float | None:
    """P(one attempt passes), exactly; None when the states outgrow MAX_JOINT_STATES.

    A state is the running total and the running score of each criterion group not yet complete,
    each capped at what it needs (beyond that the exact score no longer matters). A state that can
    no longer reach a bar even with the best outcome of every item left is dropped, and so is one
    short of a group after the group's last item. This keeps the state count small.
    """
    order = _settling_order(items, [g for g, _ in bars.groups])
    rank = {item: position for position, item in enumerate(order)}
    groups = [(frozenset(rank[i] for i in g), need) for g, need in bars.groups]
    outcomes = [[(p, _units(score)) for p, score, _ in items[i].scored.outcomes if p > 0] for i in order]
    best = [max(score for _, score in choices) for choices in outcomes]
    # still[k]: the most the items after position k can add (to the total / to each group).
    still = [sum(best[k + 1:]) for k in range(len(order))]
    still_in = {g: [sum(best[j] for j in g if j > k) for k in range(len(order))] for g, _ in groups}
    last = {g: max(g) for g, _ in groups}
    needed = dict(groups)
    open_groups: tuple[frozenset[int], ...] = ()
    states: dict[tuple[int, tuple[int, ...]], float] = {(0, ()): 1.0}
    for k, choices in enumerate(outcomes):
        widened = open_groups + tuple(g for g, _ in groups if min(g) == k)
        touched = [i for i, g in enumerate(widened) if k in g]
        kept = [i for i, g in enumerate(widened) if last[g] != k]
        caps = [needed[g] for g in widened]
        floors = [needed[g] - still_in[g][k] for g in widened]
        total_floor = bars.total - still[k]
        padding = (0,) * (len(widened) - len(open_groups))
        following: dict[tuple[int, tuple[int, ...]], float] = {}
        for (total, scores), p_state in states.items():
            base = scores + padding
            for probability, score in choices:
                reached = total + score
                if reached < total_floor:
                    continue
                running = list(base)
                for i in touched:
                    running[i] = min(caps[i], running[i] + score)
                if any(running[i] < floors[i] for i in touched):
                    continue
                key = (min(bars.total, reached), tuple(running[i] for i in kept))
                following[key] = following.get(key, 0.0) + p_state * probability
        states = following
        open_groups = tuple(widened[i] for i in kept)
        if len(states) > MAX_JOINT_STATES:
            return None
    return sum(p for (total, _), p in states.items() if total >= bars.total)


def _sampled_pass(items: list[_Item], bars: _Bars, seed: int) -> float:
    rand = mulberry32(seed)
    cumulative = [list(itertools.accumulate(p for p, _, _ in item.scored.outcomes)) for item in items]
    scores = [[_units(score) for _, score, _ in item.scored.outcomes] for item in items]
    passed = 0
    for _ in range(JOINT_SAMPLES):
        drawn = []
        for bounds, values in zip(cumulative, scores):
            r = rand() * bounds[-1]
            drawn.append(values[next((i for i, b in enumerate(bounds) if r < b), len(bounds) - 1)])
        if sum(drawn) >= bars.total and all(sum(drawn[i] for i in group) >= need
                                            for group, need in bars.groups):
            passed += 1
    return passed / JOINT_SAMPLES


def _assess(items: list[_Item], context: _Context) -> _Assembled:
    auto_max = sum(item.scored.points for item in items)
    if not items or auto_max <= 0:
        return _Assembled(0.0, 0.0, {}, 0.0)
    expected_score: dict[str, float] = {}
    ref_max: dict[str, float] = {}
    total_expected = 0.0
    for item in items:
        mean = sum(p * score for p, score, _ in item.scored.outcomes)
        total_expected += mean
        for ref in item.criteria:
            expected_score[ref] = expected_score.get(ref, 0.0) + mean
            ref_max[ref] = ref_max.get(ref, 0.0) + item.scored.points
    criteria = {ref: expected_score[ref] / ref_max[ref] for ref in expected_score}
    bars = _bars(items, auto_max, context.pass_mark, context.threshold)
    pass_probability = _exact_pass(items, bars)
    sampled = pass_probability is None
    if pass_probability is None:
        pass_probability = _sampled_pass(items, bars, context.seed)
    return _Assembled(total_expected / auto_max, min(1.0, pass_probability), criteria, auto_max, sampled)


def _item_for(data: dict, strategy: str, key_position: int | None, context: _Context) -> _Item | None:
    """One assembled question's scored outcomes; None for an essay; 0 with a problem if unscorable."""
    cache_key = (data.get("id"), data.get("version"), strategy, key_position)
    if cache_key not in context.distributions:
        try:
            scored = _scored(data, strategy, context.options_shuffled, key_position, context.compiled)
        except ValueError as problem:
            context.problems[f"{problem}; counted as 0"] = None
            points = data.get("points", 1.0)
            valid = isinstance(points, (int, float)) and not isinstance(points, bool) and points > 0 \
                and math.isfinite(points)
            scored = _Scored([(1.0, 0.0, 0.0)], float(points)) if valid and data.get("type") != "essay" \
                else None
        if scored is not None and scored.simulated:
            context.sampled_items[f"{data.get('id')} v{data.get('version')}"] = None
        context.distributions[cache_key] = scored
    scored = context.distributions[cache_key]
    if scored is None:
        return None
    refs = data.get("criteria") if isinstance(data.get("criteria"), list) else []
    return _Item(scored, tuple(dict.fromkeys(ref for ref in refs if isinstance(ref, str))))


def _essay_points(data: dict) -> float:
    points = data.get("points", 1.0)
    return float(points) if data.get("type") == "essay" and isinstance(points, (int, float)) else 0.0


def _assembly(questions: list[dict], context: _Context) -> tuple[dict[str, _Assembled], float]:
    key_position = modal_key_position(questions, options_shuffled=context.options_shuffled)
    figures = {}
    for strategy in STRATEGIES:
        items = [item for item in (
            _item_for(data, strategy, key_position if strategy == "testwise" else None, context)
            for data in questions) if item is not None]
        figures[strategy] = _assess(items, context)
    return figures, sum(_essay_points(data) for data in questions)


def _learner(figures: list[_Assembled], pass_mark: float, threshold: float | None,
             attempts: int) -> LearnerEstimate:
    count = len(figures)
    expected = sum(f.expected for f in figures) / count
    pass_probability = sum(f.pass_probability for f in figures) / count
    by_ref: dict[str, list[float]] = {}
    for f in figures:
        for ref, value in f.criteria.items():
            by_ref.setdefault(ref, []).append(value)
    criteria = {ref: sum(values) / len(values) for ref, values in sorted(by_ref.items())}
    if attempts > 0:
        within = 1 - (1 - pass_probability) ** attempts
    else:
        within = 1.0 if pass_probability > 0 else 0.0
    auto_marked = any(f.auto_max > 0 for f in figures)
    reaches = auto_marked and expected + EPSILON >= pass_mark and (
        threshold is None or all(value + EPSILON >= threshold for value in criteria.values()))
    return LearnerEstimate(
        expected=round(expected, 4),
        pass_probability=round(pass_probability, 6),
        pass_within_attempts=round(within, 6),
        reaches_pass_mark=reaches,
        criteria={ref: round(value, 4) for ref, value in criteria.items()},
    )


def _number(quiz: dict, key: str, default: float | None) -> float | None:
    value = quiz.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"quiz {key}: expected a number, got {quote(value)}")
    return float(value)


def estimate_quiz(quiz: dict, questions: Sequence[dict], *, options_shuffled: bool = False,
                  samples: int = 400, seed: int = 1) -> QuizEstimate:
    """Both no-knowledge learners on a course-document quiz (docs/formats.md "Course document").

    ``questions`` are the question versions the quiz uses (fixed items' versions and the current
    versions of draw candidates). A quiz of fixed items is computed exactly; one with draws is
    averaged over ``samples`` assemblies (`assemble_quiz(quiz, questions, seed + k)`), each exact.
    ValueError (the message names the item) when the quiz cannot be assembled.
    """
    if not isinstance(quiz, dict) or not isinstance(quiz.get("items", []), list):
        raise ValueError("quiz: expected an object with a list of items")
    pass_mark = _number(quiz, "pass_mark", 0.8)
    threshold = _number(quiz, "criterion_threshold", None)
    attempts = int(_number(quiz, "attempts", 0) or 0)
    if samples < 1:
        raise ValueError("samples: expected at least 1")
    context = _Context(options_shuffled, pass_mark, threshold, seed)
    bank: list[dict] = []
    for index, data in enumerate(questions):
        if isinstance(data, dict) and isinstance(data.get("id"), str) \
                and isinstance(data.get("version"), int) and isinstance(data.get("criteria", []), list):
            bank.append(data)
        else:
            described = quote(data.get("id")) if isinstance(data, dict) else f"number {index + 1}"
            context.problems[f"question {described} has no usable id, version or criteria; left out"] = None
    by_key = {(data["id"], data["version"]): data for data in bank}
    has_draws = any(not (isinstance(item, dict) and "question" in item) for item in quiz.get("items") or [])
    runs = samples if has_draws else 1
    per_assembly: dict[tuple, tuple[dict[str, _Assembled], float]] = {}
    collected: list[tuple[dict[str, _Assembled], float]] = []
    for k in range(runs):
        try:
            entries = assemble_quiz(quiz, bank, seed + k)
        except DrawError as error:
            raise ValueError(str(error)) from None
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"quiz cannot be assembled: {type(error).__name__} {error}") from None
        key = tuple(sorted((entry["question"], entry["version"]) for entry in entries))
        if key not in per_assembly:
            per_assembly[key] = _assembly([by_key[pair] for pair in key], context)
        collected.append(per_assembly[key])
    learners = {
        strategy: _learner([figures[strategy] for figures, _ in collected], pass_mark, threshold, attempts)
        for strategy in STRATEGIES
    }
    notes: list[str] = []
    if has_draws:
        notes.append(f"draws: averaged over {runs} seeded assemblies (seeds {seed} to {seed + runs - 1})")
    if context.sampled_items:
        notes.append(f"responses sampled ({RESPONSE_SAMPLES:,} seeded draws) where too many to "
                     f"enumerate: {', '.join(context.sampled_items)}")
    if any(f.joint_simulated for figures, _ in collected for f in figures.values()):
        notes.append(f"the pass probability with the per-criterion rule was sampled ({JOINT_SAMPLES:,} "
                     "seeded draws): too many score combinations to enumerate")
    return QuizEstimate(
        testwise=learners["testwise"],
        guess=learners["guess"],
        auto_max=round(sum(figures["guess"].auto_max for figures, _ in collected) / runs, 6),
        essay_max=round(sum(essay for _, essay in collected) / runs, 6),
        method="simulated" if notes else "exact",
        samples=runs if has_draws else 0,
        problems=tuple(context.problems),
        notes=tuple(notes),
    )
