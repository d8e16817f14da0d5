"""One look for the staff pages, at a 1280 px laptop and a 360 px phone: no word broken inside
itself on a button, link or heading cell, actions never run together, radios, checkboxes and file
inputs are targets of at least 24 x 24 px (WCAG 2.5.8), and axe finds nothing. The player and the
staff pages share the type scale and the button (checked on computed styles)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

import scorm_export
from course.extensions import db
from course.models import Framework

from tests.browser.conftest import axe_violations, browser, checked_context, describe_violations, live_server, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.reports.conftest import ReportCourse, report_course

pytestmark = pytest.mark.browser
__all__ = ["browser", "live_server", "report_course"]  # fixtures used by name

# Words split across two line boxes inside buttons, links, table headings, labels, legends and
# summaries: each word's Range gives one rectangle per line it sits on. Text that a screen reader
# alone reads (a 1 px clipped box) is skipped. Also a button or block link whose text overflows it.
BROKEN_WORDS = r"""() => {
  const found = [];
  const sel = 'button, a, th, label, legend, summary, .button, dt';
  for (const el of document.querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || el.closest('.visually-hidden')) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      const re = /[^\s\-\u2010\u2013\u2014]+/g;  // a break after a hyphen or dash is a proper one
      for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) found.push(el.tagName + ': ' + m[0]);
      }
    }
    const style = getComputedStyle(el);
    if ((el.matches('button, .button') || style.display !== 'inline') && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + 1 && style.overflowX === 'visible') {
      found.push(el.tagName + ' overflows: ' + el.textContent.trim().slice(0, 40));
    }
  }
  return found;
}"""

# Two actions (links or buttons) on one line with nothing but white space between them closer than
# 8 px: they read as one ("Preview and try Delete").
RUN_TOGETHER = r"""() => {
  const acts = [...document.querySelectorAll('main a, main button')].filter(e => e.getBoundingClientRect().width > 1);
  const found = [];
  for (let i = 1; i < acts.length; i++) {
    const a = acts[i - 1], b = acts[i];
    if (a.contains(b) || b.contains(a)) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const sameLine = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > Math.min(ra.height, rb.height) / 2;
    const between = document.createRange();
    between.setStartAfter(a); between.setEndBefore(b);
    const gap = rb.left - ra.right;
    if (sameLine && gap >= 0 && gap < 8 && between.toString().trim() === '') {
      found.push(a.textContent.trim() + ' | ' + b.textContent.trim());
    }
  }
  return found;
}"""

SMALL_TARGETS = r"""() => [...document.querySelectorAll('input[type=radio], input[type=checkbox], input[type=file]')]
  .filter(e => e.getBoundingClientRect().width > 1 || e.getBoundingClientRect().height > 1)
  .filter(e => e.getBoundingClientRect().width < 24 || e.getBoundingClientRect().height < 24)
  .map(e => (e.id || e.name) + ' ' + Math.round(e.getBoundingClientRect().width) + 'x' + Math.round(e.getBoundingClientRect().height))"""


def _staff_pages(rc: ReportCourse, framework: int) -> list[str]:
    course, slug, ann = rc.course_id, rc.slug, rc.users["ann"]
    return [
        "/courses/", f"/courses/{slug}/", f"/courses/{slug}/modules/m1/", f"/courses/{slug}/modules/m1/quiz",
        f"/courses/{slug}/modules/m1/pages/p", f"/courses/{slug}/coverage", f"/courses/{slug}/files/",
        "/questions/", "/questions/q1", "/questions/q1/edit", "/questions/import",
        "/reports/", f"/reports/courses/{course}/progress", f"/reports/courses/{course}/items",
        f"/reports/courses/{course}/learners/{ann}", f"/reports/courses/{course}/learners/{ann}/criteria",
        "/learn/tutor/", f"/learn/tutor/courses/{course}/learners", f"/learn/tutor/courses/{course}/offline",
        "/evidence/learners", "/evidence/queue", f"/evidence/courses/{course}/learners/{ann}",
        f"/evidence/courses/{course}/learners/{ann}/new",
        "/iqa/", f"/iqa/courses/{slug}/", f"/iqa/courses/{slug}/mappings", f"/iqa/courses/{slug}/audit",
        "/frameworks/", "/frameworks/TESTFW", f"/record/courses/{course}/learners/{ann}/units/{framework}",
    ]


@pytest.mark.parametrize("width", [1280, 360])
def test_staff_pages_keep_words_whole_and_targets_usable(app: Flask, report_course: ReportCourse, live_server: Any,
                                                         browser: Any, create_user: Any, width: int) -> None:
    create_user("admin", "Provider A", email="admin@a.test")
    with app.app_context():
        framework = db.session.scalar(select(Framework.id).where(Framework.code == "TESTFW"))
    problems: dict[str, Any] = {}
    with checked_context(browser, locale="en-GB", viewport={"width": width, "height": 800}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, "admin@a.test", DEFAULT_PASSWORD)
        for path in _staff_pages(report_course, framework):
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            found = {"broken": page.evaluate(BROKEN_WORDS), "together": page.evaluate(RUN_TOGETHER),
                     "small": page.evaluate(SMALL_TARGETS),
                     "wider": page.evaluate("() => document.documentElement.scrollWidth") > width,
                     "axe": describe_violations(axe_violations(page))}
            if any(found.values()):
                problems[path] = {k: v for k, v in found.items() if v}
    assert problems == {}, json.dumps(problems, indent=1)


# The same few elements in a page, and the computed values that make "one look".
SAMPLE = r"""([primary, secondary]) => {
  const host = document.createElement('div');
  host.innerHTML = `<h2>Heading two</h2><h3>Heading three</h3><button type="submit" class="${primary}">Go</button>
    <button type="button" class="${secondary}">Back</button><input type="radio" aria-label="r"><input type="checkbox" aria-label="c">`;
  document.body.append(host);
  const css = (sel, props) => { const s = getComputedStyle(host.querySelector(sel)); return props.map(p => s[p]); };
  const body = getComputedStyle(document.body);
  return {
    body: [body.fontSize, body.lineHeight, body.fontFamily, body.color, body.overflowWrap],
    headings: [...css('h2', ['fontSize', 'lineHeight']), ...css('h3', ['fontSize', 'lineHeight'])],
    primary: css('button[type=submit]', ['backgroundColor', 'color', 'fontWeight', 'paddingLeft', 'paddingTop',
                                         'minHeight', 'borderRadius', 'borderTopWidth']),
    secondary: css('button[type=button]', ['backgroundColor', 'color', 'borderTopColor']),
    targets: [...css('input[type=radio]', ['width', 'height']), ...css('input[type=checkbox]', ['width', 'height'])],
  };
}"""


def test_the_player_and_the_staff_pages_share_a_look(live_server: Any, browser: Any) -> None:
    player_dir = Path(scorm_export.__file__).resolve().parent / "player"

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login")
        app = page.evaluate(SAMPLE, ["button", "button button-secondary"])
        page.goto((player_dir / "index.html").as_uri())
        player = page.evaluate(SAMPLE, ["btn", "btn secondary"])
    finally:
        context.close()
    assert player == app
    assert app["body"][:2] == ["17px", "25.5px"] and app["targets"] == ["24px"] * 4
    assert app["primary"][:2] == ["rgb(0, 86, 63)", "rgb(255, 255, 255)"]
