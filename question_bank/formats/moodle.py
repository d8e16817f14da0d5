"""Moodle XML: import and export.

See README.md in this folder for the mapping. Categories become `category:Path` tags, criterion
references travel as `<tags><tag><text>criterion:FRAMEWORK/CODE</text></tag></tags>`.
"""

from __future__ import annotations

import base64
import html
import math
import re

from lxml import etree

from question_bank.moodle_versions import (
    check_moodle_version,
    converted_to_matching,
    has_core_ordering,
    ordering_as_matching,
)

from . import _cloze
from ._common import (
    CATEGORY_TAG,
    MEDIA_PREFIX,
    FormatError,
    IdMaker,
    ImportResult,
    b64decode,
    base_question,
    category_of,
    check_text,
    clean_category,
    export_tags,
    extract_data_uris,
    fmt_number,
    html_to_text,
    letter_ids,
    matching_sequence,
    split_tags,
    text_to_html,
    add_question,
)
from ._xml import localname, parse_xml

FORMAT = "moodle"

# Moodle's own defaults for combined feedback: importing them is not "losing" anything.
_DEFAULT_COMBINED = {
    "",
    "Your answer is correct.",
    "Your answer is partially correct.",
    "Your answer is incorrect.",
}
_UNSUPPORTED = {
    "calculated": "calculated questions (formulas with wildcards) cannot be represented in the bank",
    "calculatedsimple": "calculated questions (formulas with wildcards) cannot be represented in the bank",
    "calculatedmulti": "calculated questions (formulas with wildcards) cannot be represented in the bank",
    "ddwtos": "drag-and-drop into text cannot be represented in the bank",
    "ddmarker": "drag-and-drop markers on an image cannot be represented in the bank",
    "ddimageortext": "drag-and-drop onto an image cannot be represented in the bank",
    "gapselect": "select-missing-words (grouped drop-downs) cannot be represented in the bank",
    "gapfill": "the Gapfill plugin's question type is not supported (no equivalent type in the bank)",
    "randomsamatch": "random short-answer matching draws from other questions; it has no fixed content",
    "random": "a random-question placeholder has no content of its own",
}
_PLUGINFILE = "@@PLUGINFILE@@/"
_UNDERSCORES = re.compile(r"_{3,}")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


# ====================================================================== import


def import_moodle(data: bytes, *, source: str) -> ImportResult:
    root = parse_xml(data, source)
    if localname(root) != "quiz":
        raise FormatError(
            source, root.sourceline, f"root element is <{localname(root)}>, expected <quiz>"
        )
    result = ImportResult()
    ids = IdMaker("moodle")
    category: str | None = None
    for qel in root:
        if not isinstance(qel.tag, str):
            continue
        if localname(qel) != "question":
            raise FormatError(
                source, qel.sourceline, f"unexpected element <{localname(qel)}> in <quiz>"
            )
        qtype = (qel.get("type") or "").strip()
        if not qtype:
            raise FormatError(source, qel.sourceline, "<question> without a type attribute")
        if qtype == "category":
            raw = _text(qel, "category")
            category = clean_category(raw)
            if category and category not in result.categories:
                result.categories.append(category)
            continue
        name = html.unescape(_text(qel, "name")).strip() or f"question at line {qel.sourceline}"
        where = f"question {name!r} (line {qel.sourceline})"
        if qtype == "description":
            result.descriptions.append({"name": name, "text": _text(qel, "questiontext")})
            continue
        if qtype in _UNSUPPORTED or qtype not in _IMPORTERS:
            reason = _UNSUPPORTED.get(
                qtype, f"Moodle question type {qtype!r} cannot be represented in the bank"
            )
            result.skipped.append({"name": name, "type": qtype, "reason": reason})
            continue
        ctx = _Ctx(source, where, name, result)
        try:
            q = _common(qel, qtype, ctx, ids, category)
            outcome = _IMPORTERS[qtype](qel, q, ctx)
        except _Skip as skip:
            result.skipped.append({"name": name, "type": qtype, "reason": str(skip)})
            continue
        except FormatError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            raise FormatError(source, where, f"malformed question: {exc}") from None
        if outcome is not None:
            q = outcome
        add_question(result, q, source, where, ctx.warn)
        result.source_types.append(qtype)
    return result


