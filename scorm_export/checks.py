"""Checks a training provider needs before downloading a package: the package, and the content.

These do not need the SCORM kit (the app runs them on every export); the kit's XSD validator
and run-time harness are run by the test suite on top.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.parsers.expat import ExpatError

import xmltodict

from scorm_export.package import join_module_content, merge_course_data, read_module_js, read_quiz_js

from scorm_export.state import (
    estimate_course_suspend_data,
    estimate_suspend_data,
    modules_in_progress_at_once,
)

NS_CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
SUSPEND_DATA_LIMIT_12 = 4096
SUSPEND_DATA_LIMIT_2004 = 64000
_LISTS = ("organization", "item", "resource", "file", "dependency", "imsss:objective")


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (a zip entry, a manifest element, a module and page) and what."""

    where: str
    message: str
    severity: str = "error"  # "error" blocks a download; "warning" is shown
    module: str | None = None
    page: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


# --------------------------------------------------------------------------- package


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _walk(node, path: str = "") -> Iterable[tuple[str, dict]]:
    """Every element dict in a parsed manifest with a readable path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key.startswith("@") or key == "#text":
                continue
            for n, child in enumerate(_as_list(value)):
                yield from _walk(
                    child, f"{path}/{key}" + (f"[{n}]" if isinstance(value, list) else "")
                )


def check_package(zip_bytes: bytes) -> list[Problem]:
    """Problems of a package zip: manifest, files listed, ids without spaces, suspend_data size."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile as exc:
        return [Problem("zip", f"not a zip file: {exc}")]
    problems: list[Problem] = []
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    for name in names:
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            problems.append(Problem(f"zip:{name}", "unsafe entry name"))
    if "imsmanifest.xml" not in names:
        return problems + [Problem("imsmanifest.xml", "no imsmanifest.xml at the zip root")]
    try:
        manifest = xmltodict.parse(
            zf.read("imsmanifest.xml"), force_list=_LISTS, disable_entities=True
        )
    except zipfile.BadZipFile as exc:
        return problems + [Problem("imsmanifest.xml", f"cannot be read from the zip: {exc}")]
    except (ExpatError, ValueError) as exc:
        return problems + [Problem("imsmanifest.xml", f"not well-formed XML: {exc}")]
    root = manifest.get("manifest")
    if not isinstance(root, dict):
        return problems + [Problem("imsmanifest.xml", "the root element is not <manifest>")]

    listed: set[str] = set()
    for path, element in _walk(root, "/manifest"):
        for attr in (
            "@identifier",
            "@identifierref",
            "@objectiveID",
            "@targetObjectiveID",
            "@referencedObjective",
        ):
            value = element.get(attr)
            if value is not None and (not value or re.search(r"\s", value)):
                problems.append(
                    Problem(
                        f"imsmanifest.xml:{path}",
                        f"{attr[1:]} {value!r} is empty or has whitespace",
                    )
                )
    resources = root.get("resources")
    for resource in _as_list(resources.get("resource") if isinstance(resources, dict) else None):
        rid = resource.get("@identifier", "?")
        for f in _as_list(resource.get("file")):
            href = f.get("@href", "")
            listed.add(href)
            if href not in names:
                problems.append(
                    Problem(
                        f"imsmanifest.xml:resource[{rid}]",
                        f"lists {href!r}, which is not in the zip",
                    )
                )
        href = resource.get("@href")
        if href is not None:
            launch = href.split("?", 1)[0].split("#", 1)[0]
            if launch not in names:
                problems.append(
                    Problem(
                        f"imsmanifest.xml:resource[{rid}]",
                        f"launch file {launch!r} is not in the zip",
                    )
                )
            elif launch not in listed:
                problems.append(
                    Problem(
                        f"imsmanifest.xml:resource[{rid}]",
                        f"launch file {launch!r} is not listed as a <file>",
                        "warning",
                    )
                )
    for name in names:
        if name != "imsmanifest.xml" and name not in listed:
            problems.append(Problem(f"zip:{name}", "not listed by any resource <file>"))
    organizations = root.get("organizations") or {}
    orgs = _as_list(organizations.get("organization")) if isinstance(organizations, dict) else []
    if not orgs:
        problems.append(
            Problem("imsmanifest.xml:organizations", "no organization, so no SCO to launch")
        )
    elif organizations.get("@default") not in {o.get("@identifier") for o in orgs}:
        problems.append(Problem("imsmanifest.xml:organizations", "default names no organization"))

    if "course-data.js" in names:
        try:
            doc, missing = _course_data(zf, names)
        except zipfile.BadZipFile:
            doc, missing = None, []
        problems += missing
        standard = "1.2" if root.get("@xmlns") == NS_CP12 else "2004"
        multi = any("@parameters" in item for org in orgs for item in _as_list(org.get("item")))
        try:
            if doc is not None and not missing:
                problems += check_suspend_data(doc, standard, multi_sco=multi)
                problems += check_commit_size(doc, standard, multi_sco=multi)
        except (KeyError, TypeError, ValueError, StopIteration, AttributeError):
            doc = None  # JSON, but not the course document the exporter writes
        if doc is None:
            problems.append(Problem("zip:course-data.js", "does not hold the course document as window.CC_COURSE"))
    return problems


