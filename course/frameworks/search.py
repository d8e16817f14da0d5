"""Finding criteria by code or words, on one unit's page and across every unit.

The matching runs in Python over the loaded criteria (the seed units hold 236), so it behaves
the same on SQLite and PostgreSQL and treats every character, % and _ included, literally.
course/static/framework-search.js repeats these rules for live filtering: keep them in step.

Rules, all case-insensitive:
- A query that reads as a criterion code once its spaces are dropped ("K1", "p 1", "1.3", "K")
  finds the codes starting with it: "K1" finds K1 and K10-K19, "P 1" finds P1, P10...
- Any other query finds the criteria matching every word, in any order: a word matches when
  the code starts with it or a word of the text starts with it ("safeguard" finds
  "safeguarding"; "isk" does not find "risk").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.models.frameworks import Criterion, Framework, Outcome

QUERY_CHARS = 200
# Across units a broad word ("the") could list every criterion; the first ones are enough.
MAX_RESULTS = 100
# A code: an optional letter or two then a digit ("K13", "1.3", "PC2"), or a lone letter.
_CODE_LIKE = re.compile(r"[a-z]{0,2}\d[\d.]*|[a-z]")


class SearchError(ValueError):
    """The search text cannot be used; the message names the field and says why."""


@dataclass(frozen=True)
class Query:
    """A parsed search: the text as typed, and either a code prefix or the words to match."""

    text: str
    code_prefix: str | None
    words: tuple[str, ...]

    def matches(self, code: str, text: str) -> bool:
        if self.code_prefix is not None:
            return code.lower().startswith(self.code_prefix)
        code, text = code.lower(), text.lower()
        return all(code.startswith(w) or _word_start(w).search(text) for w in self.words)

    def mark_code(self, code: str) -> Markup:
        """The code with the part that matched in <mark>."""
        prefixes = [self.code_prefix] if self.code_prefix is not None else self.words
        longest = max((len(p) for p in prefixes if code.lower().startswith(p)), default=0)
        if not longest:
            return escape(code)
        return Markup("<mark>{}</mark>{}").format(code[:longest], code[longest:])

    def mark_text(self, text: str) -> Markup:
        """The text with every matching word start in <mark>."""
        if self.code_prefix is not None or not self.words:
            return escape(text)
        lowered = text.lower()
        spans: list[tuple[int, int]] = []
        for word in self.words:
            spans += [(m.start(), m.end()) for m in _word_start(word).finditer(lowered)]
        out, pos = Markup(), 0
        for start, end in _merge(spans):
            out += escape(text[pos:start]) + Markup("<mark>{}</mark>").format(text[start:end])
            pos = end
        return out + escape(text[pos:])


def _word_start(word: str) -> re.Pattern[str]:
    """``word`` at the start of the text or after a character that is not a letter or digit."""
    return re.compile(r"(?<![^\W_])" + re.escape(word))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def parse_query(raw: str | None) -> Query | None:
    """The Query for ``raw`` (the ?q= text), None when it is blank; SearchError when too long."""
    text = (raw or "").strip()
    if len(text) > QUERY_CHARS:
        raise SearchError(
            f"Search: at most {QUERY_CHARS} characters, this one has {len(text):,}. "
            "Try a code or a few words.")
    words = tuple(text.lower().split())
    if not words:
        return None
    joined = "".join(words)
    if _CODE_LIKE.fullmatch(joined):
        return Query(text=text, code_prefix=joined, words=())
    return Query(text=text, code_prefix=None, words=words)


def matching_ids(framework: Framework, query: Query) -> set[int]:
    """The ids of ``framework``'s criteria (already loaded) that ``query`` finds."""
    return {c.id for o in framework.outcomes for c in o.criteria if query.matches(c.code, c.text)}


@dataclass(frozen=True)
class Hit:
    """One criterion found across units, with what the results table shows of it."""

    criterion: Criterion
    outcome: Outcome
    framework: Framework


def search_all(query: Query) -> list[Hit]:
    """Every unit's criteria that ``query`` finds, in unit code then document order."""
    rows = db.session.scalars(
        select(Criterion)
        .join(Criterion.outcome)
        .join(Criterion.framework)
        .options(joinedload(Criterion.outcome), joinedload(Criterion.framework))
        .order_by(Framework.code, Outcome.position, Criterion.position)
    ).all()
    return [Hit(c, c.outcome, c.framework) for c in rows if query.matches(c.code, c.text)]
