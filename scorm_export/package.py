"""Build SCORM 1.2 and SCORM 2004 4th Edition zips from a course document.

The manifest is a dict serialised with xmltodict; the zip carries the player (the files in
``player/``), ``course-data.js`` (``window.CC_COURSE``: the course outline), one
``modules/<slug>.js`` per module (its pages and quiz, which the player loads when the module
opens), one ``modules/<slug>.quiz.js`` per quiz (the questions it can draw and the criterion texts
its results name, loaded when the quiz starts) and ``launch.js`` (``window.CC_LAUNCH``).
The same course gives the same bytes: fixed timestamps, permissions and entry order.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import xmltodict

from question_bank.text import render_markdown as bank_render_markdown
from question_bank.text import render_page, render_stem
from scorm_export.document import (
    criterion_texts,
    in_framework_order,
    load_document,
    module_criteria,
    module_question_versions,
    objective_id,
    question_criteria,
)
from scorm_export.slim import minify_player_file, module_for_player

PLAYER_DIR = Path(__file__).resolve().parent / "player"
PLAYER_SKIP = {"README.md", "tests", "__pycache__"}
GENERATED_FILES = ("course-data.js", "launch.js")
MODULES_FOLDER = "modules"
LAUNCH_FILE = "index.html"
RESOURCE_ID = "RES-player"
# What the outline keeps of a quiz: what the menu and the course's result need before a module opens.
QUIZ_OUTLINE_SKIP = {"items"}

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o100644 << 16  # a regular file, rw-r--r--

XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS12 = {
    "": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
}
SCHEMAS12 = {
    "": "imscp_rootv1p1p2.xsd",
    "imsmd": "imsmd_rootv1p2p1.xsd",
    "adlcp": "adlcp_rootv1p2.xsd",
}
NS2004 = {
    "": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "lom": "http://ltsc.ieee.org/xsd/LOM",
}
SCHEMAS2004 = {
    "": "imscp_v1p1.xsd",
    "adlcp": "adlcp_v1p3.xsd",
    "adlseq": "adlseq_v1p3.xsd",
    "adlnav": "adlnav_v1p3.xsd",
    "imsss": "imsss_v1p0.xsd",
    "lom": "lom.xsd",
}
STANDARDS = ("1.2", "2004")


# --------------------------------------------------------------------------- content


def render_markdown(text: str) -> str:
    """Authored Markdown to sanitised HTML, exactly as the app renders it."""
    return bank_render_markdown(text)


_GAP = re.compile(r"\{\{(\w[\w.-]*)\}\}")


def stem_html(question: dict, media_base: str | None = None) -> str:
    """A question's stem as sanitised HTML, each ``{{gap}}`` a ``<span data-gap>``."""
    return _GAP.sub(r'<span data-gap="\1"></span>', render_stem(question, media_base))


def player_files(player_dir: Path | None = None) -> dict[str, bytes]:
    """The player's files by zip name (everything in the folder but its README and tests), its
    JS and CSS minified (``slim.minify_player_file``)."""
    root = Path(player_dir or PLAYER_DIR)
    out: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and not (set(rel.parts) & PLAYER_SKIP)
            and not rel.name.endswith(".test.js")
        ):
            out[rel.as_posix()] = minify_player_file(rel.name, path.read_bytes())
    return out


def course_data(doc: dict, media_base: str | None = None) -> dict:
    """The document as the player reads it: pages with ``html``, questions with ``stem_html``.

    The images (``media``) stay out: a package carries them as files at their ``media/...`` paths,
    which the stems use as they are; the app passes ``media_base`` to point them at its route."""
    data = json.loads(json.dumps({k: v for k, v in doc.items() if k != "media"}))
    for module in data["modules"]:
        for page in module["pages"]:
            page["html"] = render_page(page["body"])
    for question in data["questions"]:
        question["stem_html"] = stem_html(question, media_base)
        for step in question.get("steps") or []:
            step["question"]["stem_html"] = stem_html(step["question"], media_base)
    return data


def module_file(slug: str) -> str:
    """A module's file in the zip (slugs are identifiers: safe as file names)."""
    return f"{MODULES_FOLDER}/{slug}.js"


def quiz_file(slug: str) -> str:
    """A module's quiz file in the zip: the questions its quiz can draw."""
    return f"{MODULES_FOLDER}/{slug}.quiz.js"


