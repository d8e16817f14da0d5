"""Moodle Cloze (embedded answers, `{1:SHORTANSWER:=cat}`) <-> short_answer gaps.

Short-answer sub-questions become text gaps, multichoice sub-questions (any layout) become
drop-down gaps. Multi-response and numerical sub-questions have no gap equivalent: the whole
question is skipped with a reason.
"""

from __future__ import annotations

import html
import re

from ._common import html_to_text

_SUB = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^\\}])*)\}", re.DOTALL)
_TEXT = {
    "SHORTANSWER": False,
    "SA": False,
    "MW": False,
    "SHORTANSWER_C": True,
    "SAC": True,
    "MWC": True,
}
_CHOICE = {
    "MULTICHOICE",
    "MC",
    "MULTICHOICE_V",
    "MCV",
    "MULTICHOICE_H",
    "MCH",
    "MULTICHOICE_S",
    "MCS",
    "MULTICHOICE_VS",
    "MCVS",
    "MULTICHOICE_HS",
    "MCHS",
}
_RESPONSE = {
    "MULTIRESPONSE",
    "MR",
    "MULTIRESPONSE_H",
    "MRH",
    "MULTIRESPONSE_S",
    "MRS",
    "MULTIRESPONSE_HS",
    "MRHS",
}
_NUMERIC = {"NUMERICAL", "NM"}


class ClozeSkip(Exception):
    pass


def _split(s: str, sep: str) -> list[str]:
    parts, cur, i = [], [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
            continue
        if c == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def _unescape(s: str) -> str:
    return re.sub(r"\\([\\}{#~/\"*])", lambda m: m.group(1) if m.group(1) != "*" else "\\*", s)


def _answers(body: str, ctx) -> list[tuple[float, str, str]]:
    out = []
    for part in _split(body, "~"):
        if not part.strip():
            continue
        m = re.match(r"\s*(=|%(-?\d+(?:\.\d+)?)%)?(.*)", part, re.DOTALL)
        if m.group(1) == "=":
            credit = 100.0
        elif m.group(2) is not None:
            credit = float(m.group(2))
        else:
            credit = 0.0
        text_fb = _split(m.group(3), "#")
        text = _unescape(text_fb[0]).strip()
        fb = _unescape("#".join(text_fb[1:])).strip() if len(text_fb) > 1 else ""
        out.append((credit, text, fb))
    if not out:
        raise ctx.error("an embedded (Cloze) sub-question has no answers")
    return out


def parse(stem: str, ctx) -> tuple[list[dict], str, list[int]]:
    from .moodle import _Skip

    gaps: list[dict] = []
    weights: list[int] = []
    problems: list[str] = []

    def repl(m: re.Match) -> str:
        kind = m.group(2).upper()
        weight = int(m.group(1) or 1)
        gid = f"g{len(gaps) + 1}"
        answers = _answers(m.group(3), ctx)
        if kind in _TEXT:
            wild = any(re.search(r"(?<!\\)\*", html.unescape(t)) for _c, t, _f in answers)
            gap_answers = []
            for c, t, f in answers:
                t = html.unescape(t)
                if not wild:
                    t = t.replace("\\*", "*")
                gap_answers.append(
                    {"text": t, "credit": round(max(0.0, c) / 100, 6), "feedback": f}
                )
            gaps.append(
                {
                    "id": gid,
                    "answers": gap_answers,
                    "options": None,
                    "case_sensitive": _TEXT[kind],
                    "wildcard": wild,
                }
            )
        elif kind in _CHOICE:
            options = [html_to_text(t) for _c, t, _f in answers]
            if len(set(options)) != len(options):
                problems.append(f"drop-down gap {len(gaps) + 1} has duplicate choices")
            gaps.append(
                {
                    "id": gid,
                    "options": options,
                    "case_sensitive": False,
                    "wildcard": False,
                    "answers": [
                        {
                            "text": html_to_text(t),
                            "credit": round(max(0.0, c) / 100, 6),
                            "feedback": f,
                        }
                        for c, t, f in answers
                        if c > 0 or f
                    ],
                }
            )
        elif kind in _RESPONSE:
            problems.append(
                f"gap {len(gaps) + 1} is a multiple-response ({kind}) sub-question, which a gap cannot hold"
            )
            gaps.append({"id": gid})
        elif kind in _NUMERIC:
            problems.append(
                f"gap {len(gaps) + 1} is a numerical ({kind}) sub-question with tolerances, "
                "which a text gap cannot mark"
            )
            gaps.append({"id": gid})
        else:
            raise ctx.error(f"unknown embedded (Cloze) sub-question type {kind!r}")
        weights.append(weight)
        return "{{" + gid + "}}"

    new_stem = _SUB.sub(repl, stem)
    if not gaps:
        raise ctx.error("a Cloze question has no embedded answers")
    if problems:
        raise _Skip("; ".join(problems))
    return gaps, new_stem, weights


def _esc(text: str) -> str:
    return re.sub(r"([\\}{#~])", r"\\\1", text)


def _credit(c: float) -> str:
    if c >= 1:
        return "="
    pct = round(c * 100, 5)
    return f"%{int(pct) if float(pct).is_integer() else pct}%"


def render(q: dict, stem: str) -> str:
    """The stem with each {{gN}} replaced by its Cloze sub-question."""
    by_id = {g["id"]: g for g in q["gaps"]}

    def one(g: dict) -> str:
        if g.get("options"):
            credit = {a["text"]: a for a in g["answers"]}
            parts = []
            for opt in g["options"]:
                a = credit.get(opt, {"credit": 0, "feedback": ""})
                part = _credit(a["credit"]) + _esc(html.escape(opt, quote=False))
                if a.get("feedback"):
                    part += "#" + _esc(a["feedback"])
                parts.append(part)
            return "{1:MULTICHOICE:" + "~".join(parts) + "}"
        kind = "SHORTANSWER_C" if g.get("case_sensitive") else "SHORTANSWER"
        parts = []
        for a in g["answers"]:
            text = a["text"] if g.get("wildcard") else a["text"].replace("*", "\\*")
            part = _credit(a["credit"]) + _esc(html.escape(text, quote=False)).replace(
                "\\\\*", "\\*"
            )
            if a.get("feedback"):
                part += "#" + _esc(a["feedback"])
            parts.append(part)
        return "{1:" + kind + ":" + "~".join(parts) + "}"

    return re.sub(
        r"\{\{([A-Za-z0-9_.-]+)\}\}",
        lambda m: one(by_id[m.group(1)]) if m.group(1) in by_id else m.group(0),
        stem,
    )
