"""Moodle Cloze (embedded answers, `{1:SHORTANSWER:=cat}`) <-> short_answer gaps or a scenario.

Short-answer sub-questions become text gaps, multichoice sub-questions (any layout) become
drop-down gaps: a Cloze of only those is a short_answer question. Multi-response and numerical
sub-questions have no gap equivalent, so a Cloze holding any is a scenario instead: its stem is the
text with each sub-question shown as a numbered marker, [1], [2], ..., and each sub-question is a
step (a one-gap short answer, multiple response or numeric question) worth the sub-question's
weight. Such a scenario exports back to the same Cloze. Other scenarios export as their case,
text and steps in order; an ordering step as a drop-down per item to choose its place.
"""

from __future__ import annotations

import hashlib
import html
import math
import re

from question_bank.moodle_versions import ordinal

from ._common import fmt_number, html_to_text

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
    """(gaps, stem with {{gN}} for each sub-question, weights). A multi-response or numerical
    sub-question becomes ``{"id", "kind": "multiple_response" | "numeric", "answers"}`` in place
    of a gap (see is_gap_only and to_scenario)."""
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
            gaps.append({"id": gid, "kind": "multiple_response", "answers": answers})
        elif kind in _NUMERIC:
            gaps.append({"id": gid, "kind": "numeric", "answers": answers})
        else:
            raise ctx.error(f"unknown embedded (Cloze) sub-question type {kind!r}")
        weights.append(weight)
        return "{{" + gid + "}}"

    new_stem = _SUB.sub(repl, stem)
    if not gaps:
        raise ctx.error("a Cloze question has no embedded answers")
    if problems:
        from .moodle import _Skip

        raise _Skip("; ".join(problems))
    return gaps, new_stem, weights


def is_gap_only(gaps: list[dict]) -> bool:
    """True when every sub-question is a text or drop-down gap (a short_answer question)."""
    return not any("kind" in g for g in gaps)


def marker(number: int) -> str:
    """How a scenario made from a Cloze shows sub-question ``number`` in its text."""
    return f"<strong>[{number}]</strong>"


def _numeric_answers(answers: list[tuple[float, str, str]], ctx, number: int) -> list[dict]:
    out = []
    for credit, text, feedback in answers:
        value, _, tolerance = html_to_text(text).partition(":")
        if value.strip() == "*":
            ctx.warn(f"sub-question {number}: the catch-all answer '*' is not expressible (dropped)")
            continue
        try:
            out.append({"value": float(value), "tolerance": abs(float(tolerance or 0)),
                        "credit": round(max(0.0, credit) / 100, 6), "feedback": feedback})
        except ValueError:
            raise ctx.error(f"numerical sub-question {number}: {text!r} is not a number[:tolerance]") from None
    return [a for a in out if a["credit"] > 0 or a["feedback"]]


def _response_options(answers: list[tuple[float, str, str]], ctx, number: int) -> list[dict]:
    right = {round(c, 6) for c, _t, _f in answers if c > 0}
    if len(right) > 1:
        ctx.warn(f"sub-question {number}: unequal credits of the right choices are not expressible "
                 "(each right choice earns an equal share)")
    return [
        {"id": chr(ord("a") + n) if n < 26 else f"o{n + 1}", "text": html_to_text(t), "correct": c > 0,
         "feedback": f}
        for n, (c, t, f) in enumerate(answers)
    ]


def to_scenario(q: dict, gaps: list[dict], stem: str, weights: list[int], ctx) -> dict:
    """A Cloze with multi-response or numerical sub-questions as a scenario, one step each."""
    steps = []
    for number, (gap, weight) in enumerate(zip(gaps, weights), start=1):
        child: dict = {"id": f"g{number}", "title": f"Gap {number}", "stem_format": "html",
                       "stem": f"<p>{marker(number)}</p>", "points": float(weight)}
        kind = gap.get("kind")
        if kind == "multiple_response":
            child.update(type="multiple_response", options=_response_options(gap["answers"], ctx, number))
        elif kind == "numeric":
            child.update(type="numeric", answers=_numeric_answers(gap["answers"], ctx, number))
        else:
            child.update(type="short_answer", stem=f"<p>{marker(number)} {{{{g1}}}}</p>",
                         gaps=[dict(gap, id="g1")])
        steps.append({"id": f"s{number}", "question": child})
    ctx.warn("a Cloze with multiple-response or numerical sub-questions is imported as a scenario, "
             "one step per sub-question")
    text = re.sub(r"\{\{g(\d+)\}\}", lambda m: marker(int(m.group(1))), stem)
    return dict(q, type="scenario", stem=text, stem_format="html",
                case={"person": "", "setting": "", "situation": ""}, steps=steps)


