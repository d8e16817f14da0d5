"""IMS QTI 2.1 and 1EdTech QTI 3.0: items and content packages, import and export.

Both versions share one code path: QTI 3 names are QTI 2.1 names in kebab case with a `qti-`
prefix (`choiceInteraction` -> `qti-choice-interaction`, `responseIdentifier` ->
`response-identifier`). Criterion references, tags, difficulty and essay limits travel as LOM
keywords in the package manifest's resource metadata (see README.md).
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile

from lxml import etree

from ._common import (
    MAX_FILE_BYTES,
    MAX_ZIP_ENTRIES,
    FormatError,
    IdMaker,
    ImportResult,
    base_question,
    check_size,
    check_text,
    export_tags,
    fmt_number,
    split_tags,
    add_question,
    human_bytes,
)
from ._xml import localname, namespace, parse_xml

NS21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
NS30 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP21 = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP30 = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
LOM21 = "http://ltsc.ieee.org/xsd/LOM"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_KEBAB = re.compile(r"(?<!^)(?=[A-Z])")


class Dialect:
    def __init__(self, version: str):
        self.version = version
        self.ns = NS21 if version == "2.1" else NS30
        self.name = "qti21" if version == "2.1" else "qti30"

    def el(self, name21: str) -> str:
        return name21 if self.version == "2.1" else "qti-" + _KEBAB.sub("-", name21).lower()

    def at(self, name21: str) -> str:
        return name21 if self.version == "2.1" else _KEBAB.sub("-", name21).lower()

    def q(self, name21: str) -> str:
        return f"{{{self.ns}}}{self.el(name21)}"

    def template(self, which: str) -> str:
        if self.version == "2.1":
            return f"http://www.imsglobal.org/question/qti_v2p1/rptemplates/{which}"
        return f"https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/{which}.xml"


D21, D30 = Dialect("2.1"), Dialect("3.0")
_BLOCK = {
    "choiceInteraction",
    "orderInteraction",
    "matchInteraction",
    "associateInteraction",
    "extendedTextInteraction",
}
_INLINE = {"textEntryInteraction", "inlineChoiceInteraction"}
_KNOWN_OTHER = {
    "hotspotInteraction",
    "graphicOrderInteraction",
    "selectPointInteraction",
    "gapMatchInteraction",
    "hottextInteraction",
    "sliderInteraction",
    "uploadInteraction",
    "drawingInteraction",
    "mediaInteraction",
    "positionObjectInteraction",
    "graphicAssociateInteraction",
    "graphicGapMatchInteraction",
    "customInteraction",
    "endAttemptInteraction",
    "portableCustomInteraction",
}
_ALL = _BLOCK | _INLINE | _KNOWN_OTHER


def _qid(x: str) -> str:
    """A bank id as a QTI identifier (which cannot start with a digit): "1a" -> "_1a"."""
    return "_" + x if x[:1].isdigit() else x


def _unqid(x: str) -> str:
    return x[1:] if x[:1] == "_" and x[1:2].isdigit() else x


def _map_ids(q: dict, f) -> dict:
    """A copy of q with the item id and every option/premise/response/item id passed through f."""
    q = copy.deepcopy(q)
    q["id"] = f(q["id"])
    for key in ("options", "items", "responses"):
        for o in q.get(key) or []:
            o["id"] = f(o["id"])
    for p in q.get("premises") or []:
        p["id"], p["match"] = f(p["id"]), f(p["match"])
    return q


def _name21(el) -> str:
    """QTI 2.1 name of an element of either version (qti-choice-interaction -> choiceInteraction)."""
    name = localname(el)
    if name.startswith("qti-"):
        parts = name[4:].split("-")
        return parts[0] + "".join(p.title() for p in parts[1:])
    return name


def _attr(el, d: Dialect, name21: str, default=None):
    return el.get(d.at(name21), default)


# ====================================================================== import


def import_qti21(data: bytes, *, source: str) -> ImportResult:
    return import_qti(data, source=source, expect="2.1")


def import_qti30(data: bytes, *, source: str) -> ImportResult:
    return import_qti(data, source=source, expect="3.0")


def import_qti(data: bytes, *, source: str, expect: str | None = None) -> ImportResult:
    """A QTI item (2.1 or 3.0) or an IMS content package (zip) of items."""
    check_size(data, source)
    result = ImportResult()
    ids = IdMaker("qti")
    if bytes(data[:4]) == b"PK\x03\x04":
        _import_package(bytes(data), source, result, ids, expect)
    else:
        root = parse_xml(data, source)
        _import_item(root, source, result, ids, expect, meta=[], base="", package=None)
    return result


def _safe_entries(zf: zipfile.ZipFile, source: str) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FormatError(
            source, None, f"package has {len(infos)} entries; the limit is {MAX_ZIP_ENTRIES}"
        )
    total = 0
    out = {}
    for info in infos:
        name = info.filename
        norm = posixpath.normpath(name.replace("\\", "/"))
        if (
            name.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:", name)
            or norm == ".."
            or norm.startswith("../")
            or "/../" in f"/{norm}/"
            or "\x00" in name
        ):
            raise FormatError(
                source, name, "package entry path escapes the package (path traversal)"
            )
        total += info.file_size
        if total > MAX_FILE_BYTES:
            raise FormatError(
                source, None, f"package unpacks to more than {human_bytes(MAX_FILE_BYTES)}"
            )
        if not name.endswith("/"):
            out[norm] = info
    return out


def _read(zf, info, source) -> bytes:
    with zf.open(info) as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES or len(data) > info.file_size + 0:
        raise FormatError(
            source, info.filename, "entry is larger than its declared size or the limit"
        )
    return data


def _import_package(data: bytes, source: str, result, ids, expect):
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FormatError(source, None, f"not a valid zip package: {exc}") from None
    with zf:
        entries = _safe_entries(zf, source)
        if "imsmanifest.xml" not in entries:
            raise FormatError(source, None, "package has no imsmanifest.xml")
        try:
            manifest = parse_xml(
                _read(zf, entries["imsmanifest.xml"], source), f"{source}!imsmanifest.xml"
            )
            for res in manifest.iter():
                if localname(res) != "resource":
                    continue
                rtype = res.get("type") or ""
                if not rtype.startswith("imsqti_item_xml"):
                    continue
                href = posixpath.normpath(res.get("href") or "")
                if href not in entries:
                    raise FormatError(
                        source, href, "manifest names an item file the package does not hold"
                    )
                meta = _keywords(res)
                item_source = f"{source}!{href}"
                root = parse_xml(_read(zf, entries[href], item_source), item_source)
                _import_item(
                    root,
                    item_source,
                    result,
                    ids,
                    expect,
                    meta=meta,
                    base=posixpath.dirname(href),
                    package=(zf, entries),
                )
        except zipfile.BadZipFile as exc:
            raise FormatError(source, None, f"corrupt zip package: {exc}") from None


def _keywords(res) -> list[str]:
    out = []
    for kw in res.iter():
        if localname(kw) != "keyword":
            continue
        for s in kw.iter():
            if localname(s) in ("string", "langstring") and (s.text or "").strip():
                out.append(s.text.strip())
    return out


def _decls(root, d: Dialect) -> dict:
    decls = {}
    for rd in root:
        if _name21(rd) != "responseDeclaration":
            continue
        rid = rd.get("identifier")
        info = {
            "cardinality": rd.get("cardinality", "single"),
            "baseType": _attr(rd, d, "baseType"),
            "correct": [],
            "mapping": {},
            "case": {},
            "default": 0.0,
        }
        for c in rd:
            n = _name21(c)
            if n == "correctResponse":
                info["correct"] = [(v.text or "").strip() for v in c if _name21(v) == "value"]
            elif n == "mapping":
                info["default"] = float(_attr(c, d, "defaultValue", "0") or 0)
                for me in c:
                    if _name21(me) == "mapEntry":
                        key = _attr(me, d, "mapKey")
                        info["mapping"][key] = float(_attr(me, d, "mappedValue"))
                        info["case"][key] = (
                            _attr(me, d, "caseSensitive", "true") or "true"
                        ) == "true"
        decls[rid] = info
    return decls


def _outcome_default(root, ident: str) -> float | None:
    for od in root:
        if _name21(od) == "outcomeDeclaration" and od.get("identifier") == ident:
            for dv in od:
                if _name21(dv) == "defaultValue":
                    for v in dv:
                        try:
                            return float(v.text)
                        except (TypeError, ValueError):
                            return None
    return None


def _text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _import_item(root, source, result: ImportResult, ids, expect, meta, base, package):
    try:
        _import_item_checked(root, source, result, ids, expect, meta, base, package)
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, StopIteration) as exc:
        raise FormatError(
            source,
            f"item {root.get('identifier')!r} (line {root.sourceline})",
            f"malformed item: {exc}",
        ) from None


def _import_item_checked(root, source, result: ImportResult, ids, expect, meta, base, package):
    ns = namespace(root)
    if ns == NS21 and localname(root) == "assessmentItem":
        d = D21
    elif ns == NS30 and localname(root) == "qti-assessment-item":
        d = D30
    else:
        raise FormatError(
            source,
            root.sourceline,
            f"not a QTI 2.1 or 3.0 item: root <{localname(root)}> in namespace {ns or '(none)'}",
        )
    if expect and d.version != expect:
        raise FormatError(
            source, root.sourceline, f"QTI {d.version} item where QTI {expect} was expected"
        )
    title = (root.get("title") or "").strip() or root.get("identifier") or "QTI item"
    where = f"item {root.get('identifier')!r} (line {root.sourceline})"
    warn = lambda m: result.warnings.append(f"{title} [{root.get('identifier')}]: {m}")
    body = next((c for c in root if _name21(c) == "itemBody"), None)
    if body is None:
        raise FormatError(source, where, "item has no itemBody")
    interactions = [e for e in body.iter() if isinstance(e.tag, str) and _name21(e) in _ALL]
    if not interactions:
        result.descriptions.append({"name": title, "text": _text_of(body)})
        return
    kinds = [_name21(e) for e in interactions]
    native = localname(interactions[0])
    unsupported = [k for k in kinds if k in _KNOWN_OTHER]
    if unsupported:
        result.skipped.append(
            {
                "name": title,
                "type": localname(interactions[kinds.index(unsupported[0])]),
                "reason": f"{unsupported[0]} cannot be represented in the bank",
            }
        )
        return
    if len(interactions) > 1 and not all(k in _INLINE for k in kinds):
        result.skipped.append(
            {
                "name": title,
                "type": native,
                "reason": "several interactions in one item only map when all are inline gaps",
            }
        )
        return
    decls = _decls(root, d)
    rp = next((c for c in root if _name21(c) == "responseProcessing"), None)
    template = (rp.get("template") or "") if rp is not None else ""
    rule = (
        "map_response"
        if "map_response" in template
        else "match_correct"
        if "match_correct" in template
        else ("custom" if rp is not None else "none")
    )
    files_map = _package_files(body, base, package, result, source, warn)
    kind = kinds[0]
    q = base_question("", "", title, "", "html")
    if kind in _INLINE:
        _imp_gaps(body, interactions, decls, d, q, warn, where, source, rp, rule)
    else:
        inter = interactions[0]
        rid = _attr(inter, d, "responseIdentifier")
        decl = decls.get(rid)
        if decl is None and kind != "extendedTextInteraction":
            raise FormatError(source, where, f"no responseDeclaration for {rid!r}")
        try:
            _BLOCK_IMPORTERS[kind](inter, decl, d, q, warn, where, source, rule)
        except _Skip as skip:
            result.skipped.append({"name": title, "type": native, "reason": str(skip)})
            return
        q["stem"] = _body_html(body, d, {inter: _prompt_html(inter, d)})
    for mf in root:
        if _name21(mf) == "modalFeedback":
            content = next((c for c in mf if _name21(c) == "contentBody"), mf)
            text = _inner_html(content, d)
            if q["general_feedback"]:
                warn("more than one modal feedback: kept the first as general feedback")
            else:
                q["general_feedback"] = text
    q["stem"] = _rewrite_src(q["stem"], files_map)
    check_text(q["stem"], source, where, "item body")
    points = _outcome_default(root, "MAXSCORE")
    if points and points > 0:
        q["points"] = points
    criteria, tags, difficulty = split_tags(
        [m for m in meta if not m.startswith("carecourse:")], source, where
    )
    for m in meta:
        if m.startswith("carecourse:word_limit=") and q["type"] == "essay":
            q["word_limit"] = int(m.split("=", 1)[1])
        elif m.startswith("carecourse:min_words=") and q["type"] == "essay":
            q["min_words"] = int(m.split("=", 1)[1])
    q.update(criteria=criteria, tags=tags, difficulty=difficulty)
    q["id"] = root.get("identifier") or ""
    q = _map_ids(q, _unqid)
    q["id"] = ids.make(q["id"], title)
    add_question(result, q, source, where, warn)
    result.source_types.append(native)


class _Skip(Exception):
    pass


def _package_files(body, base, package, result, source, warn) -> dict[str, str]:
    """Images the item references: copied from the package into files; src -> media/<path>."""
    mapping = {}
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("src", "data"):
            ref = el.get(attr)
            if not ref or re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.IGNORECASE):
                continue
            path = posixpath.normpath(posixpath.join(base, ref))
            if package is None:
                warn(f"references {ref!r}, which a single item file does not include")
                continue
            zf, entries = package
            if path not in entries:
                warn(f"references {ref!r}, which the package does not include")
                continue
            media = "media/" + (path.removeprefix("media/"))
            result.files[media] = _read(zf, entries[path], source)
            mapping[ref] = media
    return mapping


def _rewrite_src(stem: str, mapping: dict[str, str]) -> str:
    for ref, media in mapping.items():
        stem = stem.replace(f'src="{ref}"', f'src="{media}"').replace(
            f'data="{ref}"', f'data="{media}"'
        )
    return stem


def _strip_ns(el):
    for e in el.iter():
        if isinstance(e.tag, str) and e.tag.startswith("{"):
            e.tag = localname(e)
    etree.cleanup_namespaces(el)
    return el


def _serialise_children(el) -> str:
    parts = [el.text or ""]
    for c in el:
        parts.append(etree.tostring(c, method="html", encoding="unicode", with_tail=True))
    return "".join(parts).strip()


def _inner_html(el, d) -> str:
    c = _strip_ns(copy.deepcopy(el))
    return _serialise_children(c)


def _prompt_html(inter, d) -> str | None:
    for c in inter:
        if _name21(c) == "prompt":
            return _inner_html(c, d)
    return None


def _body_html(body, d, replace: dict) -> str:
    """The item body as HTML; each interaction replaced by a prompt paragraph, a {{gap}} or nothing."""
    from lxml import html as lxml_html

    b = copy.deepcopy(body)
    pairing = dict(zip(body.iter(), b.iter()))
    for orig, new in replace.items():
        node = pairing[orig]
        parent = node.getparent()
        tail = node.tail or ""
        if new is not None and not new.startswith("{{"):
            p = lxml_html.fragment_fromstring(new, create_parent="p")
            p.tail = tail
            parent.replace(node, p)
            continue
        insert = (new or "") + tail
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + insert
        else:
            parent.text = (parent.text or "") + insert
        parent.remove(node)
    _strip_ns(b)
    for e in list(b.iter()):
        if isinstance(e.tag, str) and e.tag in ("rubricBlock", "qti-rubric-block"):
            e.getparent().remove(e)
    html = re.sub(r"[ \t]*\n\s*", "\n", _serialise_children(b))
    html = re.sub(r"\n?<p>\s*</p>", "", html)
    return _tidy_blocks(html).strip()


_BLOCK_TAGS = {
    "p",
    "div",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "hr",
    "dl",
    "dt",
    "dd",
    "caption",
    "br",
}
_BETWEEN_TAGS = re.compile(
    r"(<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>)(\s+)(?=<(/?)([A-Za-z][A-Za-z0-9]*))"
)


def _tidy_blocks(html: str) -> str:
    """Drop whitespace-only text next to block-level tags (it renders as nothing), so that an item
    serialised with or without indentation imports to the same stem."""

    def repl(m: re.Match) -> str:
        if m.group(3).lower() in _BLOCK_TAGS or m.group(6).lower() in _BLOCK_TAGS:
            return m.group(1)
        return m.group(0)

    return _BETWEEN_TAGS.sub(repl, html)


def _choices(inter, child21: str):
    return [c for c in inter if _name21(c) == child21]


def _imp_choice(inter, decl, d, q, warn, where, source, rule):
    choices = _choices(inter, "simpleChoice")
    if len(choices) < 2:
        raise FormatError(source, where, "a choice interaction needs two or more choices")
    max_choices = int(_attr(inter, d, "maxChoices", "1") or 1)
    correct = set(decl["correct"])
    if not correct and decl["mapping"]:
        correct = {k for k, v in decl["mapping"].items() if v > 0}
    if not correct:
        raise _Skip("no correct response is declared")
    options = []
    for c in choices:
        fb = ""
        c2 = copy.deepcopy(c)
        for f in list(c2):
            if _name21(f) == "feedbackInline":
                fb = _inner_html(f, d)
                c2.remove(f)
        options.append(
            {
                "id": c.get("identifier"),
                "text": _text_of(c2),
                "correct": c.get("identifier") in correct,
                "feedback": fb,
            }
        )
    unknown = correct - {o["id"] for o in options}
    if unknown:
        raise FormatError(
            source, where, f"correct response names unknown choices {sorted(unknown)}"
        )
    shuffle = (_attr(inter, d, "shuffle", "false") or "false") == "true"
    ids = {o["id"] for o in options}
    if (
        decl["cardinality"] == "single"
        and max_choices == 1
        and len(correct) == 1
        and ids == {"true", "false"}
    ):
        q.update(
            type="true_false",
            answer="true" in correct,
            feedback_true=next(o["feedback"] for o in options if o["id"] == "true"),
            feedback_false=next(o["feedback"] for o in options if o["id"] == "false"),
        )
        return
    if decl["cardinality"] == "single" or max_choices == 1:
        if len(correct) != 1:
            raise _Skip("a single-choice interaction with several correct responses")
        q.update(type="single_choice", options=options, shuffle=shuffle)
        if decl["mapping"] and len({v for v in decl["mapping"].values() if v != 0}) > 1:
            warn(
                "partial credit for other choices is not expressible (only the correct choice scores)"
            )
        return
    q.update(
        type="multiple_response",
        options=options,
        shuffle=shuffle,
        all_or_nothing=rule != "map_response",
    )
    if rule == "map_response":
        n_right, n_wrong = len(correct), len(options) - len(correct)
        for o in options:
            v = decl["mapping"].get(o["id"], decl["default"])
            want = 1.0 / n_right if o["correct"] else -1.0 / n_wrong if n_wrong else 0.0
            if (
                abs(v - want) > 1e-6
                and abs(v * n_right - (1 if o["correct"] else -n_right / n_wrong if n_wrong else 0))
                > 1e-6
            ):
                warn(
                    "mapped scores differ from the bank's partial-credit rule (each right choice earns 1/#right, "
                    "each wrong one costs 1/#wrong)"
                )
                break
    if max_choices not in (0, len(options)) and max_choices < len(options):
        warn(f"maxChoices={max_choices} is not expressible (learners may tick any number)")


def _imp_order(inter, decl, d, q, warn, where, source, rule):
    choices = {c.get("identifier"): c for c in _choices(inter, "simpleChoice")}
    order = decl["correct"]
    if sorted(order) != sorted(choices):
        raise FormatError(source, where, "the correct order must list every choice once")
    if any((c.get("fixed") or "false") == "true" for c in choices.values()):
        warn("fixed positions while shuffling are not expressible (every item is shuffled)")
    q.update(
        type="ordering",
        items=[{"id": i, "text": _text_of(choices[i])} for i in order],
        shuffle=True,
    )


def _imp_match(inter, decl, d, q, warn, where, source, rule):
    kind = _name21(inter)
    if kind == "matchInteraction":
        sets = [s for s in inter if _name21(s) == "simpleMatchSet"]
        if len(sets) != 2:
            raise FormatError(source, where, "a match interaction needs two simpleMatchSets")
        sources = _choices(sets[0], "simpleAssociableChoice")
        targets = _choices(sets[1], "simpleAssociableChoice")
    else:  # associateInteraction: unordered pairs from one set
        allc = _choices(inter, "simpleAssociableChoice")
        firsts = {(v.split() + [""])[0] for v in decl["correct"]}
        sources = [c for c in allc if c.get("identifier") in firsts]
        targets = [c for c in allc if c.get("identifier") not in firsts]
    pairs = [v.split() for v in decl["correct"]]
    if not pairs or any(len(p) != 2 for p in pairs):
        raise _Skip("no correct pairs are declared")
    src_ids = {c.get("identifier") for c in sources}
    tgt_ids = {c.get("identifier") for c in targets}
    match = {}
    for a, b in pairs:
        if a not in src_ids and b in src_ids:
            a, b = b, a
        if a not in src_ids or b not in tgt_ids:
            raise FormatError(source, where, f"correct pair {a} {b} names unknown choices")
        if a in match:
            raise _Skip(
                f"{a} has more than one correct match (the bank matches each premise to one response)"
            )
        match[a] = b
    premises = []
    for c in sources:
        i = c.get("identifier")
        if i not in match:
            raise _Skip(f"premise {i} has no correct match")
        premises.append({"id": i, "text": _text_of(c), "match": match[i]})
    if rule == "map_response" and len(set(decl["mapping"].values())) > 1:
        warn("unequal scores per pair are not expressible (each pair earns an equal share)")
    q.update(
        type="matching",
        premises=premises,
        responses=[{"id": c.get("identifier"), "text": _text_of(c)} for c in targets],
        shuffle=(_attr(inter, d, "shuffle", "false") or "false") == "true",
    )


def _imp_extended(inter, decl, d, q, warn, where, source, rule):
    guidance = ""
    body = inter.getparent()
    while body is not None and _name21(body) != "itemBody":
        body = body.getparent()
    for rb in body.iter() if body is not None else ():
        if (
            isinstance(rb.tag, str)
            and _name21(rb) == "rubricBlock"
            and "scorer" in (rb.get("view") or "").split()
        ):
            content = next((c for c in rb if _name21(c) == "contentBody"), rb)
            guidance = _inner_html(content, d)
            break
    q.update(type="essay", word_limit=None, min_words=0, marker_guidance=guidance)


_BLOCK_IMPORTERS = {
    "choiceInteraction": _imp_choice,
    "orderInteraction": _imp_order,
    "matchInteraction": _imp_match,
    "associateInteraction": _imp_match,
    "extendedTextInteraction": _imp_extended,
}


def _numeric_rules(rp, d, rid) -> list[dict]:
    """Numeric answers from our own responseProcessing pattern: equal(variable, baseValue) with tolerance."""
    out = []
    if rp is None:
        return out
    for branch in rp.iter():
        if _name21(branch) not in ("responseIf", "responseElseIf"):
            continue
        eq = next((e for e in branch if _name21(e) == "equal"), None)
        if eq is None:
            continue
        var = next((e for e in eq if _name21(e) == "variable"), None)
        val = next((e for e in eq if _name21(e) == "baseValue"), None)
        if var is None or val is None or var.get("identifier") != rid:
            continue
        tol = (_attr(eq, d, "tolerance", "0") or "0").split()[0]
        score = next((e for e in branch.iter() if _name21(e) == "baseValue" and e is not val), None)
        out.append(
            {
                "value": float(val.text),
                "tolerance": float(tol),
                "credit": float(score.text) if score is not None else 1.0,
                "feedback": "",
            }
        )
    return out


def _is_sum_of_maps(rp) -> bool:
    """Our own multi-gap processing: SCORE = sum of mapResponse over the gaps."""
    kids = [c for c in rp if isinstance(c.tag, str)]
    if len(kids) != 1 or _name21(kids[0]) != "setOutcomeValue":
        return False
    total = [c for c in kids[0] if isinstance(c.tag, str)]
    return (
        len(total) == 1
        and _name21(total[0]) == "sum"
        and all(_name21(c) == "mapResponse" for c in total[0] if isinstance(c.tag, str))
    )


def _imp_gaps(body, interactions, decls, d, q, warn, where, source, rp, rule):
    gaps, replace = [], {}
    numeric = None
    for n, inter in enumerate(interactions, start=1):
        gid = f"g{n}"
        rid = _attr(inter, d, "responseIdentifier")
        decl = decls.get(rid)
        if decl is None:
            raise FormatError(source, where, f"no responseDeclaration for {rid!r}")
        replace[inter] = "{{" + gid + "}}"
        if _name21(inter) == "inlineChoiceInteraction":
            choices = _choices(inter, "inlineChoice")
            by_id = {c.get("identifier"): _text_of(c) for c in choices}
            if any(not t for t in by_id.values()):
                warn(f"gap {n}: an empty drop-down choice is not expressible (dropped)")
            options = [t for t in by_id.values() if t]
            correct = decl["correct"] or [k for k, v in decl["mapping"].items() if v > 0]
            if not correct or any(c not in by_id or not by_id[c] for c in correct):
                raise FormatError(
                    source, where, f"gap {n}: the correct response is not a non-empty choice"
                )
            answers = [{"text": by_id[c], "credit": 1.0, "feedback": ""} for c in correct[:1]]
            top = max(decl["mapping"].values(), default=1.0) or 1.0
            for k, v in decl["mapping"].items():
                if (
                    k in by_id
                    and by_id[k]
                    and by_id[k] not in [a["text"] for a in answers]
                    and v > 0
                ):
                    answers.append(
                        {"text": by_id[k], "credit": round(min(1.0, v / top), 6), "feedback": ""}
                    )
            gaps.append(
                {
                    "id": gid,
                    "answers": answers,
                    "options": options,
                    "case_sensitive": False,
                    "wildcard": False,
                }
            )
        else:
            base = decl["baseType"] or "string"
            if base in ("float", "integer") and len(interactions) == 1:
                numeric = _numeric_rules(rp, d, rid)
                if not numeric:
                    values = decl["correct"]
                    if not values:
                        raise FormatError(source, where, "a numeric entry has no correct response")
                    numeric = [
                        {"value": float(values[0]), "tolerance": 0.0, "credit": 1.0, "feedback": ""}
                    ]
                continue
            entries = dict(decl["mapping"])
            top = max(entries.values(), default=1.0) or 1.0
            answers = []
            for v in decl["correct"]:
                answers.append({"text": v, "credit": 1.0, "feedback": ""})
            for k, v in entries.items():
                if v > 0 and k not in [a["text"] for a in answers]:
                    answers.append(
                        {"text": k, "credit": round(min(1.0, v / top), 6), "feedback": ""}
                    )
            if not answers:
                raise FormatError(
                    source, where, f"gap {n}: no correct response or positive mapping"
                )
            if not any(a["credit"] == 1.0 for a in answers):
                answers[0]["credit"] = 1.0
            case = all(decl["case"].get(k, True) for k in entries) if entries else True
            gaps.append(
                {
                    "id": gid,
                    "answers": answers,
                    "options": None,
                    "case_sensitive": case,
                    "wildcard": False,
                }
            )
    if rule == "custom" and numeric is None and not _is_sum_of_maps(rp):
        warn("custom response processing replaced by the bank's per-gap marking")
    if numeric is not None:
        q.update(type="numeric", answers=numeric, unit=None)
        q["stem"] = _body_html(body, d, {interactions[0]: None})
        return
    q.update(type="short_answer", gaps=gaps)
    q["stem"] = _body_html(body, d, replace)


# ====================================================================== export


def export_qti21(
    questions: list[dict],
    *,
    files: dict[str, bytes] | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    return _export_package(questions, D21, files or {}, warnings if warnings is not None else [])


def export_qti30(
    questions: list[dict],
    *,
    files: dict[str, bytes] | None = None,
    warnings: list[str] | None = None,
) -> bytes:
    return _export_package(questions, D30, files or {}, warnings if warnings is not None else [])


def export_item(q: dict, version: str = "2.1", warnings: list[str] | None = None) -> bytes:
    """One question as a QTI item document (no package; criteria are not carried)."""
    d = D21 if version == "2.1" else D30
    root = _item(q, d, warnings if warnings is not None else [])
    if root is None:
        raise ValueError(f"{q['type']} questions cannot be expressed in QTI")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False)


def _export_package(questions, d: Dialect, files, warnings) -> bytes:
    cp = CP21 if d.version == "2.1" else CP30
    lom = LOM21
    manifest = etree.Element(
        f"{{{cp}}}manifest", nsmap={None: cp, "imsmd": lom}, identifier="MANIFEST-carecourse"
    )
    md = etree.SubElement(manifest, f"{{{cp}}}metadata")
    etree.SubElement(md, f"{{{cp}}}schema").text = (
        "QTI Package" if d.version == "3.0" else "QTIv2.1 Package"
    )
    etree.SubElement(md, f"{{{cp}}}schemaversion").text = "3.0.0" if d.version == "3.0" else "1.0.0"
    etree.SubElement(manifest, f"{{{cp}}}organizations")
    resources = etree.SubElement(manifest, f"{{{cp}}}resources")
    buf = io.BytesIO()
    media_written = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        items = []
        used_hrefs: set[str] = set()
        for q in questions:
            root = _item(q, d, warnings)
            if root is None:
                warnings.append(
                    f"{q['id']}: {q['type']} questions cannot be expressed in QTI (not exported)"
                )
                continue
            href = f"items/{q['id']}.xml"
            if href in used_hrefs:
                warnings.append(
                    f"{q['id']}: the same id appears twice (the second is exported as a copy)"
                )
                href = f"items/{q['id']}-{len(used_hrefs)}.xml"
            used_hrefs.add(href)
            for el in root.iter():  # items live in items/: their media are one level up
                if isinstance(el.tag, str) and (el.get("src") or "").startswith("media/"):
                    el.set("src", "../" + el.get("src"))
            items.append(
                (
                    href,
                    etree.tostring(
                        root, xml_declaration=True, encoding="UTF-8", pretty_print=False
                    ),
                )
            )
            res = etree.SubElement(
                resources,
                f"{{{cp}}}resource",
                identifier="RES-" + href[len("items/") : -len(".xml")],
                type="imsqti_item_xmlv2p1" if d.version == "2.1" else "imsqti_item_xmlv3p0",
                href=href,
            )
            keywords = export_tags(q)
            if q["type"] == "essay":
                if q.get("word_limit"):
                    keywords.append(f"carecourse:word_limit={q['word_limit']}")
                if q.get("min_words"):
                    keywords.append(f"carecourse:min_words={q['min_words']}")
            if keywords:
                rmd = etree.SubElement(res, f"{{{cp}}}metadata")
                lom_el = etree.SubElement(rmd, f"{{{lom}}}lom")
                general = etree.SubElement(lom_el, f"{{{lom}}}general")
                for k in keywords:
                    kw = etree.SubElement(general, f"{{{lom}}}keyword")
                    etree.SubElement(kw, f"{{{lom}}}string").text = k
            etree.SubElement(res, f"{{{cp}}}file", href=href)
            for ref in sorted(set(re.findall(r'src="media/([^"]+)"', q.get("stem", "")))):
                path = "media/" + ref
                if path in files:
                    etree.SubElement(res, f"{{{cp}}}file", href=path)
                    if path not in media_written:
                        _put(zf, path, files[path])
                        media_written.add(path)
        _put(
            zf,
            "imsmanifest.xml",
            etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        )
        for href, data in items:
            _put(zf, href, data)
    return buf.getvalue()


def _put(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    """A package entry with a fixed date, so that the same questions give the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _E(parent, d: Dialect, name21: str, attrs: dict | None = None, text: str | None = None):
    attrs = {d.at(k): v for k, v in (attrs or {}).items()}
    el = (
        etree.SubElement(parent, d.q(name21), attrs)
        if parent is not None
        else etree.Element(d.q(name21), attrs)
    )
    if text is not None:
        el.text = text
    return el