def split_module_content(content: dict) -> tuple[dict, dict | None]:
    """A module's content as its two files carry it: what opening the module needs (pages, quiz
    settings, and the quiz file's name) and, for a module with a quiz, what starting the quiz needs
    (its questions and the criterion texts its results name): most of a module's bytes, which a
    learner reading its pages never loads."""
    module = content["module"]
    if not module.get("quiz"):
        return content, None
    slug = module["slug"]
    opening = {"module": module, "questions_file": quiz_file(slug)}
    return opening, {"module": slug, "questions": content["questions"], "criteria": content["criteria"]}


def join_module_content(opening: dict, quiz: dict | None) -> dict:
    """A module's content back from its two files (``split_module_content``)."""
    if "questions_file" not in opening:
        return opening
    if quiz is None or quiz.get("module") != opening["module"]["slug"]:
        raise ValueError(f"no quiz file for module {opening['module']['slug']!r}")
    return {"module": opening["module"], "questions": quiz["questions"], "criteria": quiz["criteria"]}


def course_outline(data: dict) -> dict:
    """What a launch loads (``course-data.js``): the course and each module's title, slug, quiz
    settings (without its items) and file; no pages, no questions, no frameworks.

    It is all the menu and the course's result (``CCPlayer.outcome``) read before a module opens;
    ``module_content`` holds the rest, one file per module."""
    modules = []
    for module in data["modules"]:
        quiz = module.get("quiz")
        modules.append(
            {
                "slug": module["slug"],
                "title": module["title"],
                "quiz": {k: v for k, v in quiz.items() if k not in QUIZ_OUTLINE_SKIP} if quiz else None,
                "file": module_file(module["slug"]),
            }
        )
    return {
        "format": data["format"],
        "version": data["version"],
        "course": data["course"],
        "modules": modules,
    }


def module_content(data: dict, module: dict) -> dict:
    """A module's file: the whole module (pages with ``html``, the quiz with its items) and the
    question versions its quiz can contain (less what the player never reads: ``slim.py``), in the document's order (a draw takes the same
    questions from them as from the whole bank: ``module_question_versions``)."""
    wanted = {(q["id"], q["version"]) for q in module_question_versions(data, module)}
    questions = [q for q in data["questions"] if (q["id"], q["version"]) in wanted]
    texts = criterion_texts(data, sorted(question_criteria(questions)))  # results name criteria by text
    return module_for_player({"module": module, "questions": questions, "criteria": texts})


def merge_course_data(outline: dict, contents: Iterable[dict], frameworks: list | None = None) -> dict:
    """The course data back from the outline and the module files (checks and tests read it)."""
    by_slug = {c["module"]["slug"]: c for c in contents}
    questions, seen = [], set()
    modules = []
    for entry in outline["modules"]:
        content = by_slug[entry["slug"]]
        modules.append(content["module"])
        for q in content["questions"]:
            if (q["id"], q["version"]) not in seen:
                seen.add((q["id"], q["version"]))
                questions.append(q)
    data = {k: v for k, v in outline.items() if k != "modules"}
    return {**data, "frameworks": frameworks or [], "modules": modules, "questions": questions}


def _json(value: object) -> str:
    # ASCII-only so the file reads the same whatever charset an LMS serves it with.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _js_assignment(name: str, value: object) -> bytes:
    return f"window.{name} = {_json(value)};\n".encode("ascii")


MODULE_CALL = "CCPlayer.addModule("


def module_js(content: dict) -> bytes:
    """``modules/<slug>.js``: a classic script that hands its module to the player (a script
    element loads from ``file://`` too, where fetch and XMLHttpRequest fail)."""
    return f"{MODULE_CALL}{_json(content)});\n".encode("ascii")


QUIZ_CALL = "CCPlayer.addQuestions("


def quiz_js(quiz: dict) -> bytes:
    """``modules/<slug>.quiz.js``: a classic script that hands the quiz's questions to the player."""
    return f"{QUIZ_CALL}{_json(quiz)});\n".encode("ascii")


def _read_call(data: bytes, call: str) -> dict | None:
    prefix, suffix = call.encode("ascii"), b");\n"
    if not (data.startswith(prefix) and data.endswith(suffix)):
        return None
    try:
        value = json.loads(data[len(prefix) : -len(suffix)])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def read_module_js(data: bytes) -> dict | None:
    """The content of a module file, or None when it is not one the exporter writes."""
    return _read_call(data, MODULE_CALL)


def read_quiz_js(data: bytes) -> dict | None:
    """The content of a quiz file, or None when it is not one the exporter writes."""
    return _read_call(data, QUIZ_CALL)


