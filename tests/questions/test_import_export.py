"""Importing a question file through the upload form, and exporting the bank."""
from __future__ import annotations

import io

from tests.questions.conftest import sc_question

AIKEN = b"""Which builds trust?
A. Listening
B. Rushing
ANSWER: A

Which shows respect?
A. Asking first
B. Deciding for them
ANSWER: A
"""

GIFT = b"""::Trust:: Listening builds trust. {TRUE}

::Essay:: Describe consent. {}
"""


def upload(client, data: bytes, name: str, **fields):
    form = {"file": (io.BytesIO(data), name), "format": "auto", "criteria": "", **fields}
    return client.post("/questions/import", data=form, content_type="multipart/form-data")


def test_import_with_default_criteria_stores_everything(client, tutor, stored):
    response = upload(client, AIKEN, "trust.txt", criteria="TESTFW/K1, TESTFW/K2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Imported 2 question(s)" in html and "Format: aiken." in html
    assert "<li>single_choice: 2</li>" in html
    listed = client.get("/questions/").get_data(as_text=True)
    assert "2 questions" in listed


def test_import_without_criteria_stores_nothing_and_says_why(client, tutor):
    response = upload(client, AIKEN, "trust.txt")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html and "carry no criterion reference" in html
    assert "0 questions" in client.get("/questions/").get_data(as_text=True)


def test_dry_run_stores_nothing(client, tutor):
    html = upload(client, GIFT, "q.gift", criteria="TESTFW/K1", dry_run="y").get_data(as_text=True)
    assert "Checked: 2 question(s) would be imported" in html
    assert "0 questions" in client.get("/questions/").get_data(as_text=True)


def test_unreadable_file_is_reported(client, tutor):
    response = upload(client, b"<html>nope</html>", "x.xml")
    assert response.status_code == 422
    assert "neither Moodle XML" in response.get_data(as_text=True)


def test_export_downloads_the_bank(client, tutor, put_question):
    put_question(tutor.organisation_id, sc_question("q1"))
    put_question(tutor.organisation_id, sc_question("q2", criteria=["TESTFW/K2"], title="Other"))
    response = client.get("/questions/export?format=aiken")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=questions-aiken.txt"
    assert response.headers["X-Questions-Exported"] == "2"
    assert response.data.count(b"ANSWER: A") == 2
    one = client.get("/questions/export?format=moodle&criterion=TESTFW/K2")
    assert one.headers["X-Questions-Exported"] == "1" and b"<quiz>" in one.data
    assert client.get("/questions/export?format=word").status_code == 404


def test_reserved_ids_are_refused(client, tutor):
    response = client.post("/questions/new?type=true_false", data={
        "id": "import", "title": "T", "stem": "S", "criteria": ["TESTFW/K1"], "answer": "true"})
    assert response.status_code == 422
    assert "&#39;import&#39; is a page of the question bank" in response.get_data(as_text=True)