def _esc(text: str) -> str:
    return re.sub(r"([\\}{#~])", r"\\\1", text)


def _credit(c: float) -> str:
    if c >= 1:
        return "="
    pct = round(c * 100, 5)
    return f"%{int(pct) if float(pct).is_integer() else pct}%"


def render(q: dict, stem: str, weight: int = 1) -> str:
    """The stem with each {{gN}} replaced by its Cloze sub-question (each worth ``weight``)."""
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
            return "{" + str(weight) + ":MULTICHOICE:" + "~".join(parts) + "}"
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
        return "{" + str(weight) + ":" + kind + ":" + "~".join(parts) + "}"

    return re.sub(
        r"\{\{([A-Za-z0-9_.-]+)\}\}",
        lambda m: one(by_id[m.group(1)]) if m.group(1) in by_id else m.group(0),
        stem,
    )


def _part(credit: float, text: str, feedback: str) -> str:
    part = _credit(credit) + _esc(html.escape(text, quote=False)) if credit > 0 else _esc(
        html.escape(text, quote=False))
    return part + ("#" + _esc(feedback) if feedback else "")


def _embedded(child: dict, weight: int, text: str = "{{g1}}") -> str:
    """A step's answer as embedded sub-question(s): for a short answer, ``text`` (its stem) with
    each gap embedded; for the other types, the one sub-question alone."""
    kind = child["type"]
    if kind == "short_answer":
        return render(child, text, weight)
    if kind in ("multiple_response", "single_choice"):
        code = ("MULTIRESPONSE:" if kind == "multiple_response" else "MULTICHOICE_V:") + "~".join(
            _part(1.0 if o["correct"] else 0.0, o["text"], o.get("feedback", "")) for o in child["options"])
    elif kind == "numeric":
        code = "NUMERICAL:" + "~".join(
            _credit(a["credit"]) + f"{fmt_number(a['value'])}:{fmt_number(a.get('tolerance', 0))}"
            + ("#" + _esc(a["feedback"]) if a.get("feedback") else "")
            for a in child["answers"])
    else:  # true_false
        code = "MULTICHOICE_V:" + "~".join(
            _part(1.0 if value == child["answer"] else 0.0, label, child.get(f"feedback_{label.lower()}", ""))
            for value, label in ((True, "True"), (False, "False")))
    return "{" + str(weight) + ":" + code + "}"


def _shown_order(items: list[dict], key: str) -> list[dict]:
    """The items in a fixed order that is not the right one (a Cloze cannot shuffle them): sorted
    by a hash of ``key`` and each id, so the same scenario always gives the same bytes."""
    shown = sorted(items, key=lambda it: hashlib.sha256(f"{key}/{it['id']}".encode()).hexdigest())
    return shown[1:] + shown[:1] if shown == items else shown