def read_module_content(files: dict[str, bytes], slug: str) -> dict | None:
    """A module's whole content from a package's files (its module file joined with its quiz
    file), or None when either is missing or not the exporter's."""
    opening = read_module_js(files.get(module_file(slug), b""))
    if opening is None:
        return None
    quiz_name = opening.get("questions_file")
    quiz = read_quiz_js(files.get(quiz_name, b"")) if quiz_name else None
    try:
        return join_module_content(opening, quiz)
    except ValueError:
        return None


def launch_js(standard: str, multi_sco: bool) -> bytes:
    """``window.CC_LAUNCH``; with one SCO per module, the module comes from ``?module=``."""
    adapter = "scorm12" if standard == "1.2" else "scorm2004"
    if not multi_sco:
        return _js_assignment("CC_LAUNCH", {"adapter": adapter, "module": None})
    return (
        "(function () {\n"
        '  // Each SCO item launches index.html with parameters "?module=<slug>".\n'
        "  var found = /[?&]module=([^&#]*)/.exec(window.location.search), module = null;\n"
        "  try { module = found ? decodeURIComponent(found[1]) : null; } catch (e) { module = null; }\n"
        f"  window.CC_LAUNCH = {{adapter: {json.dumps(adapter)}, module: module}};\n"
        "})();\n"
    ).encode("ascii")


# --------------------------------------------------------------------------- manifest pieces


def course_keywords(doc: dict) -> list[str]:
    """The frameworks' keywords, first spelling kept, case-insensitively unique."""
    seen, out = set(), []
    for fw in doc["frameworks"]:
        for word in fw["keywords"]:
            if word.strip() and word.casefold() not in seen:
                seen.add(word.casefold())
                out.append(word.strip())
    return out


def _sco_criteria(doc: dict, modules: list[dict]) -> list[str]:
    return in_framework_order(
        doc, (ref for module in modules for ref in module_criteria(doc, module))
    )


def _scos(doc: dict, multi_sco: bool) -> list[dict]:
    """One entry per SCO item: identifier, title, launch parameters, modules, objective id."""
    if not multi_sco:
        return [
            {
                "id": f"ITEM-{doc['course']['slug']}",
                "title": doc["course"]["title"],
                "parameters": None,
                "modules": doc["modules"],
                "primary": doc["course"]["slug"],
            }
        ]
    return [
        {
            "id": f"ITEM-{m['slug']}",
            "title": m["title"],
            "parameters": f"?module={m['slug']}",
            "modules": [m],
            "primary": m["slug"],
        }
        for m in doc["modules"]
    ]


def _schema_location(ns: dict, files: dict) -> str:
    return " ".join(f"{ns[p]} {files[p]}" for p in files)


def _xmlns(ns: dict) -> dict:
    return {("@xmlns" if p == "" else f"@xmlns:{p}"): uri for p, uri in ns.items()}


def _lom12(doc: dict) -> dict:
    lang = doc["course"]["language"]

    def ls(text: str) -> dict:
        return {"imsmd:langstring": {"@xml:lang": lang, "#text": text}}

    general = {"imsmd:title": ls(doc["course"]["title"]), "imsmd:language": lang}
    if doc["course"]["description"]:
        general["imsmd:description"] = ls(doc["course"]["description"])
    keywords = course_keywords(doc)
    if keywords:
        general["imsmd:keyword"] = [ls(k) for k in keywords]
    return {"imsmd:lom": {"imsmd:general": general}}


def _lom2004(doc: dict) -> dict:
    lang = doc["course"]["language"]

    def ls(text: str) -> dict:
        return {"lom:string": {"@language": lang, "#text": text}}

    general = {"lom:title": ls(doc["course"]["title"]), "lom:language": lang}
    if doc["course"]["description"]:
        general["lom:description"] = ls(doc["course"]["description"])
    keywords = course_keywords(doc)
    if keywords:
        general["lom:keyword"] = [ls(k) for k in keywords]
    return {"lom:lom": {"lom:general": general}}