def _course_data(zf: zipfile.ZipFile, names: set[str] | list[str]) -> tuple[dict | None, list[Problem]]:
    """The course data from the outline (``course-data.js``) and the module files it names, and
    a problem for each module file that is missing or does not hold its module."""
    prefix, suffix = b"window.CC_COURSE = ", b";\n"
    data = zf.read("course-data.js")
    if not (data.startswith(prefix) and data.endswith(suffix)):
        return None, []
    try:
        outline = json.loads(data[len(prefix) : -len(suffix)])
        entries = [m for m in outline["modules"] if "file" in m]
    except (ValueError, KeyError, TypeError):
        return None, []
    if not entries:
        return outline, []  # a whole document (as the exporter wrote before modules had files)
    contents, problems = [], []
    for entry in entries:
        name = entry["file"]
        content = read_module_js(zf.read(name)) if name in names else None
        if content is None or content.get("module", {}).get("slug") != entry.get("slug"):
            what = "is missing" if name not in names else f"does not hold module {entry.get('slug')!r}"
            problems.append(Problem(f"zip:{name}", f"{what}: the module cannot open", module=entry.get("slug")))
            continue
        quiz_name = content.get("questions_file")
        if quiz_name is not None:
            quiz = read_quiz_js(zf.read(quiz_name)) if quiz_name in names else None
            try:
                content = join_module_content(content, quiz)
            except (ValueError, KeyError, TypeError):
                what = "is missing" if quiz_name not in names else f"does not hold the quiz of module {entry.get('slug')!r}"
                problems.append(Problem(f"zip:{quiz_name}", f"{what}: the quiz cannot start", module=entry.get("slug")))
                continue
        contents.append(content)
    if problems:
        return outline, problems  # checked no further: the module files are what the size estimates read
    try:
        return merge_course_data(outline, contents), []
    except (KeyError, TypeError):
        return None, []


# --------------------------------------------------------------------------- suspend_data


def check_suspend_data(doc: dict, standard: str, *, multi_sco: bool = True) -> list[Problem]:
    """Modules whose resumable state may not fit the version's suspend_data (see state.py)."""
    limit = SUSPEND_DATA_LIMIT_12 if standard == "1.2" else SUSPEND_DATA_LIMIT_2004
    problems = []
    for i, module in enumerate(doc["modules"]):
        size = estimate_suspend_data(doc, module)
        if size > limit:
            problems.append(
                Problem(
                    f"modules[{i}]",
                    f"module {module['title']!r}: its resumable state can reach {size} characters, over "
                    f"SCORM {standard}'s suspend_data limit of {limit}; split the module or shorten its quiz",
                    module=module["slug"],
                )
            )
    if not multi_sco and not problems:
        size = estimate_course_suspend_data(doc)
        if size > limit:
            n = modules_in_progress_at_once(doc, limit)
            problems.append(
                Problem(
                    "course",
                    f"with every module in progress at once the state can reach {size} characters, over "
                    f"SCORM {standard}'s suspend_data limit of {limit}: up to {n} module(s) can be in "
                    "progress at once with every answer kept; beyond that the player drops the saved "
                    "answers of the modules the learner left longest ago (submitted modules' results and "
                    "the current module are always kept). Export one SCO per module to keep them all",
                    severity="warning",
                )
            )
    return problems


# Moodle's 2004 player re-posts every interaction and objective of the SCO on each save; a browser
# sends at most 64 KiB in the requests a closing page leaves behind (Chromium's keepalive limit), so
# a bigger final save (the one with the session time) never arrives.
CLOSING_SAVE_LIMIT = 64 * 1024
# Bytes one interaction takes in such a post: ten elements, each "&cmi__interactions__N12__<name>=",
# plus its values (id, criteria, patterns, a 100-character description), URL-encoded.
INTERACTION_POST_BYTES = 700
OBJECTIVE_POST_BYTES = 250


def _interactions_of(doc: dict, module: dict) -> int:
    """Interactions one submission of the module's quiz records at most (a scenario: every step)."""
    from scorm_export.document import module_question_versions

    quiz = module.get("quiz")
    if not quiz:
        return 0
    largest: dict[str, int] = {}
    for q in module_question_versions(doc, module):
        largest[q["id"]] = max(largest.get(q["id"], 0), len(q.get("steps") or []) or 1)
    sizes = sorted(largest.values(), reverse=True)
    count = sum(item.get("draw", {}).get("count", 1) if "draw" in item else 1 for item in quiz["items"])
    return sum(sizes[:count])


