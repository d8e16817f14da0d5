"""Benchmark: what a launch of the shipped course's SCORM package loads, and what opening each module adds.

The shipped course (course/shipped) is exported as one SCO, SCORM 2004, unzipped and opened from
``file://`` in headless Chromium with a stand-in ``API_1484_11`` (an LMS that stores nothing). Every
file the page loads is recorded (``page.on("request")`` and the page's resource timing) and counted
at its size in the package: JS, CSS and data (the outline, ``launch.js``, the module files);
``index.html`` and images are reported apart. Launch = the menu of modules is on screen; each module
= opening it from the menu until its first page (or quiz introduction) shows, in a fresh browser
context; starting its quiz then adds its quiz file (``modules/<slug>.quiz.js``, sizes from the zip).
Goal: a launch, and a launch with any module opened, load at most 100 KB (102,400 bytes) of JS, CSS
and data.

First answer control: ``launch.js`` rewritten to open the largest module's quiz at once
(``start: "quiz"``, as tests/benchmarks/test_player_first_control.py does); navigation start to the
first enabled control of question 1, loading the module's file included; median of 5 after a
warm-up.

Run: .venv/bin/python -m pytest tests/benchmarks/test_scorm_package_weight.py -s
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "player"))
from player_site import CHROMIUM_ARGS  # noqa: E402

from scorm_export.document import load_document  # noqa: E402
from scorm_export.package import _js_assignment, build_package, course_data  # noqa: E402

pytestmark = [pytest.mark.benchmark, pytest.mark.browser]

LAUNCH_BUDGET = 100 * 1024
RUNS = 5
FAKE_API = """
window.API_1484_11 = (() => {
  const v = {"cmi.entry": "ab-initio", "cmi.mode": "normal", "cmi.credit": "credit", "cmi.learner_id": "L1",
             "cmi.learner_name": "Doe, Jane", "cmi.completion_status": "unknown", "cmi.success_status": "unknown",
             "cmi.interactions._count": "0", "cmi.objectives._count": "0", "cmi.suspend_data": "", "cmi.location": ""};
  const ok = () => "true";
  return {Initialize: ok, Terminate: ok, Commit: ok, GetValue: k => (k in v ? v[k] : ""),
          SetValue: (k, x) => { v[k] = String(x); return "true"; }, GetLastError: () => "0",
          GetErrorString: () => "", GetDiagnostic: () => ""};
})();
"""
WATCH = """
(() => {
  const SEL = "main .question input, main .question select, main .question textarea, main .question button";
  const ready = () => [...document.querySelectorAll(SEL)].some(el => {
    const r = el.getBoundingClientRect();
    return !el.disabled && r.width > 0 && r.height > 0;
  });
  const check = () => { if (window.__firstControl === undefined && document.body && ready()) window.__firstControl = performance.now(); };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: true});
  (function frame() { check(); if (window.__firstControl === undefined) requestAnimationFrame(frame); })();
})();
"""
RESOURCES = "performance.getEntriesByType('resource').map(e => e.name)"


def counted(name: str) -> bool:
    """JS, CSS and data: what the budget counts (not the page itself, not images)."""
    return name.endswith((".js", ".css"))


class Recorder:
    """The package files one page loaded, by path inside the package."""

    def __init__(self, page, root: Path):
        self.page, self.root, self.names = page, root, set()
        page.on("request", lambda r: self.add(r.url))

    def add(self, url: str) -> None:
        if url.startswith("file://"):
            path = Path(unquote(urlparse(url).path))
            if path.is_relative_to(self.root):
                self.names.add(path.relative_to(self.root).as_posix())

    def sync(self) -> set[str]:
        for url in self.page.evaluate(RESOURCES):
            self.add(url)
        return set(self.names)

    def size(self, names) -> int:
        return sum((self.root / n).stat().st_size for n in names if counted(n))


def test_shipped_package_launch_and_module_weights(tmp_path):
    chromium = os.environ.get("SCORM_KIT_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        pytest.skip("needs Chromium")
    from playwright.sync_api import sync_playwright

    from course.shipped import load_shipped_document

    doc = load_shipped_document()
    whole = len(_js_assignment("CC_COURSE", course_data(load_document(doc))))  # the one file every launch loaded before
    root = tmp_path / "pkg"
    zipfile.ZipFile(io.BytesIO(build_package(doc, standard="2004"))).extractall(root)
    index = (root / "index.html").as_uri()
    titles = [m["title"] for m in doc["modules"]]

    launch, opened = {}, []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for title in titles:
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                page.add_init_script(FAKE_API)
                rec = Recorder(page, root)
                page.goto(index)
                page.get_by_role("heading", name="Modules").wait_for()
                at_launch = rec.sync()
                launch = launch or {"names": at_launch, "bytes": rec.size(at_launch)}
                assert at_launch == launch["names"]
                assert not any(n.startswith("modules/") for n in at_launch)
                page.get_by_role("button", name=title, exact=True).click()
                page.locator("main h2").first.wait_for()
                added = rec.sync() - at_launch
                assert [n for n in added if counted(n)] and all(n.startswith(("modules/", "files/", "media/")) for n in added)
                opened.append((title, rec.size(added), sorted(n for n in added if counted(n))))
                context.close()

            # the largest module's quiz, opened at once
            biggest = max(range(len(titles)), key=lambda i: opened[i][1])
            slug = doc["modules"][biggest]["slug"]
            (root / "launch.js").write_text(
                "window.CC_LAUNCH = " + json.dumps({"adapter": "scorm2004", "module": slug, "start": "quiz"}) + ";\n"
            )
            times = []
            for run in range(RUNS + 1):  # run 0 warms the browser up and is not counted
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                page.add_init_script(FAKE_API)
                page.add_init_script(WATCH)
                page.goto(index)
                page.wait_for_function("() => window.__firstControl !== undefined", timeout=10000)
                assert page.get_by_role("heading", name="Question 1 of", exact=False).is_visible()
                if run:
                    times.append(page.evaluate("window.__firstControl"))
                context.close()
        finally:
            browser.close()

    for title, size, names in opened:
        assert len(names) == 1 and not names[0].endswith(".quiz.js"), (title, names)  # its own file, not its quiz's
    sizes = [size for _, size, _ in opened]
    quizzes = [(root / "modules" / f"{m['slug']}.quiz.js").stat().st_size for m in doc["modules"] if m.get("quiz")]
    html, outline = (root / "index.html").stat().st_size, (root / "course-data.js").stat().st_size
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(
        f"\nshipped course, SCORM 2004 one SCO, {len(titles)} modules:"
        f"\n  before: every launch loaded course-data.js with the whole course, {whole:,} bytes"
        f" ({whole + launch['bytes'] - outline:,} with the same player)"
        f"\n  launch: {launch['bytes']:,} bytes of JS, CSS and data ({', '.join(sorted(launch['names']))};"
        f" index.html {html:,} bytes apart); budget {LAUNCH_BUDGET:,}"
        f"\n  opening a module: its file, max {max(sizes):,} bytes ({opened[biggest][0]}), median {statistics.median(sizes):,.0f},"
        f" min {min(sizes):,}; launch + largest module {launch['bytes'] + max(sizes):,}"
        f"\n  starting a quiz: its questions' file, max {max(quizzes):,} bytes, median {statistics.median(quizzes):,.0f},"
        f" min {min(quizzes):,}; launch + largest module + largest quiz {launch['bytes'] + max(sizes) + max(quizzes):,}"
        f"\n  first answer control of {opened[biggest][0]!r} (quiz opened at launch): median {statistics.median(times):.1f} ms"
        f" over {RUNS} runs ({', '.join(f'{t:.1f}' for t in times)}); load {load:.1f} per CPU"
    )
    assert launch["bytes"] <= LAUNCH_BUDGET
    assert launch["bytes"] + max(sizes) <= LAUNCH_BUDGET  # a launch and any module's pages
