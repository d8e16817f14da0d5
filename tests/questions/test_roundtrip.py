"""Opening a stored question in the edit form and saving it unchanged stores the same question
(the form shows everything a question holds), for every type."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from tests.questions.test_forms import CASES
from tests.questions.test_preview_and_access import scenario


class FormValues(HTMLParser):
    """What a browser would submit from the question form (without pressing a row button)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "question-form" in (a.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            elif a.get("type") != "search":
                self.values.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values.append((a["name"], ""))
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.values.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form":
            self._in_form = False


def submitted(html: str) -> list[tuple[str, str]]:
    parser = FormValues()
    parser.feed(html)
    # Textareas drop one leading newline, as browsers do.
    return [(k, v[1:] if v.startswith("\n") else v) for k, v in parser.values if k != "_save"]


def stored_question(type_name: str) -> dict:
    if type_name == "scenario":
        q = scenario()
        q["steps"][0]["question"]["difficulty"] = "hard"
        q["steps"][1]["question"]["tags"] = ["family"]
        return q
    _, body = CASES[type_name]
    q = {"id": "rt", "version": 1, "type": type_name, "title": "Round trip", "stem": "Which builds trust?",
         "points": 2.5, "criteria": ["TESTFW/K1", "TESTFW/K2"], "difficulty": "hard", "tags": ["a", "b"],
         "general_feedback": "General.", **body}
    return q


@pytest.mark.parametrize("type_name", sorted(CASES) + ["scenario"])
def test_saving_the_edit_form_unchanged_keeps_the_question(client, tutor, put_question, stored, type_name):
    question = stored_question(type_name)
    put_question(tutor.organisation_id, question, in_use=True)
    before = stored(question["id"])[0]["data"]
    html = client.get(f"/questions/{question['id']}/edit").get_data(as_text=True)
    response = client.post(f"/questions/{question['id']}/edit", data=MultiDict(submitted(html)))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    versions = stored(question["id"])
    assert len(versions) == 1, "an unchanged question must not make a new version"
    assert versions[0]["data"] == before
