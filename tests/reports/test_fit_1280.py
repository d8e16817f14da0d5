"""The report pages at a 1280 x 800 laptop: nothing wider than the window outside a table's own
scroll region, the table's first column stays in view when the region scrolls, and no chart label
is cut off by its picture's edge. The progress page is tried on a course of twelve modules."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from course.extensions import db
from course.learning.models import Enrolment
from course.reports.demo import DEMO_DATA_ORGANISATION, generate
from tests.browser.conftest import assert_axe_clean, browser, checked_context, live_server, sign_in
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "live_server"]  # fixtures used by name

# Elements (outside a scroll region) reaching past the window's right edge, and the document width.
OVERFLOW = """() => ({
  width: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.rp-scroll'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)),
})"""

# Every scroll region: is it a labelled, focusable region; scroll it to its end and report whether
# each row's first cell is still inside the region's visible box.
STICKY = """async () => {
  const out = [];
  for (const region of document.querySelectorAll('.rp-scroll')) {
    const label = region.getAttribute('aria-label') || region.getAttribute('aria-labelledby');
    region.scrollLeft = region.scrollWidth;
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const box = region.getBoundingClientRect();
    const hidden = [...region.querySelectorAll('tr > :first-child')].filter(c => {
      const r = c.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1;
    }).map(c => c.textContent.trim().slice(0, 30));
    out.push({label, width: region.scrollWidth, role: region.getAttribute('role'), tabindex: region.tabIndex,
              scrolls: region.scrollWidth > region.clientWidth, scrolled: region.scrollLeft, hidden});
    region.scrollLeft = 0;
  }
  return out;
}"""

# Every text of every inline SVG chart, in the picture's own units, against its viewBox.
CLIPPED = """() => [...document.querySelectorAll('svg[viewBox] text')].map(t => {
  const vb = t.ownerSVGElement.viewBox.baseVal, b = t.getBBox();
  return {text: t.textContent, inside: b.x >= vb.x - 0.5 && b.y >= vb.y - 0.5
          && b.x + b.width <= vb.x + vb.width + 0.5 && b.y + b.height <= vb.y + vb.height + 0.5};
}).filter(t => !t.inside).map(t => t.text)"""


@pytest.fixture
def wide_course(app: Flask) -> tuple[int, int]:
    """A demo course of twelve modules and twelve learners: (course id, a learner's id)."""
    with app.app_context():
        summary = generate(learners=12, modules=12, attempts_per_learner=12, seed=7, slug="wide")
        db.session.commit()
        learner = db.session.scalar(select(Enrolment.user_id).where(Enrolment.course_id == summary.course_id)
                                    .order_by(Enrolment.user_id))
        return summary.course_id, learner


def test_reports_fit_a_1280_laptop(wide_course: tuple[int, int], live_server: Any, browser: Any,
                                   create_user: Any) -> None:
    course_id, learner = wide_course
    create_user("tutor", DEMO_DATA_ORGANISATION, email="tutor@demo.test")
    base = f"/reports/courses/{course_id}"
    with checked_context(browser, locale="en-GB", viewport={"width": 1280, "height": 800}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, "tutor@demo.test", DEFAULT_PASSWORD)
        for path in (f"{base}/progress", f"{base}/items", f"{base}/learners/{learner}"):
            page.goto(live_server.url + path)
            fit = page.evaluate(OVERFLOW)
            assert fit["width"] <= 1280, (path, fit)
            assert fit["wide"] == [], (path, fit)
            regions = page.evaluate(STICKY)
            assert regions, path
            for region in regions:
                assert region["label"] and region["role"] == "region" and region["tabindex"] == 0, (path, region)
                assert region["hidden"] == [], (path, region)  # the first column stays in view
            if path.endswith("/progress"):
                # The learner grid does scroll (twelve modules do not fit), and its names stay in view.
                assert any(r["scrolls"] and r["scrolled"] > 0 for r in regions), regions
            assert page.evaluate(CLIPPED) == [], path
            assert_axe_clean(page, path)


def test_chart_labels_fit_their_picture(browser: Any) -> None:
    """The figure that was cut ("11.6 h / 16.(") and long unit names, drawn by Chromium's own fonts."""
    from course.reports.svg import TimeBar, time_chart

    rows = [TimeBar("HSCCLD327 Promote person-centred approaches in care settings", 696, 0, 960),
            TimeBar("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", 5400, 1800, 7200),
            TimeBar("Unit 1", 12, 0, None)]
    with checked_context(browser, viewport={"width": 1280, "height": 800}) as context:
        page = context.new_page()
        for width in (560, 360):
            page.set_content(f"<!doctype html><title>chart</title><main>{time_chart(rows, 'Time', width=width)}</main>")
            assert page.evaluate(CLIPPED) == [], width
            texts = page.evaluate("() => [...document.querySelectorAll('text')].map(t => t.textContent)")
            assert "11.6 h / 16.0 h" in texts and "120.0 h / 120.0 h" in texts
            assert any(t.startswith("HSCCLD327 P") and t.endswith("…") for t in texts), texts
