"""RQF units: the two fixture units (plain text and Markdown), other ways awarding bodies print
the same layout, and bad input (every error names what is wrong and where)."""
from __future__ import annotations

from pathlib import Path

import pytest

from course.units import UnitError, parse_unit, parse_unit_file

FIXTURES = Path(__file__).parent / "fixtures"
PERSON_CENTRED = FIXTURES / "rqf_person_centred.txt"
EAT_AND_DRINK = FIXTURES / "rqf_eat_and_drink.md"


def criteria(f: dict) -> list[tuple[str, str, str, bool]]:
    """(code, text, kind, workplace) of every criterion, in order."""
    return [(c["code"], c["text"], c["kind"], c["workplace"]) for o in f["outcomes"] for c in o["criteria"]]


PERSON_CENTRED_CRITERIA = [
    ("1.1", "Explain how person-centred values should influence every part of care work", "knowledge", False),
    ("1.2", "Describe how a care and support plan records an individual's history, preferences, wishes and "
            "needs", "knowledge", False),
    ("1.3", "Analyse how to use feedback from individuals and others to improve person-centred care, within "
            "their own role and responsibilities", "knowledge", False),
    ("2.1", "Find out the history, preferences, wishes and needs of the individual", "performance", True),
    ("2.2", "Put the individual's preferences into practice in day-to-day support, adapting it as their needs "
            "change", "performance", True),
    ("2.3", "Support the individual to take part in reviewing their care and support plan", "performance", True),
    ("3.1", "Establish consent for an activity or action, in line with the Mental Capacity Act 2005",
     "performance", True),
    ("3.2", "Explain what steps to take if consent cannot be readily established", "performance", True),
    ("4.1", "Support an individual to identify what wellbeing means to them", "performance", True),
    ("4.2", "Contribute to an environment that promotes the individual's wellbeing and sense of identity",
     "performance", True),
]


def test_person_centred_unit_in_plain_text():
    f = parse_unit_file(PERSON_CENTRED)
    assert (f["kind"], f["code"], f["urn"]) == ("rqf", "R-650-2231", "R/650/2231")
    assert f["title"] == "Promote person-centred practice in adult care settings"
    assert (f["level"], f["glh"], f["credit"], f["tqt"]) == ("3", 39, 6, 60)
    assert f["overview"].startswith("This unit is about the knowledge and skills a care worker needs")
    assert f["overview"].endswith("plan and review their support, and establishing consent.")
    assert [(o["code"], o["title"], o["kind"]) for o in f["outcomes"]] == [
        ("1", "Understand how person-centred values shape care and support", "knowledge"),
        ("2", "Be able to work with individuals in a person-centred way", "performance"),
        ("3", "Be able to establish consent when providing care or support", "performance"),
        ("4", "Demonstrate ways of recognising and promoting individuals' wellbeing", "performance"),
    ]
    assert criteria(f) == PERSON_CENTRED_CRITERIA
    assert f["guidance"] == ("Individual means the person requiring care or support.\nOthers may include:\n"
                             "  - family and friends\n  - advocates\n  - colleagues and other professionals")
    assert (f["version"], f["suite"], f["keywords"], f["scope"], f["linked_standards"]) == (None, None, [], None, None)


def test_eat_and_drink_unit_in_markdown_tables_gives_only_credit():
    f = parse_unit_file(EAT_AND_DRINK)
    assert (f["kind"], f["code"], f["urn"]) == ("rqf", "T-601-8291", "T/601/8291")  # an older QCF number
    assert f["title"] == "Support individuals to eat and drink safely"
    assert (f["level"], f["glh"], f["credit"]) == ("2", 15, 2)
    assert "tqt" not in f  # not given: the app shows credit x 10, the JSON keeps only what was printed
    assert [(o["code"], o["kind"]) for o in f["outcomes"]] == [
        ("1", "knowledge"), ("2", "performance"), ("3", "performance")]
    assert criteria(f) == [
        ("1.1", "Outline the main food groups and why a balanced diet matters", "knowledge", False),
        ("1.2", "Describe signs that an individual may not be eating or drinking enough", "knowledge", False),
        ("2.1", "Find out the individual's preferences, including cultural and religious needs", "performance", True),
        ("2.2", "Use suitable ways to help the individual make an informed choice", "performance", True),
        ("3.1", "Position the individual safely and comfortably to eat and drink", "performance", True),
        ("3.2", "Provide the level of support agreed in the care plan, promoting independence", "performance", True),
        ("3.3", "Report any difficulties with swallowing in line with agreed ways of working", "performance", True),
    ]
    assert f["overview"].startswith("This unit covers the knowledge and skills needed")


