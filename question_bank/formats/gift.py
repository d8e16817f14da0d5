"""GIFT (Moodle's plain-text format): import and export.

Criterion references travel as comment lines `// criterion: HSCCLD327/K13` just before the
question; the id and tags use Moodle's own comment syntax `// [id:...] [tag:...]`.
"""

from __future__ import annotations

import html
import re

from ._common import (
    CATEGORY_TAG,
    CRITERION_RE,
    FormatError,
    IdMaker,
    ImportResult,
    base_question,
    category_of,
    check_size,
    check_text,
    clean_category,
    decode_text,
    export_tags,
    fmt_number,
    letter_ids,
    matching_sequence,
    split_tags,
    text_to_html,
    add_question,
)

FORMAT = "gift"
_ESCAPABLE = "~=#{}:\\"
_FORMAT_MARK = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_META = re.compile(r"\[(id|tag):([^\]]*)\]")
_BLANK = "_____"


# ====================================================================== helpers


def _find(s: str, chars: str, start: int = 0) -> int:
    """Index of the first unescaped char of `chars` at or after start, else -1."""
    i = start
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c in chars:
            return i
        i += 1
    return -1


def _find_title_end(body: str) -> int:
    """Index of the unescaped '::' closing a title that starts at 0, else -1."""
    i = 2
    while i < len(body) - 1:
        if body[i] == "\\":
            i += 2
            continue
        if body[i] == ":" and body[i + 1] == ":":
            return i
        i += 1
    return -1


def _split_unescaped(s: str, seps: str) -> list[str]:
    """Split before each unescaped separator char (keeping it at the start of its part)."""
    parts, start, i = [], 0, 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c in seps and i > start:
            parts.append(s[start:i])
            start = i
        elif c in seps:
            start = i
        i += 1
    parts.append(s[start:])
    return [p for p in parts if p.strip()]