class _Skip(Exception):
    pass


class _Ctx:
    def __init__(self, source, where, name, result):
        self.source, self.where, self.name, self.result = source, where, name, result

    def warn(self, message: str) -> None:
        self.result.warnings.append(f"{self.name}: {message}")

    def error(self, message: str) -> FormatError:
        return FormatError(self.source, self.where, message)


def _child(el, name):
    # Moodle XML has no namespace: lxml's own lookup is the fast path.
    return el.find(name)


def _children(el, name):
    return el.findall(name)


def _text(el, name: str) -> str:
    """Text of <name><text>..</text></name> (or of <name> itself when it has no <text>)."""
    c = _child(el, name)
    if c is None:
        return ""
    t = _child(c, "text")
    if t is not None:
        return t.text or ""
    return (c.text or "").strip()


def _value(el, name: str, default: str = "") -> str:
    c = _child(el, name)
    if c is None:
        return default
    return (c.text or "").strip()


def _float(ctx, raw: str, what: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ctx.error(f"{what} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ctx.error(f"{what} {raw!r} is not a finite number")
    return value


def _bool(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes")


def _files(el, ctx) -> None:
    """Embedded <file> attachments under el: decoded into result.files as media/<name>."""
    for f in el.iter("file"):
        if (f.get("encoding") or "base64") != "base64":
            raise ctx.error(
                f"embedded file {f.get('name')!r} has unsupported encoding {f.get('encoding')!r}"
            )
        name = _SAFE_NAME.sub(
            "_", (f.get("path") or "/").strip("/") + "/" + (f.get("name") or "file")
        )
        name = name.strip("._") or "file"
        raw = b64decode(f.text or "", ctx.source, ctx.where)
        path = MEDIA_PREFIX + name
        if path in ctx.result.files and ctx.result.files[path] != raw:
            raise ctx.error(f"two different embedded files are both named {name!r}")
        ctx.result.files[path] = raw


def _rich(el, name: str, ctx, what: str) -> tuple[str, str]:
    """(text, format) of a Moodle text element, with embedded images moved into files."""
    c = _child(el, name)
    if c is None:
        return "", "html"
    t = _child(c, "text")
    raw = (t.text or "") if t is not None else ""
    check_text(raw, ctx.source, ctx.where, what)
    fmt = c.get("format") or "html"
    raw = raw.replace(_PLUGINFILE, MEDIA_PREFIX)
    raw = extract_data_uris(raw, ctx.result.files, ctx.source, ctx.where)
    return raw, fmt


def _as_stem(raw: str, fmt: str) -> tuple[str, str]:
    if fmt == "markdown":
        return raw, "markdown"
    if fmt in ("plain_text", "moodle_auto_format"):
        return (text_to_html(raw) if raw.strip() else ""), "html"
    return raw.strip(), "html"


def _feedback_text(el, name, ctx) -> str:
    raw, fmt = _rich(el, name, ctx, name)
    if fmt in ("plain_text", "moodle_auto_format") and raw.strip():
        return html.escape(raw.strip(), quote=False)
    return raw.strip()


def _plain(raw: str, ctx, what: str) -> str:
    """Answer/option text: the bank keeps these as plain text."""
    text = html_to_text(raw)
    if raw.strip() != text and re.search(r"<(?!/?p\b)(?!br\b)", raw):
        ctx.warn(f"formatting in {what} {text!r} dropped (option texts are plain text)")
    return text


def _common(qel, qtype, ctx, ids: IdMaker, category: str | None) -> dict:
    _files(qel, ctx)
    raw, fmt = _rich(qel, "questiontext", ctx, "question text")
    stem, stem_format = _as_stem(raw, fmt)
    q = base_question(ids.make(_value(qel, "idnumber"), ctx.name), "", ctx.name, stem, stem_format)
    grade = _value(qel, "defaultgrade", "1")
    points = _float(ctx, grade, "defaultgrade") if grade else 1.0
    if points <= 0 and qtype != "cloze":
        ctx.warn(f"default grade {grade} is not positive; imported as 1 point")
        points = 1.0
    q["points"] = points
    q["general_feedback"] = _feedback_text(qel, "generalfeedback", ctx)
    tag_texts = []
    tags_el = _child(qel, "tags")
    if tags_el is not None:
        tag_texts = [
            html.unescape(_text(t, "text") or (t.text or "")).strip()
            for t in _children(tags_el, "tag")
        ]
    criteria, tags, difficulty = split_tags(tag_texts, ctx.source, ctx.where)
    if category:
        tags = [t for t in tags if not t.startswith(CATEGORY_TAG)]
        tags.append(CATEGORY_TAG + category)
    q.update(criteria=criteria, tags=tags, difficulty=difficulty)
    penalty = _value(qel, "penalty", "")
    p_value = _float(ctx, penalty, "penalty") if penalty else 0.0
    if (
        abs(p_value) > 1e-9
        and qtype != "essay"
        and abs(p_value - 0.3333333) > 1e-6
        and abs(p_value - 1.0) > 1e-9
    ):
        ctx.warn(f"penalty {penalty} for each wrong try is not expressible (ignored)")
    if _bool(_value(qel, "hidden", "0")):
        ctx.warn("hidden flag is not expressible (imported as a normal question)")
    if _children(qel, "hint"):
        ctx.warn(
            f"{len(_children(qel, 'hint'))} hint(s) for multiple tries are not expressible (dropped)"
        )
    for key in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        text = html_to_text(_text(qel, key))
        if text not in _DEFAULT_COMBINED:
            ctx.warn(
                f"{key} {text[:60]!r} is not expressible (the bank has per-option and general feedback)"
            )
    return q


def _answers(qel, ctx):
    out = []
    for a in _children(qel, "answer"):
        frac_raw = a.get("fraction", "0")
        frac = _float(ctx, frac_raw, "answer fraction")
        t = _child(a, "text")
        text = (t.text or "") if t is not None else (a.text or "")
        check_text(text, ctx.source, ctx.where, "answer")
        out.append((frac, text, _feedback_text(a, "feedback", ctx), a))
    return out


def _imp_multichoice(qel, q, ctx):
    answers = _answers(qel, ctx)
    if len(answers) < 2:
        raise ctx.error("a multichoice question needs at least two answers")
    single = _bool(_value(qel, "single", "true"))
    ids = letter_ids(len(answers))
    options = []
    for oid, (frac, text, fb, _a) in zip(ids, answers):
        options.append(
            {"id": oid, "text": _plain(text, ctx, "option"), "correct": False, "feedback": fb}
        )
    q["shuffle"] = _bool(_value(qel, "shuffleanswers", "1"))
    fracs = [a[0] for a in answers]
    if single:
        best = max(fracs)
        if best <= 0:
            raise ctx.error("no answer has a positive grade")
        top = [i for i, f in enumerate(fracs) if f == best]
        if len(top) > 1:
            # several full-credit answers: Moodle accepts any; the bank has one right answer
            raise _Skip(
                "single-answer multichoice with several full-credit answers cannot be represented"
            )
        options[top[0]]["correct"] = True
        if best < 100:
            ctx.warn(f"the best answer is worth {fmt_number(best)}%; imported as fully correct")
        for f, o in zip(fracs, options):
            if 0 < f < best or f < 0:
                ctx.warn(
                    f"grade {fmt_number(f)}% for option {o['text'][:40]!r} is not expressible (imported as wrong)"
                )
        q["type"] = "single_choice"
    else:
        positive = [f for f in fracs if f > 0]
        if not positive:
            raise ctx.error("no answer has a positive grade")
        for f, o in zip(fracs, options):
            o["correct"] = f > 0
        share = 100.0 / len(positive)
        if any(abs(f - share) > 0.01 for f in positive) or abs(sum(positive) - 100) > 0.1:
            ctx.warn(
                "unequal grades for the right options are not expressible (each right option earns an equal share)"
            )
        n_wrong = len(fracs) - len(positive)
        if any(f <= 0 and abs(f) > 0.01 and abs(f + 100.0 / n_wrong) > 0.01 for f in fracs):
            ctx.warn(
                "grades for wrong options are replaced by the bank's rule (each wrong choice costs 1/#wrong)"
            )
        q["type"] = "multiple_response"
        q["all_or_nothing"] = False
    q["options"] = options


def _imp_truefalse(qel, q, ctx):
    answers = _answers(qel, ctx)
    truth = None
    fb = {"true": "", "false": ""}
    for frac, text, feedback, _a in answers:
        key = html_to_text(text).strip().lower()
        if key not in fb:
            raise ctx.error(f"true/false answer {key!r} is neither true nor false")
        fb[key] = feedback
        if frac >= 100:
            truth = key == "true"
    if truth is None:
        raise ctx.error("neither true nor false has a grade of 100")
    q.update(type="true_false", answer=truth, feedback_true=fb["true"], feedback_false=fb["false"])


def _sa_answer(text: str, ctx) -> tuple[str, bool]:
    """Moodle short answer text -> (literal text with * wildcards, has_wildcard)."""
    plain = html.unescape(text).strip()
    has_wild = bool(re.search(r"(?<!\\)\*", plain))
    return plain, has_wild


def _imp_shortanswer(qel, q, ctx):
    answers = _answers(qel, ctx)
    if not answers:
        raise ctx.error("a short-answer question needs at least one answer")
    out, wild = [], False
    for frac, text, fb, _a in answers:
        t, w = _sa_answer(text, ctx)
        wild = wild or w
        if t == "*" and frac <= 0:
            ctx.warn(
                "catch-all '*' answer (feedback for any other answer) is not expressible (dropped)"
            )
            continue
        if frac < 0:
            ctx.warn(f"negative grade for answer {t!r} imported as 0")
        out.append({"text": t, "credit": round(max(0.0, frac) / 100.0, 6), "feedback": fb})
    if not wild:
        for a in out:
            a["text"] = a["text"].replace("\\*", "*")
    if not any(a["credit"] > 0 for a in out):
        raise ctx.error("no answer has a positive grade")
    stem = q["stem"]
    if "{{g1}}" not in stem:
        if _UNDERSCORES.search(stem):
            stem = _UNDERSCORES.sub("{{g1}}", stem, count=1)
        elif q["stem_format"] == "html" and stem.endswith("</p>"):
            stem = stem[: -len("</p>")] + " {{g1}}</p>"
        else:
            stem = (stem + " {{g1}}").strip()
    q["stem"] = stem
    q["type"] = "short_answer"
    q["gaps"] = [
        {
            "id": "g1",
            "answers": out,
            "options": None,
            "case_sensitive": _bool(_value(qel, "usecase", "0")),
            "wildcard": wild,
        }
    ]


def _imp_numerical(qel, q, ctx):
    answers = _answers(qel, ctx)
    out = []
    for frac, text, fb, a in answers:
        t = html_to_text(text)
        if t == "*":
            ctx.warn(
                "catch-all '*' answer (feedback for any other answer) is not expressible (dropped)"
            )
            continue
        value = _float(ctx, t, "numerical answer")
        tol = _float(ctx, _value(a, "tolerance", "0") or "0", "tolerance")
        if frac < 0:
            ctx.warn(f"negative grade for answer {t} imported as 0")
        out.append(
            {
                "value": value,
                "tolerance": abs(tol),
                "credit": round(max(0.0, frac) / 100.0, 6),
                "feedback": fb,
            }
        )
    if not any(a["credit"] > 0 for a in out):
        raise ctx.error("no numerical answer has a positive grade")
    unit = None
    units_el = _child(qel, "units")
    if units_el is not None:
        units = [
            (_value(u, "unit_name"), _value(u, "multiplier", "1"))
            for u in _children(units_el, "unit")
        ]
        base = [n for n, m in units if m and abs(float(m) - 1.0) < 1e-12]
        if base:
            unit = base[0]
        if len(units) > (1 if base else 0):
            ctx.warn(
                "alternative units with multipliers are not expressible (only the base unit is kept)"
            )
    q.update(type="numeric", answers=out, unit=unit or None)


def _imp_matching(qel, q, ctx):
    premises, responses, by_text = [], [], {}
    subs = _children(qel, "subquestion")
    for sub in subs:
        st = _child(sub, "text")
        ptext = (st.text or "") if st is not None else ""
        atext = html.unescape(_text(sub, "answer")).strip()
        if not atext:
            raise ctx.error("a matching subquestion has no answer")
        if atext not in by_text:
            by_text[atext] = f"r{len(responses) + 1}"
            responses.append({"id": by_text[atext], "text": atext})
        if html_to_text(ptext):
            premises.append(
                {
                    "id": f"p{len(premises) + 1}",
                    "text": _plain(ptext, ctx, "premise"),
                    "match": by_text[atext],
                }
            )
    if len(premises) < 1:
        raise ctx.error("a matching question needs at least one premise with text")
    q.update(
        type="matching",
        premises=premises,
        responses=responses,
        shuffle=_bool(_value(qel, "shuffleanswers", "1")),
    )


def _imp_ordering(qel, q, ctx):
    answers = _answers(qel, ctx)
    if len(answers) < 2:
        raise ctx.error("an ordering question needs at least two items")
    ordered = sorted(enumerate(answers), key=lambda ia: (ia[1][0], ia[0]))
    items = [
        {"id": f"i{n + 1}", "text": _plain(a[1], ctx, "item")} for n, (_i, a) in enumerate(ordered)
    ]
    q.update(type="ordering", items=items, shuffle=True)


def _imp_essay(qel, q, ctx):
    def _int(name):
        v = _value(qel, name, "")
        try:
            n = int(v) if v else 0
        except ValueError:
            raise ctx.error(f"{name} {v!r} is not a whole number") from None
        return n if n > 0 else None

    guidance, _fmt = _rich(qel, "graderinfo", ctx, "grader information")
    q.update(
        type="essay",
        word_limit=_int("maxwordlimit"),
        min_words=_int("minwordlimit") or 0,
        marker_guidance=guidance.strip(),
    )
    if html_to_text(_text(qel, "responsetemplate")):
        ctx.warn("response template is not expressible (dropped)")
    if (_value(qel, "attachments", "0") or "0") not in ("0", ""):
        ctx.warn("file attachments are not expressible (the bank takes text answers)")


def _imp_cloze(qel, q, ctx):
    gaps, stem, weights = _cloze.parse(q["stem"], ctx)
    if not _value(qel, "defaultgrade", ""):
        q["points"] = float(sum(weights))
    if not _cloze.is_gap_only(gaps):
        return _cloze.to_scenario(q, gaps, stem, weights, ctx)
    q["stem"] = stem
    q["type"] = "short_answer"
    q["gaps"] = gaps
    if len(set(weights)) > 1:
        ctx.warn("unequal gap weights are not expressible (each gap counts equally)")
    grade = _value(qel, "defaultgrade", "")
    if not grade:
        q["points"] = float(sum(weights))


_IMPORTERS = {
    "multichoice": _imp_multichoice,
    "truefalse": _imp_truefalse,
    "shortanswer": _imp_shortanswer,
    "numerical": _imp_numerical,
    "matching": _imp_matching,
    "match": _imp_matching,
    "ordering": _imp_ordering,
    "essay": _imp_essay,
    "cloze": _imp_cloze,
    "multianswer": _imp_cloze,
}


# ====================================================================== export


def export_moodle(
    questions: list[dict],
    *,
    files: dict[str, bytes] | None = None,
    warnings: list[str] | None = None,
    moodle_version: str | None = None,
) -> bytes:
    """The questions as Moodle XML that ``moodle_version`` (default the current LTS) imports with
    its core question types: ordering becomes matching before Moodle 4.4 (see
    question_bank.moodle_versions). Raises MoodleVersionError for a version it does not know."""
    version = check_moodle_version(moodle_version)
    files = files or {}
    warnings = warnings if warnings is not None else []
    root = etree.Element("quiz")
    current_cat = ""
    for n, q in enumerate(questions):
        cat = category_of(q) or ""
        if cat != current_cat and (n > 0 or cat):
            c = etree.SubElement(root, "question", type="category")
            _set_text(etree.SubElement(c, "category"), "$course$/top" + (f"/{cat}" if cat else ""))
            current_cat = cat
        if q["type"] == "ordering" and not has_core_ordering(version):
            q = ordering_as_matching(q)
            warnings.append(converted_to_matching(q["id"], version))
        maker = _exporter_for(q)
        if q["type"] == "scenario":
            cloze = _cloze.from_scenario(q, warnings)
            if cloze is None:
                continue
            q = dict(q, stem=cloze, stem_format="html")
        if maker is None:
            warnings.append(
                f"{q['id']}: {q['type']} questions cannot be expressed in Moodle XML (not exported)"
            )
            continue
        qel = etree.SubElement(root, "question", type=maker[0])
        _set_text(etree.SubElement(qel, "name"), q.get("title") or q["id"])
        stem = q["stem"]
        if q["type"] == "short_answer" and maker[0] == "shortanswer":
            stem = stem.replace("{{g1}}", "__________")
        _rich_out(
            qel,
            "questiontext",
            stem,
            "markdown" if q.get("stem_format") == "markdown" else "html",
            files,
        )
        _rich_out(qel, "generalfeedback", q.get("general_feedback", ""), "html", files)
        _val(qel, "defaultgrade", f"{float(q.get('points', 1)):.7f}")
        _val(qel, "penalty", "0")
        _val(qel, "hidden", "0")
        _val(qel, "idnumber", q["id"])
        maker[1](qel, q)
        if q["type"] == "multiple_response" and q.get("all_or_nothing"):
            warnings.append(
                f"{q['id']}: all-or-nothing marking is not expressible in Moodle XML "
                "(exported with partial credit)"
            )
        tags = export_tags(q, with_category=False)
        if tags:
            tags_el = etree.SubElement(qel, "tags")
            for t in tags:
                _set_text(etree.SubElement(tags_el, "tag"), t)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _set_text(parent, text: str, cdata: bool = False):
    t = etree.SubElement(parent, "text")
    if cdata and text and ("<" in text or "&" in text) and "]]>" not in text:
        t.text = etree.CDATA(text)
    else:
        t.text = text
    return t


def _val(parent, name, value):
    e = etree.SubElement(parent, name)
    e.text = value
    return e


_MEDIA_SRC = re.compile(r"""(src|href)=(["'])media/([^"']+)\2""")


def _rich_out(parent, name, text, fmt, files):
    el = etree.SubElement(parent, name, format=fmt)
    used = []

    def repl(m):
        used.append(m.group(3))
        return f"{m.group(1)}={m.group(2)}{_PLUGINFILE}{m.group(3)}{m.group(2)}"

    text = _MEDIA_SRC.sub(repl, text or "")
    _set_text(el, text, cdata=True)
    for ref in used:
        data = files.get(MEDIA_PREFIX + ref)
        if data is not None:
            f = etree.SubElement(el, "file", name=ref, path="/", encoding="base64")
            f.text = base64.b64encode(data).decode("ascii")
    return el


def _answer_out(qel, fraction: float, text: str, feedback: str, fmt="html"):
    a = etree.SubElement(qel, "answer", fraction=_fraction(fraction), format=fmt)
    _set_text(a, text, cdata=True)
    fb = etree.SubElement(a, "feedback", format="html")
    _set_text(fb, feedback or "", cdata=True)
    return a


def _fraction(f: float) -> str:
    s = f"{f:.7f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def _opt_text(text: str) -> str:
    return html.escape(text, quote=False)


def _exp_single(qel, q):
    _val(qel, "single", "true")
    _val(qel, "shuffleanswers", "true" if q.get("shuffle") else "false")
    _val(qel, "answernumbering", "abc")
    for o in q["options"]:
        _answer_out(qel, 100 if o["correct"] else 0, _opt_text(o["text"]), o.get("feedback", ""))


def _exp_multi(qel, q):
    _val(qel, "single", "false")
    _val(qel, "shuffleanswers", "true" if q.get("shuffle") else "false")
    _val(qel, "answernumbering", "abc")
    n = sum(1 for o in q["options"] if o["correct"])
    n_wrong = len(q["options"]) - n
    for o in q["options"]:
        frac = 100.0 / n if o["correct"] else -100.0 / n_wrong
        _answer_out(qel, frac, _opt_text(o["text"]), o.get("feedback", ""))


def _exp_tf(qel, q):
    _answer_out(
        qel, 100 if q["answer"] else 0, "true", q.get("feedback_true", ""), "moodle_auto_format"
    )
    _answer_out(
        qel, 0 if q["answer"] else 100, "false", q.get("feedback_false", ""), "moodle_auto_format"
    )


def _exp_matching(qel, q):
    _val(qel, "shuffleanswers", "true" if q.get("shuffle") else "false")
    for premise, response in matching_sequence(q):
        s = etree.SubElement(qel, "subquestion", format="html")
        _set_text(s, _opt_text(premise), cdata=True)
        _set_text(etree.SubElement(s, "answer"), response)


def _exp_ordering(qel, q):
    _val(qel, "layouttype", "VERTICAL")
    _val(qel, "selecttype", "ALL")
    _val(qel, "selectcount", "0")
    # the bank credits the longest run in the right relative order: Moodle's closest grading
    _val(qel, "gradingtype", "LONGEST_ORDERED_SUBSET")
    for n, it in enumerate(q["items"], start=1):
        a = etree.SubElement(qel, "answer", fraction=str(n), format="moodle_auto_format")
        _set_text(a, it["text"])


def _is_plain_sa(q) -> bool:
    return len(q["gaps"]) == 1 and q["gaps"][0]["id"] == "g1" and not q["gaps"][0].get("options")


def _exp_short(qel, q):
    if _is_plain_sa(q):
        gap = q["gaps"][0]
        _val(qel, "usecase", "1" if gap.get("case_sensitive") else "0")
        for a in gap["answers"]:
            text = a["text"] if gap.get("wildcard") else a["text"].replace("*", "\\*")
            _answer_out(qel, a["credit"] * 100, text, a.get("feedback", ""), "moodle_auto_format")
        return
    # several gaps or a drop-down: the Cloze (embedded answers) type; the stem carries the answers
    qt = _child(qel, "questiontext")
    t = _child(qt, "text")
    text = _cloze.render(q, t.text or "")
    t.text = etree.CDATA(text) if "]]>" not in text else text


def _exp_numeric(qel, q):
    for a in q["answers"]:
        el = _answer_out(
            qel,
            a["credit"] * 100,
            fmt_number(a["value"]),
            a.get("feedback", ""),
            "moodle_auto_format",
        )
        _val(el, "tolerance", fmt_number(a.get("tolerance", 0)))
    if q.get("unit"):
        units = etree.SubElement(qel, "units")
        u = etree.SubElement(units, "unit")
        _val(u, "multiplier", "1")
        _val(u, "unit_name", q["unit"])
        _val(qel, "showunits", "2")
        _val(qel, "unitsleft", "0")


def _exp_essay(qel, q):
    _val(qel, "responseformat", "editor")
    _val(qel, "responserequired", "1")
    _val(qel, "responsefieldlines", "15")
    if q.get("min_words"):
        _val(qel, "minwordlimit", str(q["min_words"]))
    if q.get("word_limit"):
        _val(qel, "maxwordlimit", str(q["word_limit"]))
    _val(qel, "attachments", "0")
    g = etree.SubElement(qel, "graderinfo", format="html")
    _set_text(g, q.get("marker_guidance", ""), cdata=True)
    r = etree.SubElement(qel, "responsetemplate", format="html")
    _set_text(r, "")


def _short_type(q):
    return "shortanswer" if _is_plain_sa(q) else "cloze"


_EXPORTERS = {
    "single_choice": ("multichoice", _exp_single),
    "multiple_response": ("multichoice", _exp_multi),
    "true_false": ("truefalse", _exp_tf),
    "matching": ("matching", _exp_matching),
    "ordering": ("ordering", _exp_ordering),
    "numeric": ("numerical", _exp_numeric),
    "essay": ("essay", _exp_essay),
}


def _exporter_for(q):
    if q["type"] == "short_answer":
        return (_short_type(q), _exp_short)
    if q["type"] == "scenario":
        return ("cloze", lambda qel, q: None)  # the stem is the Cloze text (_cloze.from_scenario)
    return _EXPORTERS.get(q["type"])