def _resources(doc: dict, files: Iterable[str], scormtype_attr: str, multi_sco: bool) -> dict:
    """One SCO resource listing every file; or, with one SCO per module, a resource per SCO
    (the launch page and its module's file) depending on one asset resource, ``RES-player``,
    that lists what they share (the player, the outline, images)."""
    names = sorted(files)
    if not multi_sco:
        return {
            "resource": {
                "@identifier": RESOURCE_ID,
                "@type": "webcontent",
                f"@{scormtype_attr}": "sco",
                "@href": LAUNCH_FILE,
                "file": [{"@href": name} for name in names],
            }
        }
    own = {name for m in doc["modules"] for name in module_files(m)} | {LAUNCH_FILE}
    scos = [
        {
            "@identifier": _resource_id(sco),
            "@type": "webcontent",
            f"@{scormtype_attr}": "sco",
            "@href": LAUNCH_FILE,
            "file": [{"@href": LAUNCH_FILE}, *({"@href": name} for m in sco["modules"] for name in module_files(m))],
            "dependency": {"@identifierref": RESOURCE_ID},
        }
        for sco in _scos(doc, multi_sco)
    ]
    shared = {
        "@identifier": RESOURCE_ID,
        "@type": "webcontent",
        f"@{scormtype_attr}": "asset",
        "file": [{"@href": name} for name in names if name not in own],
    }
    return {"resource": [*scos, shared]}


def module_files(module: dict) -> list[str]:
    """A module's files in the zip: its own, and its quiz's when it has a quiz."""
    return [module_file(module["slug"]), *([quiz_file(module["slug"])] if module.get("quiz") else [])]


def _resource_id(sco: dict) -> str:
    """A SCO's resource: RES-player for one SCO, else RES-<module>."""
    return RESOURCE_ID if sco["parameters"] is None else f"RES-{sco['primary']}"


def _item_base(sco: dict) -> dict:
    item = {"@identifier": sco["id"], "@identifierref": _resource_id(sco), "@isvisible": "true"}
    if sco["parameters"]:
        item["@parameters"] = sco["parameters"]
    item["title"] = sco["title"]
    return item


def manifest12(doc: dict, files: Iterable[str], *, multi_sco: bool = False) -> dict:
    """The SCORM 1.2 manifest as an xmltodict dict."""
    slug = doc["course"]["slug"]
    # No adlcp:masteryscore: Moodle (mastery score overrides status, on by default) and others then re-derive
    # passed/failed from the score at LMSFinish, which ignores the per-criterion rule, the attempts left and, in
    # a one-SCO course, the modules not yet taken. The player reports the status itself (README.md).
    items = [_item_base(sco) for sco in _scos(doc, multi_sco)]
    return {
        "manifest": {
            "@identifier": f"MANIFEST-{slug}",
            "@version": "1",
            **_xmlns(NS12),
            "@xmlns:xsi": XSI,
            "@xsi:schemaLocation": _schema_location(NS12, SCHEMAS12),
            "metadata": {"schema": "ADL SCORM", "schemaversion": "1.2", **_lom12(doc)},
            "organizations": {
                "@default": f"ORG-{slug}",
                "organization": {
                    "@identifier": f"ORG-{slug}",
                    "title": doc["course"]["title"],
                    "item": items,
                },
            },
            "resources": _resources(doc, files, "adlcp:scormtype", multi_sco),
        }
    }


def _in_order_rule(module: dict) -> dict:
    """A module's post-condition: retried until its quiz is passed (or, without a quiz, it is completed).

    With the organisation's flow-only navigation this takes modules in order using nothing but the
    activity's own tracking: no shared global objectives (``mapInfo``), which Moodle 4.3's importer
    cannot read (it fails with a fatal error on any mapInfo). Unknown status counts as not yet done.
    """
    done, known = ("satisfied", "objectiveStatusKnown") if module["quiz"] else ("completed", "activityProgressKnown")
    return {
        "imsss:postConditionRule": {
            "imsss:ruleConditions": {
                "@conditionCombination": "any",
                "imsss:ruleCondition": [
                    {"@operator": "not", "@condition": done},
                    {"@operator": "not", "@condition": known},
                ],
            },
            "imsss:ruleAction": {"@action": "retry"},
        }
    }


def _sequencing2004(doc: dict, sco: dict, *, multi_sco: bool, in_order: bool) -> dict:
    """``imsss:sequencing`` of one SCO item: its objectives, and with ``in_order`` the rule above.

    The primary objective (the module, or the course for one SCO) is satisfied by the status the
    player reports, never by measure: a ``minNormalizedMeasure`` would let an LMS declare a pass from
    the score alone. One SCO per module declares the criteria its questions evidence; a one-SCO
    course declares none and creates them at run time as quizzes are submitted, so an LMS that
    re-sends every objective on every commit (Moodle) sends only those used.
    """
    seq: dict = {}
    if in_order:
        seq["imsss:sequencingRules"] = _in_order_rule(sco["modules"][0])
    seq["imsss:objectives"] = {"imsss:primaryObjective": {"@objectiveID": sco["primary"]}}
    if multi_sco:
        objectives = [{"@objectiveID": objective_id(ref)} for ref in _sco_criteria(doc, sco["modules"])]
        if objectives:
            seq["imsss:objectives"]["imsss:objective"] = objectives
    return seq