def test_encodings_and_the_code_argument(tmp_path):
    text = PERSON_CENTRED.read_text(encoding="utf-8").replace("individual's", "individual\u2019s")
    expected = parse_unit(text)
    for name, data in (("cp1252.txt", text.encode("cp1252")), ("utf16.txt", text.encode("utf-16")),
                       ("bom.txt", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))):
        (tmp_path / name).write_bytes(data)
        assert parse_unit_file(tmp_path / name) == expected, name
    assert expected["outcomes"][1]["criteria"][1]["text"].startswith("Put the individual\u2019s preferences")
    mine = parse_unit_file(PERSON_CENTRED, code="PCP-L3")
    assert (mine["code"], mine["urn"]) == ("PCP-L3", "R/650/2231")


# The same unit as another awarding body prints it: "Learning outcome N:" headings, the fields as
# a flattened Word table (tab-separated, or the value on the line under its label), a page header
# in the middle of a wrapped criterion, "LO2 to LO4 ... in the workplace".
OTHER_LAYOUT = """\
Promote person-centred practice in adult care settings
Unit reference number
R/650/2231
Level\t3
Credit value\t6
GLH\t39
TQT\t60

Unit summary
This unit is about the knowledge and skills a care worker needs to put person-centred values
into practice: finding out what matters to each individual, working with them to plan and
review their support, and establishing consent.

Learning outcome 1: The learner will: Understand how person-centred values shape care and
support
The learner can:
1.1 Explain how person-centred values should influence every part of care work
1.2 Describe how a care and support plan records an individual's history, preferences, wishes
and needs
1.3 Analyse how to use feedback from individuals and others to improve person-centred care,

Promote person-centred practice in adult care settings
R/650/2231
Page 1 of 2

within their own role and responsibilities
Learning outcome 2: Be able to work with individuals in a person-centred way
The learner can:
2.1 Find out the history, preferences, wishes and needs of the individual
2.2 Put the individual's preferences into practice in day-to-day support, adapting it as
their needs change
2.3 Support the individual to take part in reviewing their care and support plan
Learning outcome 3: Be able to establish consent when providing care or support
The learner can:
3.1 Establish consent for an activity or action, in line with the Mental Capacity Act 2005
3.2 Explain what steps to take if consent cannot be readily established
Learning outcome 4
The learner will:
Demonstrate ways of recognising and promoting individuals' wellbeing
The learner can:
4.1
Support an individual to identify what wellbeing means to them
4.2 Contribute to an environment that promotes the individual's wellbeing and sense of identity

Assessment guidance
LO2 to LO4 must be assessed in the workplace.
"""


def test_other_layout_reads_the_same():
    f = parse_unit(OTHER_LAYOUT)
    fixture = parse_unit_file(PERSON_CENTRED)
    assert criteria(f) == PERSON_CENTRED_CRITERIA
    assert [o["title"] for o in f["outcomes"]] == [o["title"] for o in fixture["outcomes"]]
    for key in ("kind", "code", "title", "urn", "level", "glh", "credit", "tqt", "overview"):
        assert f[key] == fixture[key], key


def test_outcome_list_before_the_table_entry_level_and_all_outcomes_at_work():
    text = """\
Unit title: Understand and support hydration
Unit reference number: Y/650/0007
Level: Entry 3
Credit value: 1

Learning outcomes
The learner will:
1 Know why drinking enough matters
2 Be able to encourage an individual to drink

Assessment
This unit must be assessed in line with the assessment principles. All learning outcomes must be
assessed in a real work environment.

Learning outcomes and assessment criteria
The learner will:
1 Know why drinking enough matters
The learner can:
1.1 List signs of dehydration
2 Be able to encourage an individual to drink
The learner can:
2.1 Offer drinks the individual prefers
"""
    f = parse_unit(text)
    assert f["level"] == "Entry 3" and f["credit"] == 1 and "tqt" not in f and f["glh"] is None
    assert criteria(f) == [("1.1", "List signs of dehydration", "knowledge", True),
                           ("2.1", "Offer drinks the individual prefers", "performance", True)]


def test_qcf_and_nos_documents_are_not_read_as_rqf(seed_text):
    """Level and credit fields, an awarding body's own unit number, a URN alone, or a QCF unit's
    "Outcome N" headings (whatever reference it gives) keep a document with the QCF parser."""
    qcf = seed_text("001")
    for header in ("Unit number: 301\nLevel: 3\nCredit value: 3\n", "URN: F/601/8135\n",
                   "Unit reference number: F/601/8135\nTotal qualification time: 40\n"):
        f = parse_unit(header + "\n" + qcf)
        assert f["kind"] == "qcf" and "level" not in f
        if not header.startswith("URN"):
            assert f == parse_unit(qcf)
    assert parse_unit("URN: F/601/8135\n\n" + qcf)["code"] == "F-601-8135"
    assert parse_unit(seed_text("000"))["kind"] == "nos"