def estimate_commit_bytes(doc: dict, modules: list[dict]) -> int:
    """About what Moodle posts on each SCORM 2004 save once every quiz of these modules is submitted."""
    from scorm_export.document import module_criteria

    interactions = sum(_interactions_of(doc, m) for m in modules)
    objectives = len({ref for m in modules for ref in module_criteria(doc, m)})
    state = sum(estimate_suspend_data(doc, m) for m in modules)
    return interactions * INTERACTION_POST_BYTES + objectives * OBJECTIVE_POST_BYTES + state * 3 // 2 + 600


def check_commit_size(doc: dict, standard: str, *, multi_sco: bool = True) -> list[Problem]:
    """A SCORM 2004 SCO whose saves, as Moodle posts them, outgrow what a closing page can send."""
    if standard != "2004":
        return []
    scos = [[m] for m in doc["modules"]] if multi_sco else [doc["modules"]]
    problems = []
    for modules in scos:
        size = estimate_commit_bytes(doc, modules)
        if size > CLOSING_SAVE_LIMIT:
            what = f"module {modules[0]['title']!r}" if multi_sco else "the course (one SCO)"
            problems.append(Problem(
                "course" if not multi_sco else f"modules[{doc['modules'].index(modules[0])}]",
                f"{what}: once its quizzes are taken, each SCORM 2004 save can reach about "
                f"{size // 1024} KB in Moodle, which re-sends every answer recorded so far; over "
                f"{CLOSING_SAVE_LIMIT // 1024} KB the last save when the learner closes the window "
                "(with the session time) is lost. Export one SCO per module, or SCORM 1.2",
                module=modules[0]["slug"] if multi_sco else None,
                severity="warning",
            ))
    return problems


# --------------------------------------------------------------------------- content


class _HtmlAudit(HTMLParser):
    """Collects static accessibility problems in one fragment of rendered HTML."""

    def __init__(self, first_level: int):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.level = first_level
        self._links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            if not (attrs.get("alt") or "").strip():
                self.problems.append(f"image {attrs.get('src') or ''!r} has no alt text")
            for link in self._links:
                link["text"] += attrs.get("alt") or ""
        elif re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if level > self.level + 1:
                self.problems.append(f"heading level skipped: <{tag}> after <h{self.level}>")
            self.level = level
        elif tag == "a":
            self._links.append(
                {"href": attrs.get("href") or "", "text": attrs.get("aria-label") or ""}
            )

    def handle_data(self, data):
        for link in self._links:
            link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._links:
            link = self._links.pop()
            if not link["text"].strip():
                self.problems.append(f"link to {link['href']!r} has no text")


# The player shows the module title as <h1> and the page title as <h2>, so authored headings
# start at <h3> at most ("## Heading" and "### Heading" are both fine, "#### Heading" first is not).
PAGE_HEADING_LEVEL = 2


def audit_html(html: str, first_level: int = PAGE_HEADING_LEVEL) -> list[str]:
    """Static accessibility problems in a fragment of HTML (messages only)."""
    audit = _HtmlAudit(first_level)
    audit.feed(html)
    audit.close()
    return audit.problems


def check_content(doc: dict) -> list[Problem]:
    """Accessibility problems a static check sees in authored content, naming module and page."""
    from scorm_export.document import module_question_versions
    from scorm_export.package import render_markdown

    problems: list[Problem] = []
    language = (doc.get("course") or {}).get("language")
    if not language or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language):
        problems.append(
            Problem(
                "course.language",
                "the course has no valid language (e.g. en-GB), so screen readers guess",
            )
        )
    for i, module in enumerate(doc["modules"]):
        for j, page in enumerate(module["pages"]):
            for message in audit_html(render_markdown(page["body"])):
                problems.append(
                    Problem(
                        f"modules[{i}].pages[{j}]",
                        f"module {module['title']!r}, page {page['title']!r}: {message}",
                        module=module["slug"],
                        page=page["slug"],
                    )
                )
        for question in module_question_versions(doc, module):
            for where, text, fmt in _question_texts(question):
                html = render_markdown(text) if fmt == "markdown" else text
                for message in audit_html(html):
                    problems.append(
                        Problem(
                            f"modules[{i}].quiz",
                            f"module {module['title']!r}, quiz question {question['id']!r} v{question['version']} "
                            f"{where}: {message}",
                            module=module["slug"],
                            page="quiz",
                        )
                    )
    return problems


def _question_texts(question: dict) -> Iterable[tuple[str, str, str]]:
    """(where, text, format) of the authored texts of a question that a learner reads."""
    fmt = question.get("stem_format", "markdown")
    if isinstance(question.get("stem"), str):
        yield "stem", question["stem"], fmt
    case = question.get("case")
    if isinstance(case, dict):
        for key in ("person", "setting", "situation"):
            if isinstance(case.get(key), str):
                yield f"case {key}", case[key], "markdown"
    for step in question.get("steps") or []:
        child = (step or {}).get("question") or {}
        if isinstance(child.get("stem"), str):
            yield f"step {step.get('id')} stem", child["stem"], child.get("stem_format", fmt)
