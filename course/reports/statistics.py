"""Item analysis as Moodle's quiz statistics report computes it; pure functions, no app needed.

Following Moodle's "Quiz statistics calculations" (docs.moodle.org/dev):

- facility index F = (mean item score - item min) / (item max - item min), here on 0..1
  (Moodle prints it as a percentage); item min is 0 for every carecourse question type;
- discrimination index P = r(x, X): Pearson's correlation between the item score x and the score
  on the rest of the quiz X = T - x (T the attempt's total), over the attempts analysed; Moodle
  prints 100 P. Undefined (None) with fewer than two attempts or when x or X does not vary;
- by default only each learner's first (finished) attempt is analysed, as Moodle does: later
  attempts build on feedback and break item analysis' assumptions; "all attempts" treats each
  attempt as if made by a different learner.

The database side sums ``n, Σx, Σx², ΣT, ΣT², ΣxT`` per question in one GROUP BY; ``ItemSums``
turns those sums into the same figures ``item_statistics`` computes from the raw scores.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

TOO_EASY = 0.9
TOO_HARD = 0.2
# Relative tolerance below which a variance counts as zero (sums of floats are not exact).
_ZERO = 1e-12


@dataclass(frozen=True)
class ItemSums:
    """Sums over the analysed attempts of one item: x its score, t the attempt's total score."""

    n: int
    sum_x: float
    sum_xx: float
    sum_t: float
    sum_tt: float
    sum_xt: float
    max_score: float

    @classmethod
    def from_scores(cls, item_scores: Sequence[float], totals: Sequence[float], max_score: float) -> ItemSums:
        """The sums of paired item scores and attempt totals."""
        if len(item_scores) != len(totals):
            raise ValueError("item_scores and totals differ in length")
        return cls(
            n=len(item_scores),
            sum_x=float(sum(item_scores)),
            sum_xx=float(sum(x * x for x in item_scores)),
            sum_t=float(sum(totals)),
            sum_tt=float(sum(t * t for t in totals)),
            sum_xt=float(sum(x * t for x, t in zip(item_scores, totals, strict=True))),
            max_score=float(max_score),
        )

    @property
    def facility(self) -> float | None:
        """Mean item score over its maximum (0..1); None without attempts or marks."""
        if not self.n or self.max_score <= 0:
            return None
        return self.sum_x / self.n / self.max_score

    @property
    def discrimination(self) -> float | None:
        """Correlation of the item score with the rest-of-quiz score (-1..1), or None."""
        n = self.n
        if n < 2:
            return None
        # Rest of the quiz: y = t - x.
        sum_y = self.sum_t - self.sum_x
        sum_yy = self.sum_tt - 2 * self.sum_xt + self.sum_xx
        sum_xy = self.sum_xt - self.sum_xx
        sxx = n * self.sum_xx - self.sum_x ** 2
        syy = n * sum_yy - sum_y ** 2
        sxy = n * sum_xy - self.sum_x * sum_y
        scale_x = max(1.0, n * self.sum_xx)
        scale_y = max(1.0, n * abs(sum_yy))
        if sxx <= _ZERO * scale_x or syy <= _ZERO * scale_y:
            return None
        r = sxy / math.sqrt(sxx * syy)
        return max(-1.0, min(1.0, r))


def facility_index(item_scores: Sequence[float], max_score: float) -> float | None:
    """Mean item score over the item's maximum (0..1), Moodle's facility index / 100."""
    if not item_scores or max_score <= 0:
        return None
    return sum(item_scores) / len(item_scores) / max_score


def discrimination_index(item_scores: Sequence[float], totals: Sequence[float]) -> float | None:
    """Pearson's r between item scores and rest-of-quiz scores (totals minus the item), or None."""
    n = len(item_scores)
    if n != len(totals):
        raise ValueError("item_scores and totals differ in length")
    if n < 2:
        return None
    rest = [t - x for x, t in zip(item_scores, totals, strict=True)]
    mx = sum(item_scores) / n
    my = sum(rest) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(item_scores, rest, strict=True))
    vx = sum((x - mx) ** 2 for x in item_scores)
    vy = sum((y - my) ** 2 for y in rest)
    if vx <= _ZERO * max(1.0, mx * mx * n) or vy <= _ZERO * max(1.0, my * my * n):
        return None
    return cov / math.sqrt(vx * vy)


def flags(facility: float | None, discrimination: float | None) -> list[str]:
    """What to look at: "too easy" (F > 0.9), "too hard" (F < 0.2), "negative discrimination" (P < 0)."""
    out = []
    if facility is not None and facility > TOO_EASY:
        out.append("too easy")
    if facility is not None and facility < TOO_HARD:
        out.append("too hard")
    if discrimination is not None and discrimination < 0:
        out.append("negative discrimination")
    return out


def option_key(response: Any) -> list[str]:
    """The options a choice response picked: an option id, each id of a list, "true"/"false"."""
    if response is None:
        return []
    if isinstance(response, bool):
        return ["true" if response else "false"]
    if isinstance(response, str):
        return [response]
    if isinstance(response, list):
        return [str(r) for r in response]
    return []


def option_frequencies(responses: Iterable[tuple[Any, int]], options: Sequence[str]) -> dict[str, int]:
    """Times each option was chosen, from (response, count) pairs; unanswered under "" (no answer).

    Every option in ``options`` appears (0 when never chosen), in that order, then any other
    value seen.
    """
    counts: Counter[str] = Counter()
    for response, count in responses:
        keys = option_key(response)
        if not keys:
            counts[""] += count
        for key in keys:
            counts[key] += count
    out = {option: counts.pop(option, 0) for option in options}
    for key in sorted(k for k in counts if k):
        out[key] = counts[key]
    out[""] = counts.get("", 0)
    return out


@dataclass(frozen=True)
class ItemStatistics:
    """The figures of one item for the report."""

    n: int
    facility: float | None
    discrimination: float | None
    flags: list[str]


def item_statistics(sums: ItemSums) -> ItemStatistics:
    """Facility, discrimination and flags of one item from its sums."""
    f = sums.facility
    d = sums.discrimination
    return ItemStatistics(n=sums.n, facility=f, discrimination=d, flags=flags(f, d))
