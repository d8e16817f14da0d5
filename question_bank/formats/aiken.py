"""Aiken: single-answer multiple choice in plain text. Import and export.

Aiken has no place for ids, feedback, criteria or anything but the stem, the options and the
answer letter; what it cannot carry is reported on export.
"""

from __future__ import annotations

import re

from ._common import (
    FormatError,
    IdMaker,
    ImportResult,
    base_question,
    check_size,
    check_text,
    decode_text,
    html_to_text,
    letter_ids,
    text_to_html,
    add_question,
)

FORMAT = "aiken"
_OPTION = re.compile(r"^([A-Za-z])[.)]\s?(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*([A-Za-z])\s*$")


def import_aiken(data: bytes, *, source: str) -> ImportResult:
    check_size(data, source)
    text = decode_text(data, source)
    result = ImportResult()
    ids = IdMaker("aiken")
    stem_lines: list[str] = []
    options: list[tuple[str, str]] = []
    start = None
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            if options:
                raise FormatError(
                    source,
                    start,
                    f"question without an 'ANSWER: X' line (blank line {n} ends its options)",
                )
            continue
        if start is None:
            start = n
        m_answer = _ANSWER.match(line)
        m_option = _OPTION.match(line)
        if m_answer:
            if len(options) < 2:
                raise FormatError(source, n, "ANSWER line before at least two options")
            letter = m_answer.group(1).upper()
            letters = [ltr for ltr, _t in options]
            if letter not in letters:
                raise FormatError(
                    source, n, f"ANSWER {letter} is not one of the options {', '.join(letters)}"
                )
            stem_text = " ".join(stem_lines)
            check_text(stem_text, source, start, "question text")
            name = stem_text[:60].strip() or f"question at line {start}"
            q = base_question(
                ids.make(None, name), "single_choice", name, text_to_html(stem_text), "html"
            )
            q["options"] = [
                {"id": oid, "text": t, "correct": ltr == letter, "feedback": ""}
                for oid, (ltr, t) in zip(letter_ids(len(options)), options)
            ]
            q["shuffle"] = False
            texts = [t for _l, t in options]
            if len(set(texts)) != len(texts):
                same = ", ".join(sorted({t for t in texts if texts.count(t) > 1}))
                result.warnings.append(
                    f"{name}: options with identical text ({same}) kept as distinct options"
                )
            add_question(result, q, source, f"question at line {start}")
            result.source_types.append("multichoice")
            stem_lines, options, start = [], [], None
        elif m_option and stem_lines and (options or len(stem_lines) >= 1):
            letter = m_option.group(1).upper()
            expected = chr(ord("A") + len(options))
            if letter != expected:
                if options:
                    raise FormatError(
                        source, n, f"option {letter} out of order (expected {expected})"
                    )
                stem_lines.append(line)
                continue
            options.append((letter, m_option.group(2).strip()))
        else:
            if options:
                raise FormatError(
                    source, n, "text after the options where 'ANSWER: X' was expected"
                )
            stem_lines.append(line)
    if stem_lines or options:
        raise FormatError(source, start, "question without an 'ANSWER: X' line")
    return result


def export_aiken(questions: list[dict], *, warnings: list[str] | None = None) -> bytes:
    warnings = warnings if warnings is not None else []
    out = []
    for q in questions:
        if q["type"] != "single_choice":
            warnings.append(
                f"{q['id']}: {q['type']} questions cannot be expressed in Aiken (not exported)"
            )
            continue
        if len(q["options"]) > 26:
            warnings.append(
                f"{q['id']}: more than 26 options cannot be expressed in Aiken (not exported)"
            )
            continue
        lost = [k for k in ("general_feedback",) if q.get(k)]
        if any(o.get("feedback") for o in q["options"]):
            lost.append("option feedback")
        if q.get("criteria"):
            lost.append("criteria")
        if lost:
            warnings.append(f"{q['id']}: {', '.join(lost)} not expressible in Aiken (dropped)")
        stem = q["stem"] if q.get("stem_format") == "markdown" else html_to_text(q["stem"])
        stem = " ".join(stem.split())
        lines = [stem]
        for n, o in enumerate(q["options"]):
            lines.append(f"{chr(ord('A') + n)}) {' '.join(o['text'].split())}")
        answer = next(n for n, o in enumerate(q["options"]) if o["correct"])
        lines.append(f"ANSWER: {chr(ord('A') + answer)}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out).encode("utf-8")


__all__ = ["export_aiken", "import_aiken"]
