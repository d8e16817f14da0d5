"""Question files over their limits are refused by size (unread past the limit) or by count,
through the upload form, the command line and the importers, and nothing is stored."""
from __future__ import annotations

import io

import pytest

from question_bank.formats import FormatError, import_gift
from tests.questions.test_import_export import import_job, upload

LIMIT = 16 * 1024 * 1024  # a question file: 16 MiB


def gift_of(size: int) -> bytes:
    """A GIFT file of exactly ``size`` bytes: one question, then comment lines."""
    head = b"::Trust:: Listening builds trust. {TRUE}\n"
    return head + b"// padding\n" * ((size - len(head)) // 11) + b"\n" * ((size - len(head)) % 11)


def moodle_of(size: int) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    tail = b"</quiz>\n"
    return head + b" " * (size - len(head) - len(tail)) + tail


def question_count(client) -> str:
    return "0 questions" if "0 questions" in client.get("/questions/").get_data(as_text=True) else "some"


@pytest.mark.parametrize("name,data", [("big.gift", gift_of(LIMIT + 1)), ("big.xml", moodle_of(LIMIT + 1))])
def test_the_upload_form_refuses_a_file_over_16_mib(client, tutor, name, data):
    response = upload(client, data, name, criteria="TESTFW/K1")
    assert response.status_code == 422
    assert "The file is larger than 16 MiB, the limit for a question file." in response.get_data(as_text=True)
    assert question_count(client) == "0 questions"


def test_a_request_far_over_the_limit_is_413_before_it_is_read(client, tutor):
    response = upload(client, moodle_of(40 * 1024 * 1024), "huge.xml")
    assert response.status_code == 413
    assert "The upload is too large. This page takes at most 17 MiB." in response.get_data(as_text=True)
    assert question_count(client) == "0 questions"


def test_the_command_refuses_a_file_over_16_mib_unread(app, tmp_path):
    from course.bank.commands import register_commands

    register_commands(app.cli)
    path = tmp_path / "big.gift"
    path.write_bytes(gift_of(LIMIT + 1))
    result = app.test_cli_runner().invoke(args=["import-questions", str(path), "--criterion", "TESTFW/K1", "--wait"])
    assert result.exit_code == 1
    assert result.stderr == f"error: {path}: file is 16,777,217 bytes; the limit is 16 MiB\n"


def test_a_file_of_more_than_5000_questions_is_refused_at_the_5001st():
    data = "".join(f"::Q{n}:: Statement {n} is true. {{TRUE}}\n\n" for n in range(5001)).encode()
    with pytest.raises(FormatError) as err:
        import_gift(data, source="many.gift")
    assert str(err.value) == ("many.gift: question 'Q5000' (line 10001): more than 5,000 questions in one file; "
                              "split it and import the parts")


def test_an_inline_image_does_not_count_against_the_stem_limit(client, tutor):
    import base64

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60_000  # its base64 alone is longer than a stem may be
    stem = f'<p>Look <img src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="dot"></p>'
    data = f"::Picture:: [html]{stem} {{TRUE}}\n".encode()
    response = import_job(client, data, "picture.gift", criteria="TESTFW/K1")
    assert "Imported 1 question(s)" in response.get_data(as_text=True), response.get_data(as_text=True)[-2000:]
    assert "Picture" in client.get("/questions/").get_data(as_text=True)
