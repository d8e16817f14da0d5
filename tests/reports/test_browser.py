"""The report pages in headless Chromium: axe-core finds no WCAG 2.1 A/AA problem, sorting by keyboard,
and the progress page fits a 360 px phone (the wide table scrolls inside its own region)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import (assert_axe_clean, browser, browser_page, checked_context, live_server,
                                    sign_in)
from tests.helpers import DEFAULT_PASSWORD
from tests.reports.conftest import ReportCourse

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server"]  # fixtures used by name


def _pages(rc: ReportCourse) -> list[str]:
    base = f"/reports/courses/{rc.course_id}"
    ann = rc.users["ann"]
    return ["/reports/", f"{base}/progress", f"{base}/learners/{ann}", f"{base}/learners/{ann}/criteria",
            f"{base}/items", f"/reports/attempts/{rc.attempts['ann'][0]}"]


def test_report_pages_pass_axe(report_course: ReportCourse, live_server: Any, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, live_server.url, "tutor@a.test", DEFAULT_PASSWORD)
    for path in _pages(report_course):
        page.goto(live_server.url + path)
        assert_axe_clean(page, path)


def test_sorting_by_keyboard(report_course: ReportCourse, live_server: Any, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, live_server.url, "tutor@a.test", DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/reports/courses/{report_course.course_id}/progress")
    link = page.get_by_role("link", name=re.compile(r"^Total against TQT.*activate to sort ascending"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=total**")
    header = page.get_by_role("columnheader", name=re.compile(r"^Total against TQT"))
    assert header.get_attribute("aria-sort") == "ascending"
    names = page.get_by_role("rowheader").filter(has_text="@a.test").all_inner_texts()
    assert [n.split("\n")[0] for n in names] == ["Cat Cole", "Dan Dale", "Ben Brook", "Ann Archer"]


def test_progress_fits_a_phone(report_course: ReportCourse, live_server: Any, browser: Any) -> None:
    with checked_context(browser, locale="en-GB", viewport={"width": 360, "height": 740}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, "tutor@a.test", DEFAULT_PASSWORD)
        page.goto(f"{live_server.url}/reports/courses/{report_course.course_id}/progress")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.rp-scroll'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert width <= 360, wide
        assert_axe_clean(page)