_XHTML_OK = {
    "p",
    "div",
    "span",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "img",
    "a",
    "blockquote",
    "pre",
    "code",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "caption",
    "col",
    "colgroup",
    "q",
    "cite",
    "abbr",
    "small",
    "big",
    "tt",
    "dl",
    "dt",
    "dd",
    "address",
    "kbd",
    "samp",
    "var",
    "dfn",
    "acronym",
}


def _html_nodes(fragment: str, d: Dialect, wrap_plain: bool = True):
    """Parse an HTML fragment into elements in the QTI namespace (tags outside XHTML-basic -> text)."""
    if not fragment.strip():
        return None, []
    from lxml import html as lxml_html

    try:
        holder = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:
        holder = etree.Element("div")
        holder.text = fragment
    text = holder.text
    nodes = []
    for el in list(holder):
        nodes.append(_to_qti(el, d))
    return text, nodes


def _to_qti(el, d: Dialect):
    if not isinstance(el.tag, str) or el.tag not in _XHTML_OK:
        span = etree.Element(f"{{{d.ns}}}span")
        span.text = el.text_content() if hasattr(el, "text_content") else ""
        span.tail = el.tail
        return span
    new = etree.Element(f"{{{d.ns}}}{el.tag}")
    for k, v in el.attrib.items():
        if k in ("src", "alt", "href", "width", "height", "colspan", "rowspan", "title"):
            new.set(k, v)
    if el.tag == "img" and "alt" not in new.attrib:
        new.set("alt", "")
    new.text = el.text
    for c in el:
        new.append(_to_qti(c, d))
    new.tail = el.tail
    return new