def test_learning_outcome_layout_with_a_reference_number_is_rqf():
    """The "Learning outcome N:" layout reads the same as RQF, with the figures QCF ignored."""
    from tests.units.test_parser_variants import MEDICATION_QCF

    text = MEDICATION_QCF.replace("1.3 this line is deliberately not here\n", (
        "2.1 describe common types of medication and their effects\n\n"
        "Learning outcome 3: Be able to prepare medication safely\nThe learner can:\n"
        "3.1 check the medication administration record\n"))
    qcf = parse_unit(text)
    rqf = parse_unit(text.replace("Level: 3\n", "Level: 3\nUnit reference number: J/601/9960\n"))
    assert (qcf["kind"], rqf["kind"], rqf["code"], rqf["urn"]) == ("qcf", "rqf", "J-601-9960", "J/601/9960")
    assert (rqf["level"], rqf["credit"], rqf["glh"], "tqt" in rqf) == ("3", 3, 22, False)
    assert rqf["outcomes"] == qcf["outcomes"] and rqf["title"] == qcf["title"]
    assert criteria(rqf)[-1] == ("3.1", "check the medication administration record", "performance", True)


BASE = PERSON_CENTRED.read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "line", "message"), [
    (("Unit reference number: R/650/2231", "Unit reference number: R/650/223"), 2,
     "unit reference number 'R/650/223' is not an Ofqual unit reference (a letter, 3 digits and 4 digits, "
     "such as R/650/2231)"),
    (("Unit reference number: R/650/2231", "Unit reference number: 650/2231/R"), 2,
     "unit reference number '650/2231/R' is not an Ofqual unit reference"),
    (("1 Understand how person-centred values shape care and support\n", ""), 20,
     "criterion 1.1 is under no learning outcome: learning outcome 1 is not given before it"),
    (("2 Be able to work with individuals in a person-centred way\n", ""), 33,
     "criterion 2.1 is under no learning outcome: learning outcome 2 is not given before it"),
    (("3.2 Explain what steps", "2.4 Explain what steps"), 50,
     "criterion 2.4 is not under its learning outcome (it follows learning outcome 3)"),
    (("2.3 Support the individual", "2.4 Support the individual"), 37,
     "criterion 2.4 found where 2.3 was expected"),
    (("2.3 Support the individual", "2.2 Support the individual"), 37, "duplicate criterion 2.2"),
    (("4 Demonstrate ways", "5 Demonstrate ways"), 54, "learning outcome 5 found where 4 was expected"),
    (("Level: 3", "Level: 9"), 3, "level '9' is not an RQF level (Entry 1 to 3, or 1 to 8)"),
    (("Credit value: 6", "Credit value: six"), 5, "the credit value 'six' is not a whole number"),
    (("Total qualification time: 60", "Total qualification time: 30"), 6,
     "the total qualification time (30) is less than the guided learning hours (39): TQT includes GLH"),
    (("Level: 3", "Level: 3\nLevel: 4"), 4, "the level given twice: '3' on line 3, '4' here"),
    (("Capacity Act 2005\n", "Capacity Act 2005\n\nSee the code of practice.\n"), 51,
     "unexpected text in learning outcome 3: 'See the code of practice.'"),
    (("4.1 Support an individual to identify what wellbeing means to them\n"
      "4.2 Contribute to an environment that promotes the individual's wellbeing\nand sense of identity\n", ""),
     54, "learning outcome 4 has no assessment criteria"),
    (("2, 3 and 4 must", "2, 3 and 7 must"), None,
     "the assessment section names learning outcome 7, which the unit does not have"),
    (("Unit reference number: R/650/2231\n", ""), None,
     "no unit reference number: an RQF unit gives one (a letter, 3 digits and 4 digits, such as R/650/2231), "
     "e.g. 'Unit reference number: R/650/2231'"),
])
def test_bad_input_names_what_and_where(change, line, message):
    old, new = change
    assert old in BASE
    with pytest.raises(UnitError) as caught:
        parse_unit(BASE.replace(old, new, 1), source="unit.txt")
    assert caught.value.line == line
    assert caught.value.reason.startswith(message), caught.value.reason
    where = f"unit.txt:{line}" if line is not None else "unit.txt"
    assert str(caught.value).startswith(f"{where}: {message}")


def test_criterion_without_text_and_no_outcomes():
    with pytest.raises(UnitError, match=r"^u:21: criterion 1.1 has no text$"):
        parse_unit(BASE.replace("1.1 Explain how person-centred values should influence every part of care\nwork\n",
                                "1.1\n"), source="u")
    with pytest.raises(UnitError, match=r"^u: no learning outcomes found"):
        parse_unit("Unit reference number: R/650/2231\nUnit title: Nothing here\n", source="u")
