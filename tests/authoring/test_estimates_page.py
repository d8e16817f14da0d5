"""The course page shows each module's estimated learning time against its target, flags, and totals."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from course.authoring import estimates, quizzes, service
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice
from tests.helpers import login


class Table(HTMLParser):
    """The rows of the table with the given caption id, each as its cells' text."""

    def __init__(self, caption_id: str) -> None:
        super().__init__()
        self.caption_id = caption_id
        self.inside = False
        self.depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
        if tag == "caption" and dict(attrs).get("id") == self.caption_id:
            self.inside = True
        if self.inside and tag == "tr":
            self.rows.append([])
        if self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        if tag == "table":
            self.depth -= 1
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(html: str, caption_id: str = "estimate-caption") -> list[list[str]]:
    parser = Table(caption_id)
    parser.feed(html)
    return parser.rows


@pytest.fixture
def course_page(units_app, create_user, save_questions):
    """A tutor's client and a course of three modules whose estimates are easy to work out:

    - "Quick module": a page of 175 words (1 min) and a quiz drawing 2 of two single-choice
      questions, 7 words read and 30 s each (0.54 min): 2.08 min against a target of 60;
    - "Long read": a page of 1,750 words (10 min), no quiz, against a target of 8;
    - "Balanced": a page of 175 words and one image (1.2 min) against a target of 2.
    """
    with units_app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    save_questions(org_id, [choice("q-a", ["HSCCLD327/K13"], tags=["trust"]),
                            choice("q-b", ["HSCCLD327/K13"], tags=["trust"])])
    with units_app.app_context():
        org = db.session.get(Organisation, org_id)
        course = service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
        quick = service.add_module(course, title="Quick module", target_minutes=60)
        service.add_page(quick, title="Intro", body="word " * 174)
        quizzes.add_draw(quizzes.set_quiz(quick), 2, tag="trust")
        long_read = service.add_module(course, title="Long read", target_minutes=8)
        service.add_page(long_read, title="Everything", body="word " * 1749)
        balanced = service.add_module(course, title="Balanced", target_minutes=2)
        service.add_page(balanced, title="Map",
                         body="word " * 174 + "\n\n![A map](https://example.org/map.png)")
        db.session.commit()
    user = create_user("tutor", org_id)
    client = units_app.test_client()
    login(client, user.email)
    return client


def test_course_page_shows_estimate_against_target_for_every_module(course_page):
    response = course_page.get("/courses/care/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = table(html)
    assert rows == [
        ["Module", "Pages", "Quiz", "Estimate", "Target", "Check"],
        ["Quick module", "1 min", "1 min", "2 min", "1 h", "⚠ Target is more than twice the estimate"],
        ["Long read", "10 min", "No quiz", "10 min", "8 min", "⚠ Estimate is over the target"],
        ["Balanced", "1 min", "No quiz", "1 min", "2 min", "Fits the target"],
        ["Course total", "12 min", "1 min", "13 min", "1 h 10 min", "2 of 3 modules flagged"],
    ]
    # The headers are real header cells: columns by <th scope="col">, modules by <th scope="row">.
    assert html.count('<th scope="col">') >= 6
    for title in ("Quick module", "Long read", "Balanced", "Course total"):
        assert f'<th scope="row">{title}</th>' in html


def test_each_module_card_says_estimate_and_target_in_words(course_page):
    html = course_page.get("/courses/care/").get_data(as_text=True)
    cards = re.findall(r'<li id="module-([^"]+)" class="card">(.*?)</li>', html, re.S)
    lines = {}
    for slug, body in cards:
        line = re.search(r"Estimate .*?</p>", body, re.S).group(0)
        lines[slug] = " ".join(re.sub(r"<[^>]+>", "", line).split())
    assert lines == {
        "quick-module": "Estimate 2 min · target 1 h · ⚠ Target is more than twice the estimate",
        "long-read": "Estimate 10 min · target 8 min · ⚠ Estimate is over the target",
        "balanced": "Estimate 1 min · target 2 min",
    }
    # The flag is text, not only a colour: the warning sign is hidden from screen readers, the words are not.
    assert ('<strong class="flag flag-bad"><span aria-hidden="true">⚠ </span>'
            "Target is more than twice the estimate") in html
    assert "1 module</strong> has a target more than twice the estimate." in html
    assert "1 module</strong> needs more than its target." in html


def test_the_page_states_the_rates_the_estimates_use(course_page):
    html = course_page.get("/courses/care/").get_data(as_text=True)
    assert (f"Pages are read at {estimates.READING_WPM:g} words a minute "
            f"with {estimates.IMAGE_SECONDS:g} seconds an image") in html
    assert f"an essay is written at {estimates.WRITING_WPM:g} words a minute" in html


def test_a_course_without_modules_has_no_estimate_table(units_app, create_user):
    with units_app.app_context():
        org = Organisation(name="Empty")
        db.session.add(org)
        db.session.flush()
        service.create_course(organisation=org, user=None, title="Bare", frameworks=["HSCCLD327"])
        db.session.commit()
        org_id = org.id
    user = create_user("tutor", org_id)
    client = units_app.test_client()
    login(client, user.email)
    html = client.get("/courses/bare/").get_data(as_text=True)
    assert table(html) == []
    assert '<h2 id="estimate-heading">Estimated learning time</h2>' in html
    assert "flagged" not in html


def test_the_estimates_follow_an_edit(course_page, units_app):
    with units_app.app_context():
        course = service.get_course(db.session.scalar(db.select(Organisation.id)), "care")
        page = course.modules[1].pages[0]
        service.update_page(page, title="Everything", body="word " * 349)  # 2 min: under half the target of 8
        db.session.commit()
    rows = table(course_page.get("/courses/care/").get_data(as_text=True))
    assert rows[2] == ["Long read", "2 min", "No quiz", "2 min", "8 min",
                       "⚠ Target is more than twice the estimate"]
    assert rows[-1][-1] == "2 of 3 modules flagged"


def test_the_module_page_gives_each_page_and_the_quiz_page_each_item_an_estimate(course_page):
    long_read = course_page.get("/courses/care/modules/long-read/").get_data(as_text=True)
    assert "Everything</a>\n      <span class=\"meta\">(about 10 min to read)</span>" in long_read  # 1,750 words
    quick = course_page.get("/courses/care/modules/quick-module/quiz").get_data(as_text=True)
    # The draw of 2: two questions of 7 words read and 30 s each: 2 × 0.54 = 1.08 min.
    assert "(about 1 min to answer)" in quick
    assert "Estimated time to answer the quiz: 1 min" in quick