_INLINE_TAGS = {
    "span",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "sub",
    "sup",
    "img",
    "a",
    "br",
    "q",
    "code",
    "small",
    "abbr",
    "big",
    "tt",
    "kbd",
    "samp",
    "var",
    "dfn",
    "acronym",
    "cite",
}


def _stem_blocks(q: dict, d: Dialect, parent, replacements: dict | None = None):
    """Append the stem as block content of parent (itemBody): loose text and inline elements are
    gathered into paragraphs. {{gN}} placeholders become the given interactions."""
    stem = q["stem"]
    if q.get("stem_format") == "markdown":
        from question_bank.text import render_markdown

        stem = render_markdown(stem)
    text, nodes = _html_nodes(stem, d)
    para = None

    def paragraph():
        nonlocal para
        if para is None:
            para = etree.SubElement(parent, f"{{{d.ns}}}p")
        return para

    def add_text(value):
        if not value or not value.strip():
            return
        p = paragraph()
        if len(p):
            p[-1].tail = (p[-1].tail or "") + value
        else:
            p.text = (p.text or "") + value

    add_text(text)
    for n in nodes:
        tail, n.tail = n.tail, None
        if etree.QName(n).localname in _INLINE_TAGS:
            paragraph().append(n)
        else:
            para = None
            parent.append(n)
        add_text(tail)
    if replacements:
        _place_gaps(parent, d, replacements)


