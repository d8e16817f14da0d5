"""Surface cues in choice options: what a test-wise learner reads instead of the content.

Shared by the item-quality checks (`quality`, which warn a tutor about a cue) and the test-wise
score (`testwise`, which measures what exploiting the cues earns), so that the two always agree
on what "the longest option" or "a stem word in the key" means.

Text is compared as plain words: Markdown emphasis, HTML tags and punctuation are dropped, runs
of whitespace count as one space. Lengths are in characters of that plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "ABSOLUTE_WORDS",
    "KEY_POSITION_MIN_ITEMS",
    "absolute_words",
    "content_words",
    "is_all_or_none_of_above",
    "key_position_pattern",
    "longest_option",
    "negative_words",
    "plain_text",
    "stem_match_option",
    "stem_matches",
    "text_length",
]

# "[^<>]" rather than "[^>]": a "<" that nothing closes must not make the search rescan the rest
# of the text from every one of them (quadratic on 50,000 stray "<").
_TAG = re.compile(r"<[^<>]*>")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
# A link's address first ("](...)"), or its "]" would be taken as a mark and the URL read as words.
_MARKUP = re.compile(r"\]\([^)]*\)|[*_`#>|~\[\]]+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# "Specific determiners" (Haladyna, Downing & Rodriguez 2002, guideline 28 in their numbering of
# the revised taxonomy): test-wise learners know options that say "always" or "never" are rarely
# keyed. "All" and "must" are left out: care standards use them in correct statements ("all
# staff must...") often enough that flagging them would be noise.
ABSOLUTE_WORDS = frozenset({
    "always", "never", "completely", "absolutely", "totally", "entirely", "none", "nothing",
    "nobody", "everyone", "everything", "every", "only", "impossible", "guaranteed",
})

# Negatives that reverse what a stem asks for (Case & Swanson's NBME guide: avoid them, or make
# them impossible to miss).
_NEGATIVES = ("not", "except", "least", "never", "incorrect", "untrue", "false", "wrong",
              "inappropriate", "unacceptable", "shouldn't", "should not", "isn't", "don't", "cannot")
_NEGATIVE = re.compile(r"\b(" + "|".join(re.escape(n) for n in _NEGATIVES) + r")\b", re.IGNORECASE)

_ALL_NONE = re.compile(r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|them|those|the options)\b",
                       re.IGNORECASE)

# Words too common to be a cue when they appear in both the stem and an option.
_STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over own
same she should so some such than that the their theirs them themselves then there these they this
those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves person people someone their they'd you'd
what's it's would they'll one two way ways thing things make makes made get gets got
""".split())


def plain_text(text: Any) -> str:
    """The words of an authored text: tags, entities and Markdown marks removed, spaces collapsed."""
    if not isinstance(text, str):
        return ""
    text = _TAG.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def text_length(text: Any) -> int:
    """Length of the plain text in characters."""
    return len(plain_text(text))


def _stem(word: str) -> str:
    # A light stemmer: enough that "carer" / "carers" and "support" / "supported" meet.
    word = word.lower().replace("’", "'")
    for suffix in ("'s", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: Any) -> set[str]:
    """The distinct content words of a text (lower-cased, lightly stemmed, stopwords dropped)."""
    return {
        _stem(w) for w in _WORD.findall(plain_text(text))
        if len(w) >= 3 and w.lower().replace("’", "'") not in _STOPWORDS
    }


def absolute_words(text: Any) -> list[str]:
    """The absolute words ("always", "never", ...) a text uses, in order of first use."""
    seen: list[str] = []
    for w in _WORD.findall(plain_text(text)):
        lw = w.lower()
        if lw in ABSOLUTE_WORDS and lw not in seen:
            seen.append(lw)
    return seen


def negative_words(text: Any) -> list[str]:
    """The negatives a text uses as written ("not", "EXCEPT", ...), in order."""
    return [m.group(0) for m in _NEGATIVE.finditer(plain_text(text))]


def is_all_or_none_of_above(text: Any) -> bool:
    """An "all of the above" / "none of the above" style option."""
    return bool(_ALL_NONE.search(plain_text(text)))


def longest_option(options: Sequence[dict]) -> str | None:
    """The id of the option whose plain text is strictly the longest, or None on a tie."""
    if len(options) < 2:
        return None
    ranked = sorted(((text_length(o.get("text")), o.get("id")) for o in options), reverse=True)
    return ranked[0][1] if ranked[0][0] > ranked[1][0] else None


def stem_matches(stem: Any, options: Iterable[dict]) -> dict[str, set[str]]:
    """Each option's content words that also appear in the stem (option id -> words)."""
    stem_words = content_words(stem)
    return {o.get("id"): content_words(o.get("text")) & stem_words for o in options}


def stem_match_option(stem: Any, options: Sequence[dict]) -> str | None:
    """The one option sharing the most content words with the stem (at least one), or None."""
    counts = sorted(((len(words), oid) for oid, words in stem_matches(stem, options).items()),
                    reverse=True)
    if not counts or counts[0][0] == 0 or (len(counts) > 1 and counts[0][0] == counts[1][0]):
        return None
    return counts[0][1]


# A key position is a pattern a learner can notice only over several questions: at least this
# many single-choice items shown in their authored order, with one position holding most keys.
KEY_POSITION_MIN_ITEMS = 4


def key_position_pattern(positions: Sequence[int]) -> int | None:
    """The key position (0-based) that holds more than half of the keys of at least
    KEY_POSITION_MIN_ITEMS unshuffled single-choice items, or None when there is no such pattern."""
    if len(positions) < KEY_POSITION_MIN_ITEMS:
        return None
    counts: dict[int, int] = {}
    for p in positions:
        counts[p] = counts.get(p, 0) + 1
    position, count = max(counts.items(), key=lambda entry: (entry[1], -entry[0]))
    return position if count * 2 > len(positions) else None

