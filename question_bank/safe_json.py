"""Reading JSON that comes from outside: request bodies, uploaded and imported documents.

``load_json`` is the one way carecourse parses JSON it did not write itself. On top of the
standard parser it refuses, with a ``JsonInputError`` that says what and where:

* nesting deeper than ``JSON_MAX_DEPTH`` (64) arrays and objects, found by a scan before parsing,
  so the recursive parser never runs out of stack (a RecursionError would be a 500);
* ``NaN``, ``Infinity`` and ``-Infinity``, which Python's parser accepts but JSON does not, and
  numbers too large for a float (``1e999`` would read as infinity);
* integers outside a signed 64-bit column (and so the 4,300-digit ones Python refuses to read).

Pure Python, no Flask: the app's JSON provider, the course document and the CLI all use it.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
import re
from typing import Any

from .limits import JSON_MAX_DEPTH, JSON_MAX_INTEGER

__all__ = ["JsonInputError", "load_json"]

# A JSON string, skipped whole (possessive, so that an unterminated one costs O(n), not O(n^2)).
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
# Everything up to the next bracket outside a string, and that bracket.
_UP_TO_BRACKET = re.compile(r'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+([\[\]{}])', re.S)
_DEPTH_STEPS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
# Twenty digits in a row: maybe an integer beyond 64 bits (or just digits in a string).
_LONG_DIGITS = re.compile(r"[0-9]{20}")


class JsonInputError(ValueError):
    """JSON that cannot be accepted; ``path`` is where (``modules[2].quiz``, "" for the whole)."""

    def __init__(self, message: str, path: str = ""):
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class _Refused:
    """Stands in for a number the parser read but that JSON input may not hold."""

    def __init__(self, reason: str):
        self.reason = reason


def load_json(data: bytes | bytearray | str, *, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """Parse untrusted JSON; raises JsonInputError (never RecursionError) for anything refused."""
    text = _decode(data)
    outside_strings = _STRING.sub("", text) if '"' in text else text
    where = _too_deep(text, outside_strings, max_depth)
    if where is not None:
        place = _line_column(text, where)
        raise JsonInputError(f"nested more than {max_depth} levels deep ({place})")
    refused: list[_Refused] = []

    def constant(name: str) -> _Refused:
        refused.append(_Refused(f"{name} is not allowed: JSON numbers are finite"))
        return refused[-1]

    def number(literal: str) -> float | _Refused:
        value = float(literal)
        if math.isfinite(value):
            return value
        refused.append(_Refused(f"{literal[:40]} is too large a number"))
        return refused[-1]

    def integer(literal: str) -> int | _Refused:
        if len(literal.lstrip("-")) <= 19 and abs(value := int(literal)) <= JSON_MAX_INTEGER:
            return value
        reason = f"{literal[:40]} is too large an integer (at most {JSON_MAX_INTEGER:,})"
        refused.append(_Refused(reason))
        return refused[-1]

    hooks: dict[str, Any] = {"parse_constant": constant, "parse_float": number}
    if _LONG_DIGITS.search(outside_strings):  # rare: only then pay for a call per integer
        hooks["parse_int"] = integer
    try:
        value = json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}"
        raise JsonInputError(f"not JSON: {exc.msg} ({place})") from None
    except RecursionError:  # the depth scan makes this unreachable; kept as a guard
        raise JsonInputError(f"nested more than {max_depth} levels deep") from None
    if refused:
        path, bad = _find_refused(value)
        raise JsonInputError(bad.reason, path)
    return value


def _decode(data: bytes | bytearray | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode(json.detect_encoding(data))
    except UnicodeDecodeError as exc:
        raise JsonInputError(f"not JSON: the bytes are not {exc.encoding.upper()} text "
                             f"(byte {exc.start:,})") from None


def _too_deep(text: str, outside_strings: str, max_depth: int) -> int | None:
    """Where arrays and objects first nest deeper than ``max_depth`` (an index), else None.

    All but the last step run in C: drop the strings and everything but brackets; remove
    innermost pairs ("[]", "{}") ``max_depth`` times, so that anything nested no deeper is gone;
    if something is left (too deep, or not JSON), measure the deepest point exactly. Only a
    document that is too deep is walked bracket by bracket, to say where.
    """
    brackets = _NOT_BRACKET.sub("", outside_strings)
    if not brackets:
        return None
    residue = brackets
    for _ in range(max_depth):
        shorter = residue.replace("[]", "").replace("{}", "")
        if not shorter:
            return None
        if len(shorter) == len(residue):
            break  # not JSON (unbalanced): still measured, as the parser would recurse first
        residue = shorter
    # Depth after each bracket: openers count 2, closers 0, minus the number of brackets so far.
    steps = brackets.encode("ascii").translate(_DEPTH_STEPS)
    if max(map(operator.sub, itertools.accumulate(steps), itertools.count(1))) <= max_depth:
        return None
    depth = position = 0
    while (match := _UP_TO_BRACKET.match(text, position)) is not None:
        position = match.end()
        depth += 1 if match.group(1) in "[{" else -1
        if depth > max_depth:
            return position - 1
    return None  # the deep part was inside an unterminated string: the parser stops before it


def _line_column(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _find_refused(value: Any) -> tuple[str, _Refused]:
    """The path of the first refused number in document order, and it."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Refused):
            return path, node
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{n}]") for n, v in reversed(list(enumerate(node))))
    raise AssertionError("a refused number was recorded but not found")