def manifest2004(
    doc: dict, files: Iterable[str], *, multi_sco: bool = False, sequencing: bool = False
) -> dict:
    """The SCORM 2004 4th Edition manifest as an xmltodict dict."""
    slug = doc["course"]["slug"]
    items = []
    for sco in _scos(doc, multi_sco):
        item = _item_base(sco)
        item["imsss:sequencing"] = _sequencing2004(doc, sco, multi_sco=multi_sco, in_order=sequencing)
        items.append(item)
    organization: dict = {"@identifier": f"ORG-{slug}"}
    organization["title"] = doc["course"]["title"]
    organization["item"] = items
    if sequencing:  # Continue and Previous only: no jumping ahead from the menu
        organization["imsss:sequencing"] = {
            "imsss:controlMode": {"@choice": "false", "@flow": "true"}
        }
    return {
        "manifest": {
            "@identifier": f"MANIFEST-{slug}",
            "@version": "1",
            **_xmlns(NS2004),
            "@xmlns:xsi": XSI,
            "@xsi:schemaLocation": _schema_location(NS2004, SCHEMAS2004),
            "metadata": {
                "schema": "ADL SCORM",
                "schemaversion": "2004 4th Edition",
                **_lom2004(doc),
            },
            "organizations": {"@default": f"ORG-{slug}", "organization": organization},
            "resources": _resources(doc, files, "adlcp:scormType", multi_sco),
        }
    }


def manifest_xml(manifest: dict) -> bytes:
    """Serialise a manifest dict: UTF-8, two-space indent, trailing newline."""
    return (
        xmltodict.unparse(
            manifest, encoding="utf-8", pretty=True, indent="  ", short_empty_elements=True
        )
        + "\n"
    ).encode("utf-8")


# --------------------------------------------------------------------------- the zip


def zip_files(files: dict[str, bytes]) -> bytes:
    """A deterministic zip: sorted names, 1980-01-01 timestamps, mode 0644, deflate level 9."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ZIP_MODE
            zf.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def package_files(
    doc: dict,
    *,
    standard: str = "1.2",
    multi_sco: bool = False,
    sequencing: bool = False,
    player_dir: Path | None = None,
) -> dict[str, bytes]:
    """Every file of the package by zip name, the manifest included."""
    if standard not in STANDARDS:
        raise ValueError(f"unknown SCORM standard {standard!r}: use '1.2' or '2004'")
    if sequencing and (standard != "2004" or not multi_sco):
        raise ValueError("sequencing needs standard='2004' and multi_sco=True")
    doc = load_document(doc)
    files = player_files(player_dir)
    if LAUNCH_FILE not in files:
        raise ValueError(f"the player has no {LAUNCH_FILE} (looked in {player_dir or PLAYER_DIR})")
    clash = {n for n in files if n in {*GENERATED_FILES, "imsmanifest.xml"} or n.startswith(MODULES_FOLDER + "/")}
    if clash:
        raise ValueError(f"the player folder holds generated file(s): {', '.join(sorted(clash))}")
    for path, data in (doc.get("media") or {}).items():
        files[path] = base64.b64decode(data)  # at the media/ path the stems refer to
    data = course_data(doc)
    files["course-data.js"] = _js_assignment("CC_COURSE", course_outline(data))
    for module in data["modules"]:
        opening, quiz = split_module_content(module_content(data, module))
        files[module_file(module["slug"])] = module_js(opening)
        if quiz is not None:
            files[quiz_file(module["slug"])] = quiz_js(quiz)
    files["launch.js"] = launch_js(standard, multi_sco)
    if standard == "1.2":
        manifest = manifest12(doc, files, multi_sco=multi_sco)
    else:
        manifest = manifest2004(doc, files, multi_sco=multi_sco, sequencing=sequencing)
    files["imsmanifest.xml"] = manifest_xml(manifest)
    return files


def build_package(
    doc: dict,
    *,
    standard: str = "1.2",
    multi_sco: bool = False,
    sequencing: bool = False,
    player_dir: Path | None = None,
) -> bytes:
    """The SCORM zip for a course document (1.2 by default; see README for why)."""
    return zip_files(
        package_files(
            doc,
            standard=standard,
            multi_sco=multi_sco,
            sequencing=sequencing,
            player_dir=player_dir,
        )
    )