def _unescape(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append("\n" if n == "n" else n)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _escape(s: str) -> str:
    s = "".join("\\" + c if c in _ESCAPABLE else c for c in s)
    return s.replace("\n", "\\n")


def _strip_format(s: str) -> tuple[str, str | None]:
    m = _FORMAT_MARK.match(s)
    if not m:
        return s, None
    return s[m.end() :], m.group(1).lower()


def _split_feedback(s: str) -> tuple[str, str]:
    i = _find(s, "#")
    if i < 0:
        return s, ""
    return s[:i], s[i + 1 :]


def _clean(s: str) -> str:
    """An answer or feedback text: format marker dropped, escapes resolved, whitespace tidied."""
    s, _fmt = _strip_format(s)
    return " ".join(_unescape(s).split())


# ====================================================================== import


def import_gift(data: bytes, *, source: str) -> ImportResult:
    check_size(data, source)
    text = decode_text(data, source)
    result = ImportResult()
    ids = IdMaker("gift")
    category = None
    for line_no, block in _blocks(text):
        comments, body_lines = [], []
        for offset, line in enumerate(block):
            if line.lstrip().startswith("//"):
                comments.append(line.lstrip()[2:].strip())
            else:
                body_lines.append((line_no + offset, line))
        body = "\n".join(line for _n, line in body_lines).strip()
        if not body:
            continue
        first_line = body_lines[0][0]
        if body.startswith("$CATEGORY:"):
            first, _, rest = body.partition("\n")
            category = clean_category(first[len("$CATEGORY:") :])
            if category and category not in result.categories:
                result.categories.append(category)
            body = rest.strip()
            if not body:
                continue
        check_text(body, source, first_line, "question")
        try:
            _question(body, comments, first_line, category, result, ids, source)
        except FormatError:
            raise
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise FormatError(source, first_line, f"malformed question: {exc}") from None
    return result


def _blocks(text: str):
    lines = text.split("\n")
    block, start = [], 1
    for n, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = n
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _question(body, comments, line, category, result, ids, source):
    title = None
    if body.startswith("::"):
        end = _find_title_end(body)
        if end < 0:
            raise FormatError(source, line, "question title is not closed with '::'")
        title = _unescape(body[2:end]).strip()
        body = body[end + 2 :]
    open_i = _find(body, "{")
    if open_i < 0:
        name = title or " ".join(_unescape(body).split())[:60].strip()
        result.descriptions.append({"name": name, "text": body.strip()})
        return
    close_i = _find(body, "}", open_i + 1)
    if close_i < 0:
        raise FormatError(source, line, "answer block '{' is not closed with '}'")
    if _find(body, "{", close_i + 1) >= 0:
        raise FormatError(source, line, "more than one answer block '{...}' in one question")
    before, answer_block, after = body[:open_i], body[open_i + 1 : close_i], body[close_i + 1 :]
    before, fmt = _strip_format(before)
    fmt = fmt or "moodle"
    name = (
        title
        or " ".join(_unescape(before + after).split())[:60].strip()
        or f"question at line {line}"
    )
    where = f"question {name!r} (line {line})"

    criteria_refs, raw_tags, given_id, points = [], [], None, None
    for c in comments:
        low = c.lower()
        if low.startswith("criterion:"):
            ref = c.split(":", 1)[1].strip()
            if not CRITERION_RE.match(ref):
                raise FormatError(
                    source, line, f"criterion reference {ref!r} is not FRAMEWORK/CODE"
                )
            criteria_refs.append("criterion:" + ref)
        elif low.startswith("points:"):
            try:
                points = float(c.split(":", 1)[1])
            except ValueError:
                raise FormatError(source, line, f"points comment {c!r} is not a number") from None
        for kind, value in _META.findall(c):
            if kind == "id":
                given_id = value.strip()
            else:
                raw_tags.append(value.strip())
    criteria, tags, difficulty = split_tags(criteria_refs + raw_tags, source, where)
    if category:
        tags = [t for t in tags if not t.startswith(CATEGORY_TAG)] + [CATEGORY_TAG + category]

    general = ""
    g = answer_block.find("####")
    if g >= 0:
        general = _clean(answer_block[g + 4 :])
        answer_block = answer_block[:g]
    block = answer_block.strip()

    def stem_with(marker: str | None) -> tuple[str, str]:
        if fmt in ("html", "markdown"):
            b, a = _unescape(before), _unescape(after)
        else:  # plain text: line breaks in the source are just spaces
            b, a = _unescape(re.sub(r"\s+", " ", before)), _unescape(re.sub(r"\s+", " ", after))
        if marker is None:
            text = (b.rstrip() + " " + a.lstrip()).strip() if a.strip() else b.strip()
        elif a.strip():
            text = b + marker + a
        else:
            text = b.rstrip() + " " + marker
        text = text.strip()
        if fmt == "html":
            return text, "html"
        if fmt == "markdown":
            return text, "markdown"
        return text_to_html(text), "html"

    missing_word = bool(after.strip())
    warn = lambda m: result.warnings.append(f"{name}: {m}")
    if not block:
        stem, sf = stem_with(None)
        q = base_question("", "essay", name, stem, sf)
        q.update(word_limit=None, min_words=0, marker_guidance="")
        native = "essay"
    elif block.startswith("#"):
        stem, sf = stem_with(_BLANK if missing_word else None)
        q = base_question("", "numeric", name, stem, sf)
        q.update(answers=_numeric(block[1:], source, where, warn), unit=None)
        native = "numerical"
    elif re.fullmatch(r"(T|TRUE|F|FALSE)\s*(#.*)?", block, re.DOTALL | re.IGNORECASE):
        stem, sf = stem_with(_BLANK if missing_word else None)
        head, _, rest = block.partition("#")
        truth = head.strip().upper() in ("T", "TRUE")
        fbs = [_clean(x) for x in _split_on_hash(rest)] if rest or "#" in block else []
        wrong_fb = fbs[0] if len(fbs) > 0 else ""
        right_fb = fbs[1] if len(fbs) > 1 else ""
        q = base_question("", "true_false", name, stem, sf)
        q.update(
            answer=truth,
            feedback_true=right_fb if truth else wrong_fb,
            feedback_false=wrong_fb if truth else right_fb,
        )
        native = "truefalse"
    else:
        answers = _split_unescaped(block, "=~")
        if not answers or answers[0].lstrip()[:1] not in ("=", "~"):
            raise FormatError(source, line, "answers must start with '=' or '~'")
        is_match = all(a.lstrip().startswith("=") for a in answers) and all(
            "->" in a for a in answers
        )
        if is_match:
            stem, sf = stem_with(None)
            q = base_question("", "matching", name, stem, sf)
            premises, responses, by_text = [], [], {}
            for a in answers:
                p_raw, _, r_raw = a.lstrip()[1:].partition("->")
                r = _clean(r_raw)
                if not r:
                    raise FormatError(source, line, "a matching pair has no answer after '->'")
                if r not in by_text:
                    by_text[r] = f"r{len(responses) + 1}"
                    responses.append({"id": by_text[r], "text": r})
                p = _clean(p_raw)
                if p:
                    premises.append({"id": f"p{len(premises) + 1}", "text": p, "match": by_text[r]})
            q.update(premises=premises, responses=responses, shuffle=True)
            native = "match"
        elif any(a.lstrip().startswith("~") for a in answers):
            parsed = [_choice(a, source, line) for a in answers]
            single = any(a.lstrip().startswith("=") for a in answers)
            stem, sf = stem_with(_BLANK if missing_word else None)
            q = base_question(
                "", "single_choice" if single else "multiple_response", name, stem, sf
            )
            options = []
            for oid, (weight, text, fb) in zip(letter_ids(len(parsed)), parsed):
                options.append({"id": oid, "text": text, "correct": False, "feedback": fb})
            weights = [w for w, _t, _f in parsed]
            if single:
                best = max(weights)
                top = [i for i, w in enumerate(weights) if w == best]
                if best <= 0:
                    raise FormatError(source, line, "no answer is right")
                if len(top) > 1:
                    result.skipped.append(
                        {
                            "name": name,
                            "type": "multichoice",
                            "reason": "several full-credit answers in a single-answer question",
                        }
                    )
                    return
                options[top[0]]["correct"] = True
                for w, o in zip(weights, options):
                    if w != best and w != 0:
                        warn(
                            f"grade {fmt_number(w)}% for option {o['text'][:40]!r} is not expressible (imported as wrong)"
                        )
                q.update(options=options, shuffle=True)
            else:
                positive = [w for w in weights if w > 0]
                if not positive:
                    raise FormatError(source, line, "no answer has a positive weight")
                for w, o in zip(weights, options):
                    o["correct"] = w > 0
                share = 100.0 / len(positive)
                n_wrong = len(weights) - len(positive)
                if any(abs(w - share) > 0.01 for w in positive):
                    warn(
                        "unequal weights for the right options are not expressible (each right option earns an equal share)"
                    )
                if any(w < 0 and abs(w + 100.0 / n_wrong) > 0.01 for w in weights):
                    warn(
                        "weights for wrong options are replaced by the bank's rule (each wrong choice costs 1/#wrong)"
                    )
                q.update(options=options, shuffle=True, all_or_nothing=False)
            native = "multichoice"
        else:
            stem, sf = stem_with("{{g1}}")
            q = base_question("", "short_answer", name, stem, sf)
            gap_answers = []
            for a in answers:
                weight, text, fb = _choice(a, source, line)
                if not text:
                    raise FormatError(source, line, "a short answer is empty")
                if text == "*" and weight <= 0:
                    warn("catch-all '*' answer is not expressible (dropped)")
                    continue
                gap_answers.append(
                    {"text": text, "credit": round(max(0.0, weight) / 100, 6), "feedback": fb}
                )
            wild = any("*" in a["text"] for a in gap_answers)
            q.update(
                gaps=[
                    {
                        "id": "g1",
                        "answers": gap_answers,
                        "options": None,
                        "case_sensitive": False,
                        "wildcard": wild,
                    }
                ]
            )
            native = "shortanswer"
    q["id"] = ids.make(given_id, name)
    q["general_feedback"] = (
        html.escape(general, quote=False) if general and fmt != "html" else general
    )
    q.update(criteria=criteria, tags=tags, difficulty=difficulty)
    if points is not None:
        q["points"] = points
    add_question(result, q, source, where, warn)
    result.source_types.append(native)


def _split_on_hash(s: str) -> list[str]:
    out, cur, i = [], [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur.append(s[i : i + 2])
            i += 2
            continue
        if s[i] == "#":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(s[i])
        i += 1
    out.append("".join(cur))
    return out


def _choice(raw: str, source, line) -> tuple[float, str, str]:
    raw = raw.strip()
    marker, rest = raw[0], raw[1:]
    weight = 100.0 if marker == "=" else 0.0
    m = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", rest)
    if m:
        weight = float(m.group(1))
        rest = rest[m.end() :]
        if not -100 <= weight <= 100:
            raise FormatError(source, line, f"weight {weight}% is outside -100..100")
    text, fb = _split_feedback(rest)
    return weight, _clean(text), _clean(fb)


def _numeric(block: str, source, where, warn) -> list[dict]:
    block = block.strip()
    parts = _split_unescaped(block, "=~")
    answers = []
    for p in parts:
        p = p.strip()
        weight = 100.0
        if p[:1] == "~":
            weight, p = 0.0, p[1:]
        elif p[:1] == "=":
            p = p[1:]
        m = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", p)
        if m:
            weight, p = float(m.group(1)), p[m.end() :]
        value_text, fb = _split_feedback(p)
        value_text, fb = value_text.strip(), _clean(fb)
        if not value_text:
            warn("a wrong-answer catch-all in a numerical question is not expressible (dropped)")
            continue
        try:
            if ".." in value_text:
                lo, hi = (float(x) for x in value_text.split(".."))
                value, tol = (lo + hi) / 2, abs(hi - lo) / 2
            elif ":" in value_text:
                v, t = value_text.split(":", 1)
                value, tol = float(v), abs(float(t))
            else:
                value, tol = float(value_text), 0.0
        except ValueError:
            raise FormatError(
                source, where, f"numerical answer {value_text!r} is not a number"
            ) from None
        answers.append(
            {
                "value": value,
                "tolerance": tol,
                "credit": round(max(0.0, weight) / 100, 6),
                "feedback": fb,
            }
        )
    if not answers:
        raise FormatError(source, where, "a numerical question has no answer")
    return answers


# ====================================================================== export


def _stem_out(q: dict) -> tuple[str, str]:
    fmt = "[markdown]" if q.get("stem_format") == "markdown" else "[html]"
    return fmt, q["stem"]


def export_gift(questions: list[dict], *, warnings: list[str] | None = None) -> bytes:
    warnings = warnings if warnings is not None else []
    out: list[str] = []
    current_cat = ""
    for q in questions:
        cat = category_of(q) or ""
        if cat != current_cat:
            out.append("$CATEGORY: $course$/top" + (f"/{cat}" if cat else "") + "\n")
            current_cat = cat
        body = _answers_out(q, lambda m, q=q: warnings.append(f"{q['id']}: {m}"))
        if body is None:
            warnings.append(
                f"{q['id']}: {q['type']} questions cannot be expressed in GIFT (not exported)"
            )
            continue
        lines = [f"// criterion: {c}" for c in q.get("criteria") or []]
        meta = f"[id:{q['id']}]" + "".join(
            f" [tag:{t}]"
            for t in export_tags(q, with_category=False)
            if not t.startswith("criterion:")
        )
        lines.append("// " + meta)
        if float(q.get("points", 1)) != 1.0:
            lines.append(f"// points: {fmt_number(q['points'])}")
        fmt, stem = _stem_out(q)
        general = q.get("general_feedback") or ""
        block = body + (f"####{_escape(general)}" if general else "")
        title = _escape(q.get("title") or q["id"])
        if q["type"] == "short_answer":
            before, _, after = stem.partition("{{g1}}")
            text = f"::{title}::{fmt}{_escape(before)}{{{block}}}{_escape(after)}"
        else:
            text = f"::{title}::{fmt}{_escape(stem)}{{{block}}}"
        lines.append(text)
        out.append("\n".join(lines) + "\n")
    return "\n".join(out).encode("utf-8")


def _fb(text: str) -> str:
    return f"#{_escape(text)}" if text else ""


def _pct(w: float) -> str:
    return f"%{fmt_number(round(w, 5))}%"


def _answers_out(q: dict, warn) -> str | None:
    t = q["type"]
    if t == "single_choice":
        return " ".join(
            ("=" if o["correct"] else "~") + _escape(o["text"]) + _fb(o.get("feedback", ""))
            for o in q["options"]
        )
    if t == "multiple_response":
        if q.get("all_or_nothing"):
            warn("all-or-nothing marking is not expressible in GIFT (exported with partial credit)")
        n = sum(1 for o in q["options"] if o["correct"])
        n_wrong = len(q["options"]) - n
        return " ".join(
            "~"
            + _pct(100 / n if o["correct"] else -100 / n_wrong)
            + _escape(o["text"])
            + _fb(o.get("feedback", ""))
            for o in q["options"]
        )
    if t == "true_false":
        wrong = q["feedback_false"] if q["answer"] else q["feedback_true"]
        right = q["feedback_true"] if q["answer"] else q["feedback_false"]
        out = "TRUE" if q["answer"] else "FALSE"
        if wrong or right:
            out += f"#{_escape(wrong)}#{_escape(right)}"
        return out
    if t == "matching":
        return " ".join(
            f"={_escape(p)} -> {_escape(r)}" if p else f"= -> {_escape(r)}"
            for p, r in matching_sequence(q)
        )
    if t == "short_answer":
        gaps = q["gaps"]
        if len(gaps) != 1 or gaps[0]["id"] != "g1" or gaps[0].get("options"):
            return None
        if gaps[0].get("case_sensitive"):
            warn("case-sensitive marking is not expressible in GIFT (exported case-insensitive)")
        return " ".join(
            "="
            + ("" if a["credit"] == 1 else _pct(a["credit"] * 100))
            + _escape(a["text"])
            + _fb(a.get("feedback", ""))
            for a in gaps[0]["answers"]
        )
    if t == "numeric":
        if q.get("unit"):
            warn(f"unit {q['unit']!r} is not expressible in GIFT (dropped)")
        return "#" + " ".join(
            "="
            + ("" if a["credit"] == 1 else _pct(a["credit"] * 100))
            + f"{fmt_number(a['value'])}:{fmt_number(a.get('tolerance', 0))}"
            + _fb(a.get("feedback", ""))
            for a in q["answers"]
        )
    if t == "essay":
        if q.get("word_limit") or q.get("min_words") or q.get("marker_guidance"):
            warn("word limits and marker guidance are not expressible in GIFT (dropped)")
        return ""
    return None
