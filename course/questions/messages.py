"""Problems with a question form, in a tutor's words.

The schema (question_bank.schemas) words its messages for whoever sends question JSON: "Steps:
Shorter than minimum length 1.", "Not a valid identifier: 'a b'.". The form shows each next to its
input and in the error summary, so here each becomes one sentence that says where the problem is
and what to do ("Step 2 needs at least two options."), from the input's name
(``steps-1-question-options``: step 2's options). A message with no rule here (already plain, such
as the scenario graph's, or rare) keeps its words, after the place it concerns.
"""
from __future__ import annotations

import re
from collections.abc import Callable

# A list input's noun, singular and plural (the input names of spec.py's Rows).
LISTS = {"options": ("option", "options"), "premises": ("premise", "premises"),
         "responses": ("response", "responses"), "items": ("item", "items"), "gaps": ("gap", "gaps"),
         "answers": ("answer", "answers"), "steps": ("step", "steps")}
NUMBERS = {1: "one", 2: "two", 3: "three"}
# What to enter in a field left empty, by the field's own name.
ENTER = {"title": "enter a title", "stem": "enter the question text", "id": "enter an id",
         "text": "enter the text", "answer": "choose whether the statement is true or false",
         "value": "enter a number", "match": "enter the id of its matching response"}


# How a number field is named in a sentence.
NUMBER_FIELDS = {"points": "the points", "tolerance": "the tolerance", "credit": "the credit",
                 "value": "the value", "word_limit": "the word limit", "min_words": "the minimum number of words"}


def _number(where: str, field: str, kind: str = "a number, like 1 or 2.5") -> str:
    return _sentence(where, f"enter {NUMBER_FIELDS.get(field, 'this')} as {kind}.")


def place(name: str) -> tuple[str, str]:
    """(Where an input is, in words, e.g. "Step 2, option 1"; the input's own field name)."""
    parts = name.split("-")
    words: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if part in LISTS and following.isdigit():
            words.append(f"{LISTS[part][0]} {int(following) + 1}")
            index += 2
            continue
        if part in ("question", "case") and index + 1 < len(parts):
            index += 1
            continue
        break
    field = "-".join(parts[index:])
    where = ", ".join(words)
    return (where[:1].upper() + where[1:]), field


def _sentence(where: str, text: str) -> str:
    if not where:
        return text[:1].upper() + text[1:]
    return f"{where}: {text}"


def _owner(where: str) -> str:
    return where or "The question"


def _list_too_short(where: str, field: str, minimum: int) -> str:
    if field == "steps" and not where:
        return "The scenario needs at least one step: write the question text of step 1."
    noun = LISTS[field][0 if minimum == 1 else 1]
    return f"{_owner(where)} needs at least {NUMBERS.get(minimum, str(minimum))} {noun}."


def _too_short(where: str, field: str, minimum: str) -> str:
    if field in LISTS:
        return _list_too_short(where, field, int(minimum))
    return _sentence(where, ENTER.get(field, "fill this in") + ".")


def _ident(where: str, field: str, value: str) -> str:
    if not value:
        return _sentence(where, ENTER["id"] + ".")
    what = "the question id" if (field == "id" and not where) else "the id"
    return _sentence(where, f"{what} {value!r} can only use letters, digits, _ . and - (no spaces).")


def _duplicate(where: str, field: str, key: str, value: str) -> str:
    noun = where.split(", ")[-1].split(" ")[0].lower() if where else "question"
    return _sentence(where, f"another {noun} has the {key} {value!r}: give each its own.")


# (raw message pattern, maker(where, field, *groups)); the first that matches words the message.
RULES: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (re.compile(r"Shorter than minimum length (\d+)\."), _too_short),
    (re.compile(r"Missing data for required field\."),
     lambda w, f: _sentence(w, ENTER.get(f, "fill this in") + ".")),
    (re.compile(r"Not a valid identifier: '(.*)'\."), _ident),
    (re.compile(r"Not a number\."), _number),
    (re.compile(r"Not a finite number\."), _number),
    (re.compile(r"Not an integer\."), lambda w, f: _number(w, f, "a whole number, like 20")),
    (re.compile(r"Must be greater than 0\."), lambda w, f: _number(w, f, "a number more than 0")),
    (re.compile(r"Must be greater than or equal to 0 and less than or equal to 1\."),
     lambda w, f: _number(w, f, "a number from 0 to 1")),
    (re.compile(r"Must be greater than or equal to (\d+)\."),
     lambda w, f, n: _number(w, f, f"a number of at least {n}")),
    (re.compile(r"Exactly one option must be correct\."),
     lambda w, f: _sentence(w, "tick exactly one option as correct.")),
    (re.compile(r"At least one option must be correct\."),
     lambda w, f: _sentence(w, "tick at least one option as correct.")),
    (re.compile(r"(?:[a-z]+: )?Duplicate (id|text) '(.*)'\."), _duplicate),
    (re.compile(r"Unknown criterion '(.*)'\."),
     lambda w, f, ref: _sentence(w, f"there is no criterion {ref!r} here: choose criteria from the list.")),
    (re.compile(r"A question evidences at least one criterion"),
     lambda w, f: "Choose at least one criterion this question evidences."),
    (re.compile(r"Not a FRAMEWORK/CODE reference: '(.*)'\."),
     lambda w, f, ref: _sentence(w, f"{ref!r} is not a criterion: choose criteria from the list.")),
    (re.compile(r"Duplicate child question id '(.*)'\."),
     lambda w, f, qid: _sentence(w, f"its question id {qid!r} is used by another step: give each its own.")),
    (re.compile(r"'end' is reserved\."),
     lambda w, f: _sentence(w, "a step cannot have the id 'end': it means the end of the scenario.")),
    (re.compile(r"Unknown response '(.*)'\."),
     lambda w, f, rid: _sentence(w, f"no response has the id {rid!r}: enter the id of one of the responses.")),
    (re.compile(r"min_words is above word_limit\."),
     lambda w, f: _sentence(w, "the minimum number of words is above the word limit.")),
]


def plain(name: str, message: str) -> str:
    """``message`` (the schema's, about input ``name``) in a tutor's words, saying where."""
    where, field = place(name)
    for pattern, make in RULES:
        match = pattern.match(message)
        if match:
            return make(where, field, *match.groups())
    own_noun = where.split(", ")[-1].split(" ")[0].lower()
    if not where or message.startswith(where.split(", ")[0]) or message.split(" ")[0].lower() == own_noun:
        return message  # it says where itself ("Gap 'g2' does not appear...")
    return f"{where}: {message[:1].lower() + message[1:]}" if message[:1].isupper() and message[1:2].islower() \
        else f"{where}: {message}"


def plain_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every input's messages in a tutor's words (repeats dropped)."""
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        for message in messages:
            text = plain(name, message)
            if text not in out.setdefault(name, []):
                out[name].append(text)
    return out
