"""Bad input gets a UnitError naming the source and the line."""

import pytest

from course.units import UnitError, parse_unit, parse_unit_file

NOS = """\
Overview
This standard identifies the requirements when you check things.

Performance criteria
1. check the first thing
2. check the second thing
3. check the third thing

Knowledge and understanding
1. why things are checked
"""


def error_of(text, **kwargs):
    with pytest.raises(UnitError) as caught:
        parse_unit(text, source="unit.txt", **kwargs)
    return caught.value


def test_the_small_unit_itself_parses():
    f = parse_unit(NOS)
    assert [c["code"] for o in f["outcomes"] for c in o["criteria"]] == ["P1", "P2", "P3", "K1"]
    assert f["title"] == "Check things"
    assert f["code"] == "NOS-CT"


@pytest.mark.parametrize("text", ["", "\n\n", "  \t\r\n \u00a0\n"])
def test_empty_document(text):
    error = error_of(text)
    assert (error.source, error.line) == ("unit.txt", None)
    assert str(error) == "unit.txt: empty document"


def test_nul_in_text_names_its_line():
    error = error_of("Overview\nfine line\nbad\x00line\n")
    assert error.line == 3
    assert str(error) == "unit.txt:3: binary data (character U+0000), not text"


def test_binary_file_names_its_line(tmp_path):
    path = tmp_path / "unit.pdf"
    path.write_bytes(b"%PDF-1.7\nstream\n\x00\x01\x02\xff")
    with pytest.raises(UnitError) as caught:
        parse_unit_file(path)
    assert (caught.value.source, caught.value.line) == (str(path), 3)
    assert str(caught.value) == f"{path}:3: binary data (NUL byte), not text"


def test_undecodable_file(tmp_path):
    path = tmp_path / "unit.txt"
    path.write_bytes(b"Overview\n\x81\x8d bytes no code page defines\n")
    with pytest.raises(UnitError) as caught:
        parse_unit_file(path)
    assert caught.value.line == 2
    assert "neither UTF-8 nor Windows-1252" in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(UnitError) as caught:
        parse_unit_file(tmp_path / "nope.txt")
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{tmp_path / 'nope.txt'}: cannot read the file")


def test_text_that_is_not_a_unit():
    error = error_of("Dear colleague,\n\nPlease find the minutes of the meeting attached.\n")
    assert error.line is None
    assert str(error) == "unit.txt: no criteria found: not a unit document"


def test_duplicate_numbered_criterion():
    error = error_of(NOS.replace("3. check the third", "2. check the third"))
    assert error.line == 7
    assert str(error) == "unit.txt:7: duplicate criterion code P2 (first on line 6)"


def test_duplicate_coded_criterion():
    text = "Rights\nK1 one thing\nK2 another\nK2 again\n"
    error = error_of(text)
    assert error.line == 4
    assert "duplicate criterion code K2 (first on line 3)" in str(error)


def test_numbering_gap_is_a_lost_item():
    error = error_of(NOS.replace("2. check the second thing\n", ""))
    assert error.line == 6
    assert str(error) == ("unit.txt:6: criterion P3 found where P2 was expected: numbering gap or "
                          "lost item")


def test_lost_item_number_is_caught_by_the_numbering():
    # The unnumbered line reads as a wrapped part of P1; P3 then shows the gap.
    error = error_of(NOS.replace("2. check the second", "check the second"))
    assert error.line == 7
    assert "criterion P3 found where P2 was expected" in str(error)


def test_lost_first_item_number_leaves_orphan_text():
    error = error_of(NOS.replace("1. check the first", "check the first"))
    assert error.line == 5
    assert str(error) == ("unit.txt:5: text outside any criterion (a lost item number?): "
                          "'check the first thing'")


QCF = """\
Unit aim
It provides the learner with the knowledge and skills required to check things.

Assessment Criteria
Outcome 1 Understand checks
The learner can:
1. explain checks
2. describe checks
Outcome 2 Be able to check
The learner can:
1. check things
"""


def test_the_small_qcf_unit_itself_parses():
    f = parse_unit(QCF)
    assert [c["code"] for o in f["outcomes"] for c in o["criteria"]] == ["1.1", "1.2", "2.1"]
    assert f["title"] == "Check things"


def test_qcf_duplicate_outcome():
    error = error_of(QCF.replace("Outcome 2", "Outcome 1"))
    assert error.line == 9
    assert str(error) == "unit.txt:9: duplicate learning outcome 1"


def test_qcf_missing_outcome():
    error = error_of(QCF.replace("Outcome 2", "Outcome 3"))
    assert str(error) == "unit.txt:9: learning outcome 3 found where 2 was expected"


def test_qcf_criterion_gap():
    error = error_of(QCF.replace("2. describe", "3. describe"))
    assert str(error) == ("unit.txt:8: criterion 1.3 found where 1.2 was expected: numbering gap "
                          "or lost item")


def test_qcf_dotted_criterion_under_the_wrong_outcome():
    error = error_of(QCF.replace("1. check things", "1.3 check things"))
    assert error.line == 11
    assert "criterion 1.3 is not under its learning outcome" in str(error)


def test_qcf_outcome_without_criteria():
    error = error_of(QCF + "Outcome 3 Be able to report\nThe learner can:\n")
    assert error.line == 12
    assert "learning outcome 3 has no criteria" in str(error)


def test_qcf_assessment_naming_an_outcome_the_unit_lacks():
    text = QCF.replace("Assessment Criteria", "Assessment\nLearning outcomes 2 and 4 must be "
                       "assessed in a real work environment.\n\nAssessment Criteria")
    error = error_of(text)
    assert "names learning outcome 4" in str(error)


def test_unreadable_date_names_its_line():
    text = NOS + "\nChecking things\nDeveloped by Someone\nDate Approved sometime soon\n"
    error = error_of(text)
    assert error.line == 14
    assert str(error) == "unit.txt:14: cannot read the date 'sometime soon'"


def test_invalid_code_argument():
    error = error_of(NOS, code="has spaces")
    assert str(error) == "unit.txt: code 'has spaces' is not a valid identifier"


def test_bytes_are_refused_by_parse_unit():
    with pytest.raises(TypeError):
        parse_unit(b"Overview\n")  # type: ignore[arg-type]


def test_a_file_over_2_mib_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"\n" * (2 * 1024 * 1024 + 1))
    with pytest.raises(UnitError) as caught:
        parse_unit_file(path)
    assert str(caught.value) == f"{path}: the file is 2,097,153 bytes; the limit is 2 MiB: a unit document is plain text"
    assert caught.value.line is None