def _place_gaps(parent, d, replacements):
    pattern = re.compile(r"\{\{([A-Za-z0-9_.-]+)\}\}")
    for el in list(parent.iter()):
        for slot in ("text", "tail"):
            value = getattr(el, slot)
            if not value or "{{" not in value:
                continue
            pieces = pattern.split(value)
            setattr(el, slot, pieces[0])
            anchor_parent = el if slot == "text" else el.getparent()
            index = 0 if slot == "text" else anchor_parent.index(el) + 1
            for k in range(1, len(pieces), 2):
                gid, after = pieces[k], pieces[k + 1]
                node = replacements[gid]()
                node.tail = after
                anchor_parent.insert(index, node)
                index += 1


def _item(q: dict, d: Dialect, warnings: list[str]):
    original_id = q["id"]
    q = _map_ids(q, _qid) if q["type"] != "scenario" else q
    t = q["type"]
    if t not in (
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
        "ordering",
        "short_answer",
        "numeric",
        "essay",
    ):
        return None
    nsmap = {None: d.ns, "xsi": XSI}
    root = etree.Element(d.q("assessmentItem"), nsmap=nsmap)
    root.set("identifier", q["id"])
    root.set("title", q.get("title") or q["id"])
    if d.version == "2.1":
        root.set("adaptive", "false")
    root.set(d.at("timeDependent"), "false")
    warn = lambda m: warnings.append(f"{original_id}: {m}")
    body_builders = []
    rp_kind = "match_correct"
    if t in ("single_choice", "multiple_response", "true_false"):
        if t == "true_false":
            options = [
                {
                    "id": "true",
                    "text": "True",
                    "correct": q["answer"],
                    "feedback": q.get("feedback_true", ""),
                },
                {
                    "id": "false",
                    "text": "False",
                    "correct": not q["answer"],
                    "feedback": q.get("feedback_false", ""),
                },
            ]
        else:
            options = q["options"]
        single = t != "multiple_response"
        rd = _E(
            root,
            d,
            "responseDeclaration",
            {
                "identifier": "RESPONSE",
                "cardinality": "single" if single else "multiple",
                "baseType": "identifier",
            },
        )
        cr = _E(rd, d, "correctResponse")
        for o in options:
            if o["correct"]:
                _E(cr, d, "value", text=o["id"])
        if t == "multiple_response" and not q.get("all_or_nothing"):
            rp_kind = "map_response"
            n_right = sum(1 for o in options if o["correct"])
            n_wrong = len(options) - n_right
            mp = _E(rd, d, "mapping", {"lowerBound": "0", "upperBound": "1", "defaultValue": "0"})
            for o in options:
                v = 1.0 / n_right if o["correct"] else -1.0 / n_wrong
                _E(mp, d, "mapEntry", {"mapKey": o["id"], "mappedValue": repr(round(v, 9))})

        def build(body, options=options, single=single):
            ci = _E(
                body,
                d,
                "choiceInteraction",
                {
                    "responseIdentifier": "RESPONSE",
                    "shuffle": "true" if q.get("shuffle") else "false",
                    "maxChoices": "1" if single else "0",
                },
            )
            for o in options:
                sc = _E(ci, d, "simpleChoice", {"identifier": o["id"]}, text=o["text"])
                if o.get("feedback"):
                    fi = _E(
                        sc,
                        d,
                        "feedbackInline",
                        {
                            "outcomeIdentifier": "FEEDBACK",
                            "identifier": o["id"],
                            "showHide": "show",
                        },
                    )
                    _fill_inline(fi, o["feedback"], d)

        body_builders.append(build)
    elif t == "ordering":
        rd = _E(
            root,
            d,
            "responseDeclaration",
            {"identifier": "RESPONSE", "cardinality": "ordered", "baseType": "identifier"},
        )
        cr = _E(rd, d, "correctResponse")
        for it in q["items"]:
            _E(cr, d, "value", text=it["id"])

        def build(body):
            oi = _E(
                body, d, "orderInteraction", {"responseIdentifier": "RESPONSE", "shuffle": "true"}
            )
            for it in q["items"]:
                _E(oi, d, "simpleChoice", {"identifier": it["id"]}, text=it["text"])

        body_builders.append(build)
    elif t == "matching":
        rp_kind = "map_response"
        rd = _E(
            root,
            d,
            "responseDeclaration",
            {"identifier": "RESPONSE", "cardinality": "multiple", "baseType": "directedPair"},
        )
        cr = _E(rd, d, "correctResponse")
        for p in q["premises"]:
            _E(cr, d, "value", text=f"{p['id']} {p['match']}")
        mp = _E(rd, d, "mapping", {"defaultValue": "0", "lowerBound": "0", "upperBound": "1"})
        for p in q["premises"]:
            _E(
                mp,
                d,
                "mapEntry",
                {
                    "mapKey": f"{p['id']} {p['match']}",
                    "mappedValue": repr(round(1.0 / len(q["premises"]), 9)),
                },
            )

        def build(body):
            mi = _E(
                body,
                d,
                "matchInteraction",
                {
                    "responseIdentifier": "RESPONSE",
                    "shuffle": "true" if q.get("shuffle") else "false",
                    "maxAssociations": str(len(q["premises"])),
                },
            )
            s1 = _E(mi, d, "simpleMatchSet")
            for p in q["premises"]:
                _E(
                    s1,
                    d,
                    "simpleAssociableChoice",
                    {"identifier": p["id"], "matchMax": "1"},
                    text=p["text"],
                )
            s2 = _E(mi, d, "simpleMatchSet")
            for r in q["responses"]:
                _E(
                    s2,
                    d,
                    "simpleAssociableChoice",
                    {"identifier": r["id"], "matchMax": str(len(q["premises"]))},
                    text=r["text"],
                )

        body_builders.append(build)
    elif t == "essay":
        rp_kind = None
        _E(
            root,
            d,
            "responseDeclaration",
            {"identifier": "RESPONSE", "cardinality": "single", "baseType": "string"},
        )

        def build(body):
            if q.get("marker_guidance"):
                rubric = _E(body, d, "rubricBlock", {"view": "scorer"})
                _fill_flow(
                    _E(rubric, d, "contentBody") if d.version == "3.0" else rubric,
                    q["marker_guidance"],
                    d,
                )
            _E(body, d, "extendedTextInteraction", {"responseIdentifier": "RESPONSE"})

        body_builders.append(build)
    elif t == "numeric":
        rp_kind = "numeric"
        _E(
            root,
            d,
            "responseDeclaration",
            {"identifier": "RESPONSE", "cardinality": "single", "baseType": "float"},
        )
        if q.get("unit"):
            warn(f"unit {q['unit']!r} is not expressible in QTI (dropped)")

        def build(body):
            p = etree.SubElement(body, f"{{{d.ns}}}p")
            _E(
                p,
                d,
                "textEntryInteraction",
                {"responseIdentifier": "RESPONSE", "expectedLength": "10"},
            )

        body_builders.append(build)
        if any(a.get("feedback") for a in q["answers"]):
            warn("feedback on numeric answers is not carried in QTI (dropped)")
    elif t == "short_answer":
        rp_kind = "gaps"
        for g in q["gaps"]:
            rid = _gap_rid(q, g)
            if g.get("options"):
                rd = _E(
                    root,
                    d,
                    "responseDeclaration",
                    {"identifier": rid, "cardinality": "single", "baseType": "identifier"},
                )
                cr = _E(rd, d, "correctResponse")
                full = next(a for a in g["answers"] if a["credit"] == 1.0)
                _E(cr, d, "value", text=f"{g['id']}_{g['options'].index(full['text']) + 1}")
                mp = _E(rd, d, "mapping", {"defaultValue": "0"})
                for a in g["answers"]:
                    _E(
                        mp,
                        d,
                        "mapEntry",
                        {
                            "mapKey": f"{g['id']}_{g['options'].index(a['text']) + 1}",
                            "mappedValue": fmt_number(a["credit"]),
                        },
                    )
            else:
                if g.get("wildcard"):
                    warn(
                        f"gap {g['id']}: wildcards are not expressible in QTI (answers exported literally)"
                    )
                rd = _E(
                    root,
                    d,
                    "responseDeclaration",
                    {"identifier": rid, "cardinality": "single", "baseType": "string"},
                )
                cr = _E(rd, d, "correctResponse")
                full = next(a for a in g["answers"] if a["credit"] == 1.0)
                _E(cr, d, "value", text=full["text"])
                mp = _E(rd, d, "mapping", {"defaultValue": "0"})
                for a in g["answers"]:
                    _E(
                        mp,
                        d,
                        "mapEntry",
                        {
                            "mapKey": a["text"],
                            "mappedValue": fmt_number(a["credit"]),
                            "caseSensitive": "true" if g.get("case_sensitive") else "false",
                        },
                    )
            if any(a.get("feedback") for a in g["answers"]):
                warn(f"gap {g['id']}: answer feedback is not carried in QTI (dropped)")
    _E(
        root,
        d,
        "outcomeDeclaration",
        {"identifier": "SCORE", "cardinality": "single", "baseType": "float"},
    )
    mx = _E(
        root,
        d,
        "outcomeDeclaration",
        {"identifier": "MAXSCORE", "cardinality": "single", "baseType": "float"},
    )
    _E(_E(mx, d, "defaultValue"), d, "value", text=fmt_number(float(q.get("points", 1))))
    _E(
        root,
        d,
        "outcomeDeclaration",
        {"identifier": "FEEDBACK", "cardinality": "multiple", "baseType": "identifier"},
    )
    body = _E(root, d, "itemBody")
    if t == "short_answer":
        gaps = {g["id"]: g for g in q["gaps"]}

        def make(gid):
            g = gaps[gid]
            if g.get("options"):
                ic = etree.Element(
                    d.q("inlineChoiceInteraction"),
                    {d.at("responseIdentifier"): _gap_rid(q, g), "shuffle": "false"},
                )
                for n, opt in enumerate(g["options"], start=1):
                    c = etree.SubElement(ic, d.q("inlineChoice"), identifier=f"{gid}_{n}")
                    c.text = opt
                return ic
            return etree.Element(
                d.q("textEntryInteraction"),
                {d.at("responseIdentifier"): _gap_rid(q, g), d.at("expectedLength"): "20"},
            )

        _stem_blocks(q, d, body, {gid: (lambda gid=gid: make(gid)) for gid in gaps})
    else:
        _stem_blocks(q, d, body)
        for build in body_builders:
            build(body)
    if rp_kind in ("match_correct", "map_response"):
        _E(root, d, "responseProcessing", {"template": d.template(rp_kind)})
    elif rp_kind == "numeric":
        rp = _E(root, d, "responseProcessing")
        rc = _E(rp, d, "responseCondition")
        for n, a in enumerate(sorted(q["answers"], key=lambda a: -a["credit"])):
            br = _E(rc, d, "responseIf" if n == 0 else "responseElseIf")
            eq = _E(
                br,
                d,
                "equal",
                {
                    "toleranceMode": "absolute",
                    "tolerance": f"{fmt_number(a.get('tolerance', 0))} {fmt_number(a.get('tolerance', 0))}",
                },
            )
            _E(eq, d, "variable", {"identifier": "RESPONSE"})
            _E(eq, d, "baseValue", {"baseType": "float"}, text=fmt_number(a["value"]))
            so = _E(br, d, "setOutcomeValue", {"identifier": "SCORE"})
            _E(so, d, "baseValue", {"baseType": "float"}, text=fmt_number(a["credit"]))
    elif rp_kind == "gaps":
        rp = _E(root, d, "responseProcessing")
        so = _E(rp, d, "setOutcomeValue", {"identifier": "SCORE"})
        total = _E(so, d, "sum")
        for g in q["gaps"]:
            _E(total, d, "mapResponse", {"identifier": _gap_rid(q, g)})
    if q.get("general_feedback"):
        mf = _E(
            root,
            d,
            "modalFeedback",
            {"outcomeIdentifier": "FEEDBACK", "identifier": "general", "showHide": "show"},
        )
        if d.version == "3.0":
            mf = _E(mf, d, "contentBody")
        _fill_flow(mf, q["general_feedback"], d)
    return root


def _gap_rid(q, g) -> str:
    return "RESPONSE" if len(q["gaps"]) == 1 else f"RESPONSE_{g['id']}"


def _fill_inline(el, fragment: str, d):
    text, nodes = _html_nodes(fragment, d)
    el.text = text
    for n in nodes:
        if etree.QName(n).localname in ("p", "div"):
            span = etree.Element(f"{{{d.ns}}}span")
            span.text = "".join(n.itertext())
            span.tail = n.tail
            n = span
        el.append(n)


def _fill_flow(el, fragment: str, d):
    text, nodes = _html_nodes(fragment, d)
    el.text = text
    for n in nodes:
        el.append(n)


__all__ = [
    "export_item",
    "export_qti21",
    "export_qti30",
    "import_qti",
    "import_qti21",
    "import_qti30",
]
