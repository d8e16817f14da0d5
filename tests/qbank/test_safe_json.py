"""question_bank.safe_json: untrusted JSON is parsed within limits, and refusals say what and where."""

import json

import pytest

from question_bank.limits import JSON_MAX_DEPTH
from question_bank.safe_json import JsonInputError, load_json


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_ordinary_json_reads_as_the_standard_parser_reads_it():
    text = json.dumps({"a": [1, 2.5, -3, True, None, "x\"[{y"], "b": {"c": {"d": []}}, "é": "ü"})
    assert load_json(text) == json.loads(text)
    assert load_json(text.encode("utf-8")) == json.loads(text)
    assert load_json(text.encode("utf-16")) == json.loads(text)


def test_nesting_up_to_the_limit_is_fine_one_more_is_refused_with_its_place():
    assert load_json(nested(JSON_MAX_DEPTH)) is not None
    with pytest.raises(JsonInputError) as err:
        load_json('{"a":\n ' + nested(JSON_MAX_DEPTH))
    assert str(err.value) == "nested more than 64 levels deep (line 2, column 65)"


def test_five_thousand_levels_are_refused_not_a_recursion_error():
    with pytest.raises(JsonInputError, match=r"^nested more than 64 levels deep \(line 1, column 65\)$"):
        load_json(nested(5000))
    with pytest.raises(JsonInputError, match="nested more than 64 levels deep"):
        load_json('{"x": ' * 5000)  # never closed


def test_brackets_inside_strings_do_not_count():
    deep_text = '"' + "[" * 5000 + '\\"' + "{" * 5000 + '"'
    assert load_json('{"a": ' + deep_text + "}") == {"a": "[" * 5000 + '"' + "{" * 5000}


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused_with_their_path(literal):
    with pytest.raises(JsonInputError) as err:
        load_json('{"responses": [1, {"value": %s}]}' % literal)
    assert err.value.path == "responses[1].value"
    assert str(err.value) == f"responses[1].value: {literal} is not allowed: JSON numbers are finite"


def test_overflowing_numbers_are_refused():
    with pytest.raises(JsonInputError, match=r"^active_seconds: 1e999 is too large a number$"):
        load_json('{"active_seconds": 1e999}')
    with pytest.raises(JsonInputError, match=r"^index: 99999999999999999999 is too large an integer"):
        load_json('{"index": 99999999999999999999}')
    with pytest.raises(JsonInputError, match=r"^\[0\]: 1{40} is too large an integer"):
        load_json("[" + "1" * 5000 + "]")
    assert load_json('{"big": 9223372036854775807, "s": "99999999999999999999"}') == {
        "big": 9223372036854775807, "s": "99999999999999999999"}


def test_syntax_errors_name_line_and_column():
    with pytest.raises(JsonInputError) as err:
        load_json('{\n  "a": 1,\n}')
    assert str(err.value) == "not JSON: Expecting property name enclosed in double quotes (line 3, column 1)"
    with pytest.raises(JsonInputError, match=r"^not JSON: the bytes are not UTF-8 text \(byte 7\)$"):
        load_json(b'{"a": "\xff"}')
    with pytest.raises(JsonInputError, match="^not JSON: Unterminated string"):
        load_json('"' + "a" * 100_000)


def test_deep_unbalanced_text_is_refused_where_it_goes_too_deep():
    with pytest.raises(JsonInputError, match=r"^nested more than 64 levels deep \(line 1, column 80\)$"):
        load_json('{"description": ' + "[" * 5000 + "}")
    with pytest.raises(JsonInputError, match="^not JSON: Unterminated string"):
        load_json('["' + "[" * 5000)
