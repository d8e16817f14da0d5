"""Importing a question file through the upload form, and exporting the bank."""
from __future__ import annotations

import io
import re

from werkzeug.datastructures import MultiDict

from tests.questions.conftest import sc_question
from tests.questions.test_roundtrip import submitted

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


def import_job(client, data: bytes, name: str, **fields):
    """Upload a file: the import is a job, so the answer is 303 to the job's page; that page
    (the tests run jobs at once) shows what the import did."""
    response = upload(client, data, name, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}", response.headers["Location"])
    return client.get(response.headers["Location"])


def test_import_with_default_criteria_stores_everything(client, tutor, stored):
    response = import_job(client, AIKEN, "trust.txt", criteria="TESTFW/K1, TESTFW/K2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Imported 2 question(s)" in html and "Format: aiken." in html
    assert "<li>single_choice: 2</li>" in html
    listed = client.get("/questions/").get_data(as_text=True)
    assert "2 questions" in listed


def test_import_without_criteria_keeps_them_unmapped_for_a_tutor_to_map(client, tutor, stored):
    response = import_job(client, AIKEN, "trust.txt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Imported 2 question(s)" in html
    assert ("2 question(s) carry no criterion reference (Which-builds-trust, Which-shows-respect): "
            "they are kept as &#39;not mapped&#39;") in html
    listed = client.get("/questions/").get_data(as_text=True)
    assert "2 questions" in listed and listed.count('<strong class="unmapped">Not mapped</strong>') == 2
    assert "2 questions are not mapped to a criterion yet" in listed
    only = client.get("/questions/?unmapped=1").get_data(as_text=True)
    assert "2 questions" in only and 'id="unmapped-notice"' not in only
    detail = client.get("/questions/Which-builds-trust").get_data(as_text=True)
    assert "no quiz can use this question until you" in detail
    # trying it in the preview marks it like any other question
    tried = client.post("/questions/Which-builds-trust/preview", data={"r": "a"})
    assert tried.status_code == 200 and "Score 1 out of 1" in tried.get_data(as_text=True)
    # saving the edit form as it stands is refused (it needs a criterion); adding one maps it
    form = submitted(client.get("/questions/Which-builds-trust/edit").get_data(as_text=True))
    refused = client.post("/questions/Which-builds-trust/edit", data=MultiDict(form))
    assert refused.status_code == 422
    assert "Choose at least one criterion this question evidences." in refused.get_data(as_text=True)
    saved = client.post("/questions/Which-builds-trust/edit", data=MultiDict(form + [("criteria", "TESTFW/K1")]))
    assert saved.status_code == 302
    assert stored("Which-builds-trust")[0]["data"]["criteria"] == ["TESTFW/K1"]
    assert "1 question is not mapped to a criterion yet" in client.get("/questions/").get_data(as_text=True)


def test_dry_run_stores_nothing(client, tutor):
    html = import_job(client, GIFT, "q.gift", criteria="TESTFW/K1", dry_run="y").get_data(as_text=True)
    assert "Checked: 2 question(s) would be imported" in html
    assert "0 questions" in client.get("/questions/").get_data(as_text=True)


def test_unreadable_file_is_reported(client, tutor):
    # The job page of a failed import: found (200), saying nothing was imported and why.
    response = import_job(client, b"<html>nope</html>", "x.xml")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html and "neither Moodle XML" in html


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
