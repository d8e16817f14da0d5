"""The Questions page's export: the Moodle version, the summary of what is converted, the file."""
from __future__ import annotations

import html
import re

from tests.questions.conftest import sc_question

ACCEPTED = "4.0, 4.1, 4.2, 4.3, 4.4, 4.5, 5.0, 5.1, 5.2, 5.3"


def ordering_question(qid: str = "steps") -> dict:
    return {"id": qid, "version": 1, "type": "ordering", "title": "Steps", "stem": "Put these in order.",
            "criteria": ["TESTFW/K1"], "items": [{"id": "i1", "text": "Knock"}, {"id": "i2", "text": "Greet"},
                                                 {"id": "i3", "text": "Record"}]}


def test_the_export_form_offers_the_moodle_versions_with_the_lts_chosen(client, tutor):
    page = client.get("/questions/").get_data(as_text=True)
    form = page[page.index('<form method="get" action="/questions/export/summary"'):]
    form = form[:form.index("</form>")]
    assert '<label for="export-moodle-version">For Moodle version</label>' in form
    assert re.findall(r'<option value="([\d.]+)"( selected)?>Moodle \1</option>', form) == [
        (v, " selected" if v == "5.3" else "") for v in ACCEPTED.split(", ")]
    assert ('aria-describedby="export-moodle-version-hint"' in form
            and "Before 4.4, ordering questions become matching questions." in form)


def test_the_summary_for_moodle_43_lists_each_converted_question(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("q1"))
    put_question(tutor.organisation_id, ordering_question())
    response = client.get("/questions/export/summary?format=moodle&moodle_version=4.3")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "<h2 id=\"export-heading\">2 questions in Moodle XML for Moodle 4.3</h2>" in page
    assert "Converted to another question type (1)" in page
    assert ("<li><code>steps</code>: Moodle 4.3 has no ordering question type (core from 4.4): exported as a "
            "matching question, each item matched to its place (1st, 2nd, ...), an equal share of the marks "
            "for each item placed right</li>") in page
    assert ('<a class="button" id="export-download" href="/questions/export?format=moodle&moodle_version=4.3" '
            'download="questions-moodle-4.3.xml">Download questions-moodle-4.3.xml</a>') in page
    later = html.unescape(client.get("/questions/export/summary?format=moodle&moodle_version=4.4")
                          .get_data(as_text=True))
    assert "2 questions in Moodle XML for Moodle 4.4" in later and "Converted" not in later


def test_the_download_for_moodle_43_has_no_ordering_question(client, tutor, put_question):
    put_question(tutor.organisation_id, ordering_question())
    response = client.get("/questions/export?format=moodle&moodle_version=4.3")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=questions-moodle-4.3.xml"
    assert b'<question type="matching">' in response.data and b'type="ordering"' not in response.data
    default = client.get("/questions/export?format=moodle")
    assert default.headers["Content-Disposition"] == "attachment; filename=questions-moodle-5.3.xml"
    assert b'<question type="ordering">' in default.data


def test_an_unknown_moodle_version_is_refused_naming_the_field(client, tutor, put_question):
    put_question(tutor.organisation_id, ordering_question())
    for url in ("/questions/export?format=moodle&moodle_version=3.9",
                "/questions/export/summary?format=moodle&moodle_version=3.9"):
        response = client.get(url)
        assert response.status_code == 400
        assert (f"<li>moodle_version: Moodle version '3.9' is not one this export knows: use one of {ACCEPTED} "
                "(default 5.3, the current LTS)</li>") in html.unescape(response.get_data(as_text=True))
    # other formats have no Moodle version: the form's value is ignored
    assert client.get("/questions/export?format=gift&moodle_version=3.9").status_code == 200