def _places(child: dict, weight: int, key: str) -> str:
    """An ordering step as one drop-down per item to choose its place (1st, 2nd, ...), each
    worth ``weight``: Moodle marks each item placed right, as its matching question does."""
    items = child["items"]
    right = {it["id"]: n for n, it in enumerate(items, start=1)}
    rows = []
    for it in _shown_order(items, key):
        choices = "~".join(("=" if n == right[it["id"]] else "") + ordinal(n)
                           for n in range(1, len(items) + 1))
        rows.append(f"<li>{html.escape(it['text'], quote=False)} "
                    f"{{{weight}:MULTICHOICE:{choices}}}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def _step_text(child: dict, weight: int, key: str = "") -> str:
    """A step of any scenario as Cloze text: its stem, then its embedded sub-question(s)."""
    from question_bank.text import render_stem

    html_stem = render_stem(child).strip()
    if child["type"] == "ordering":
        return html_stem + _places(child, weight // len(child["items"]), key)
    if child["type"] == "short_answer":
        return _embedded(child, weight, html_stem)
    code = _embedded(child, weight)
    return f"{html_stem[:-4]} {code}</p>" if html_stem.endswith("</p>") else f"{html_stem} {code}"


def _made_from_cloze(q: dict) -> bool:
    """True for a scenario to_scenario made: each step N's text is its marker [N] (and a gap)."""
    if any(step["question"]["type"] not in CLOZE_STEP_TYPES for step in q["steps"]):
        return False
    for number, step in enumerate(q["steps"], start=1):
        child, shown = step["question"], f"<p>{marker(number)}</p>"
        if child["type"] == "short_answer":
            shown = f"<p>{marker(number)} {{{{g1}}}}</p>"
        if child.get("stem") != shown or marker(number) not in q["stem"]:
            return False
    return True


CLOZE_STEP_TYPES = ("short_answer", "multiple_response", "numeric", "single_choice", "true_false")


def from_scenario(q: dict, warnings: list[str]) -> str | None:
    """A scenario as Moodle Cloze text, or None (with a warning) when a step has no Cloze form.

    A scenario imported from a Cloze comes back as the same Cloze: each [N] marker in its text
    is replaced by sub-question N. Any other scenario becomes its case, its text and then each step
    in order; branching and the steps' own criteria are lost, and said so. Cloze has no ordering
    sub-question in any Moodle version: an ordering step becomes a drop-down per item to choose
    its place, as a whole ordering question becomes matching before Moodle 4.4."""
    from question_bank.text import render_markdown, render_stem

    steps = q["steps"]
    odd = [f"step {s['id']} ({s['question']['type']})" for s in steps
           if s["question"]["type"] not in CLOZE_STEP_TYPES + ("ordering",)]
    if odd:
        warnings.append(f"{q['id']}: a scenario with {', '.join(odd)} cannot be expressed as a Moodle "
                        "Cloze question (not exported)")
        return None
    weights = []
    for step in steps:
        points = step["question"].get("points", 1.0)
        weight = max(1, round(points))
        if weight != points:
            warnings.append(f"{q['id']}: step {step['id']} is worth {fmt_number(points)} points; a Cloze "
                            f"sub-question takes whole points (exported as {weight})")
        weights.append(weight)
    weights = _with_places(q, weights, warnings)
    stem = render_stem(q)
    if _made_from_cloze(q):
        for number, (step, weight) in enumerate(zip(steps, weights), start=1):
            stem = stem.replace(marker(number), _embedded(step["question"], weight), 1)
        return stem
    if any(s.get("branches") or s.get("next") for s in steps):
        warnings.append(f"{q['id']}: branching is not expressible in a Moodle Cloze question "
                        "(every step is shown, in order)")
    if any(s["question"].get("criteria") != q["criteria"] for s in steps):
        warnings.append(f"{q['id']}: the steps' own criteria are not expressible in Moodle XML "
                        "(the scenario's are kept)")
    warnings.append(f"{q['id']}: scenario exported as a Moodle Cloze question (case, text and steps as one text)")
    case = q["case"]
    parts = [render_markdown(f"**{label}:** {case[key]}") for key, label in
             (("person", "Person"), ("setting", "Setting"), ("situation", "Situation")) if case.get(key)]
    return "".join(parts) + stem + "".join(
        _step_text(s["question"], w, f"{q['id']}/{s['id']}") for s, w in zip(steps, weights))


def _with_places(q: dict, weights: list[int], warnings: list[str]) -> list[int]:
    """The steps' Cloze weights once each ordering step is split into one drop-down per item:
    every weight is multiplied by the smallest factor that gives each item a whole share, so each
    step keeps its share of the question. Each ordering step is reported as converted."""
    factor = 1
    for step, weight in zip(q["steps"], weights):
        count = len(step["question"].get("items") or [])
        if step["question"]["type"] == "ordering":
            factor = math.lcm(factor, count // math.gcd(weight, count))
    scaled = [w * factor for w in weights]
    # Moodle makes a Cloze question's mark the sum of its sub-questions' weights
    scale = (f"; every step's weight is multiplied by {factor} to keep its share, so Moodle gives the "
             f"question {sum(scaled)} marks (carecourse: {fmt_number(q.get('points', 1.0))}; set its "
             "mark in the quiz)") if factor > 1 else ""
    for step in q["steps"]:
        if step["question"]["type"] == "ordering":
            warnings.append(
                f"{q['id']}: step {step['id']} (ordering) has no Moodle Cloze form: exported as a "
                "drop-down for each item to choose its place (1st, 2nd, ...), an equal share of the "
                f"step's marks for each item placed right{scale} (converted)")
    return scaled
