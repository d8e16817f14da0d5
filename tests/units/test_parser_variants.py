"""The parser is general: transformed seeds and units written from scratch parse as expected."""

import re

import pytest

from course.units import UnitError, parse_unit, parse_unit_file
from course.units.parser import derive_code, infer_title

SEEDS = ["000", "001", "002", "003", "004"]
STRUCTURE_KEYS = ["kind", "code", "title", "urn", "version", "date_approved", "review_date",
                  "suite", "keywords", "overview", "glh", "linked_standards", "outcomes"]


def structure(framework):
    return {key: framework[key] for key in STRUCTURE_KEYS}


def codes(framework):
    return [c["code"] for o in framework["outcomes"] for c in o["criteria"]]


@pytest.mark.parametrize("number", SEEDS)
def test_crlf_line_endings_change_nothing(seed_text, number):
    text = seed_text(number)
    assert parse_unit(text.replace("\n", "\r\n")) == parse_unit(text)


@pytest.mark.parametrize("number", SEEDS)
def test_old_mac_line_endings_change_nothing(seed_text, number):
    text = seed_text(number)
    assert parse_unit(text.replace("\n", "\r")) == parse_unit(text)


@pytest.mark.parametrize("number", SEEDS)
def test_extra_blank_lines_keep_the_structure(seed_text, number):
    text = seed_text(number)
    spaced = "\n\n\n".join(text.split("\n"))
    assert structure(parse_unit(spaced)) == structure(parse_unit(text))


@pytest.mark.parametrize("number", SEEDS)
def test_tabs_nbsp_and_doubled_spaces_change_nothing(seed_text, number):
    text = seed_text(number)
    messy = "\n".join(
        line.replace(" ", "\u00a0 ", 3).replace(" the ", "  the\t") + " \t"
        for line in text.split("\n")
    )
    assert messy != text
    assert structure(parse_unit(messy)) == structure(parse_unit(text))


@pytest.mark.parametrize("number", SEEDS)
def test_encodings_of_a_file(tmp_path, seed_text, number):
    text = seed_text(number)
    expected = parse_unit(text)
    for name, data in [
        ("bom.txt", "\ufeff".encode() + text.encode("utf-8")),
        ("utf16.txt", text.encode("utf-16")),
        ("cp1252.txt", text.encode("cp1252")),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        assert parse_unit_file(path) == expected, name


def _insert_header_mid_item(text, item_start, header_lines):
    """Break the line starting with ``item_start`` after its fifth word with a page header."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(item_start))
    words = lines[index].split(" ")
    lines[index:index + 1] = [" ".join(words[:5]), "", *header_lines, "", " ".join(words[5:])]
    return "\n".join(lines)


@pytest.mark.parametrize("number,items", [
    ("000", ["5. encourage", "14. the importance", "- 23. how your"]),
    ("004", ["2. support those", "7. the role those", "21. the role"]),
])
def test_page_headers_elsewhere_are_dropped(seed_text, number, items):
    text = seed_text(number)
    expected = parse_unit(text)
    title, urn = expected["title"], expected["urn"]
    headers = [title, "", "---"]
    varied = f"{title}\n\n---\n\n{urn}\n\n" + text
    for item in items:
        varied = _insert_header_mid_item(varied, item, headers)
    varied = _insert_header_mid_item(varied, "3. ", [urn, "", "Page 2 of 4"])
    assert varied.count(title) == text.count(title) + 4
    assert parse_unit(varied) == expected


def test_page_header_inside_a_qcf_criterion(seed_text):
    text = seed_text("001")
    expected = parse_unit(text)
    varied = _insert_header_mid_item(text, "2. establish with an individual the type and level of "
                                           "support needed to develop", ["---", "Page 3"])
    assert parse_unit(varied) == expected


def test_knowledge_before_performance_in_the_2026_format(seed_text):
    text = seed_text("000")
    perf_at = text.index("## Performance criteria")
    know_at = text.index("## Knowledge and understanding")
    gloss_at = text.index("## Glossary")
    swapped = (text[:perf_at] + text[know_at:gloss_at] + text[perf_at:know_at]
               + text[gloss_at:])
    f = parse_unit(swapped)
    original = parse_unit(text)
    assert [(o["code"], o["title"]) for o in f["outcomes"]] == [
        ("K.1", "Knowledge and understanding"), ("P.1", "Performance criteria")]
    assert f["outcomes"][0]["criteria"] == original["outcomes"][1]["criteria"]
    assert f["outcomes"][1]["criteria"] == original["outcomes"][0]["criteria"]


def test_knowledge_groups_before_performance_sections_in_the_older_format(seed_text):
    text = seed_text("002")
    lines = text.split("\n")
    p_start = 1
    k_start = next(i for i, line in enumerate(lines) if line.strip() == "Rights")
    scope = next(i for i, line in enumerate(lines) if line.strip().startswith("Scope/range"))
    swapped = "\n".join(lines[:p_start] + lines[k_start:scope] + lines[p_start:k_start]
                        + lines[scope:])
    f = parse_unit(swapped)
    original = parse_unit(text)
    assert [o["code"] for o in f["outcomes"]] == (
        [f"K.{n}" for n in range(1, 10)] + [f"P.{n}" for n in range(1, 5)])
    assert f["outcomes"] == original["outcomes"][4:] + original["outcomes"][:4]
    assert f["title"] == "Promote effective relationships with individuals"


def test_qcf_with_dotted_codes_and_learning_outcome_headings(seed_text):
    """001 rewritten in the "Learning outcome N:" / "1.1" style gives the same framework."""
    text = seed_text("001")
    head, criteria_part = text.split(" Assessment Criteria", 1)
    outcome = 0
    out = []
    for line in criteria_part.split("\n"):
        match = re.match(r"^Outcome (\d) (.*)$", line)
        if match:
            outcome = int(match[1])
            line = f"Learning outcome {outcome}: {match[2]}"
        else:
            line = re.sub(r"^(\d)\. ", lambda m: f"{outcome}.{m[1]} ", line)
        out.append(line)
    rewritten = head + " Assessment Criteria" + "\n".join(out)
    assert "\n1.3 explain how" in rewritten and "Learning outcome 5: Be able" in rewritten
    assert parse_unit(rewritten) == parse_unit(text)


MEDICATION_QCF = """\
Unit title: Handle medication in social care settings
Level: 3
Credit value: 3

Unit aim
The purpose of this unit is to assess the learner\u2019s knowledge, understanding and skills
required to handle medication in social care settings.

Learning outcomes
The learner will:
1. Understand legislation that applies to medication
2. Know the common types of medication
3. Be able to prepare medication safely

Guided learning hours
It is recommended that 22 hours should be allocated for this unit.

Assessment
Learning outcome 3 must be assessed in a real work environment.

Assessment criteria

Learning outcome 1: Understand legislation and guidance
that applies to medication
The learner can:
1.1 identify current legislation that applies to medication
1.2 outline the main points of agreed ways of working

Learning outcome 2: Know the common types of medication
The learner can:
1.3 this line is deliberately not here
"""


def test_qcf_written_from_scratch_with_three_outcomes():
    text = MEDICATION_QCF.replace("1.3 this line is deliberately not here\n", """\
2.1 describe common types of medication and their effects
2.2 explain the differences between prescribed and
over-the-counter medication
2.3 describe how medication can be stored safely

Handle medication in social care settings

Learning outcome 3: Be able to prepare medication safely
The learner can:
3.1 check the medication administration record in line with the
Mental Capacity Act 2005 and agreed ways of working
3.2 prepare medication for administration.

Additional guidance
\u2022 Agreed ways of working include policies and procedures
""")
    f = parse_unit(text)
    assert f["kind"] == "qcf"
    assert f["title"] == "Handle medication in social care settings"
    assert f["code"] == "QCF-HMSCS"
    assert f["glh"] == 22
    assert f["overview"] == (
        "The purpose of this unit is to assess the learner\u2019s knowledge, understanding and "
        "skills required to handle medication in social care settings.")
    assert [(o["code"], o["title"], o["kind"]) for o in f["outcomes"]] == [
        ("1", "Understand legislation and guidance that applies to medication", "knowledge"),
        ("2", "Know the common types of medication", "knowledge"),
        ("3", "Be able to prepare medication safely", "performance"),
    ]
    assert codes(f) == ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2"]
    texts = {c["code"]: (c["text"], c["workplace"], c["kind"])
             for o in f["outcomes"] for c in o["criteria"]}
    assert texts["2.2"] == ("explain the differences between prescribed and over-the-counter "
                            "medication", False, "knowledge")
    assert texts["3.1"] == ("check the medication administration record in line with the Mental "
                            "Capacity Act 2005 and agreed ways of working", True, "performance")
    assert texts["3.2"] == ("prepare medication for administration.", True, "performance")
    assert f["guidance"] == "- Agreed ways of working include policies and procedures"


def test_qcf_from_scratch_code_argument_and_all_outcomes_in_the_workplace():
    text = """\
Unit aim
This unit is about promoting person-centred approaches in care settings.

Assessment
All learning outcomes must be assessed in a real work environment.

Assessment Criteria
Outcome 1 Be able to work in a person-centred way
The learner can:
1. find out the history, preferences, wishes and needs of the individual
2. apply person-centred values in day to day work
Outcome 2 Be able to establish consent
The learner can:
1. establish consent for an activity or action
"""
    f = parse_unit(text, code="QCF-PCA")
    assert f["code"] == "QCF-PCA"
    assert f["title"] == "Promote person-centred approaches in care settings"
    assert f["glh"] is None
    assert codes(f) == ["1.1", "1.2", "2.1"]
    assert all(c["workplace"] for o in f["outcomes"] for c in o["criteria"])


OLDER_NOS = """\
\t[bookmark: StartOverview]This standard is about coordinating the administration of medication with individuals.  It covers preparing, administering and monitoring.
 Prepare to administer
medication with individuals

P1 check the individual\u2019s records for the medication due
P2 confirm the identity of the individual

Administer medication
P3 administer medication in line with the prescription and agreed ways of working
P4 encourage the individual to take as much responsibility as they are able
P5 record the medication given \t
 Legislation and policy
K1 legal requirements for the administration of medication
K2 how to report errors and
omissions in the administration of medication
K3 the\u00a0purpose of a medication record

Medication types and effects

K4 the common side effects of medication
 Scope/range related to performance criteria
Medication may include tablets, liquids and inhalers
Moved to here.
Values
Respect the individual\u2019s dignity
"""


def test_older_nos_written_from_scratch_with_other_section_names():
    f = parse_unit(OLDER_NOS)
    assert f["kind"] == "nos"
    assert f["title"] == "Coordinate the administration of medication with individuals"
    assert f["code"] == "NOS-CAMI"
    assert f["overview"] == (
        "This standard is about coordinating the administration of medication with individuals."
        " It covers preparing, administering and monitoring.")
    assert [(o["code"], o["title"], o["kind"], len(o["criteria"])) for o in f["outcomes"]] == [
        ("P.1", "Prepare to administer medication with individuals", "performance", 2),
        ("P.2", "Administer medication", "performance", 3),
        ("K.1", "Legislation and policy", "knowledge", 3),
        ("K.2", "Medication types and effects", "knowledge", 1),
    ]
    texts = {c["code"]: c["text"] for o in f["outcomes"] for c in o["criteria"]}
    assert texts["K2"] == "how to report errors and omissions in the administration of medication"
    assert texts["K3"] == "the purpose of a medication record"
    assert texts["P5"] == "record the medication given"
    assert texts["P1"] == "check the individual\u2019s records for the medication due"
    assert f["scope"] == ("Scope/range related to performance criteria\n"
                          "Medication may include tablets, liquids and inhalers")
    assert f["values"] == "Respect the individual\u2019s dignity"


def test_2026_nos_written_from_scratch_with_page_break_and_metadata():
    text = """\
Support individuals to manage their finances

Overview
This standard identifies the requirements when you support individuals to manage their finances.

Performance criteria
You must be able to:
1. work with individuals to identify their income and outgoings
2. support individuals to plan a budget that
meets their needs

Knowledge and understanding
You need to know and understand:
1. sources of financial advice

Support individuals to manage their finances

2. how to recognise financial abuse
3. the records required when supporting individuals with

Support individuals to manage their finances

their finances

Developed by\tSkills for Care & Development
Version Number\t2
Date Approved\t15 March 2026
Indicative Review Date\t15/03/2031
Original URN\tHSCCLD999
Keywords\tFinances, Budgeting
"""
    f = parse_unit(text)
    assert f["code"] == f["urn"] == "HSCCLD999"
    assert f["title"] == "Support individuals to manage their finances"
    assert (f["version"], f["date_approved"], f["review_date"]) == ("2", "2026-03-15", "2031-03-15")
    assert f["keywords"] == ["Finances", "Budgeting"]
    assert codes(f) == ["P1", "P2", "K1", "K2", "K3"]
    texts = {c["code"]: c["text"] for o in f["outcomes"] for c in o["criteria"]}
    assert texts["P2"] == "support individuals to plan a budget that meets their needs"
    assert texts["K3"] == "the records required when supporting individuals with their finances"


@pytest.mark.parametrize("sentence,kind,title", [
    ("This standard identifies the requirements when you promote effective relationships with "
     "individuals.  This includes...", "nos",
     "Promote effective relationships with individuals"),
    ("This standard identifies the requirements when supporting carers, families and key people "
     "to maintain contact with individuals. This includes", "nos",
     "Support carers, families and key people to maintain contact with individuals"),
    ("This standard is about managing risk with individuals.", "nos",
     "Manage risk with individuals"),
    ("This standard identifies the requirements when planning meals with individuals.", "nos",
     "Plan meals with individuals"),
    ("It provides the learner with the knowledge and skills required to provide support for "
     "individuals to establish and maintain relationships and social networks.", "qcf",
     "Support individuals to establish and maintain relationships and social networks"),
    ("The unit covers the knowledge and skills needed to provide care for older people.", "qcf",
     "Care for older people"),
    ("Nothing here names the activity.", "nos", None),
])
def test_title_inferred_from_the_overview_sentence(sentence, kind, title):
    assert infer_title(sentence, kind) == title


def test_derived_codes_are_identifiers():
    assert derive_code("Promote effective relationships with individuals", "nos") == "NOS-PERI"
    assert derive_code("Support carers, families and key people to maintain contact with "
                       "individuals", "nos") == "NOS-SCFKPMCI"
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", derive_code("\u2026", "qcf"))


def test_qcf_outcomes_without_an_assessment_criteria_heading(seed_text):
    text = seed_text("001")
    assert text.count(" Assessment Criteria \n") == 1
    assert parse_unit(text.replace(" Assessment Criteria \n", "")) == parse_unit(text)


def test_urn_line_between_title_and_metadata_table(seed_text):
    text = seed_text("004")
    varied = text.replace("Support those who have caring responsibilities\n\nDeveloped by",
                          "Support those who have caring responsibilities\n\nHSCCLD222\n\n---\n\n"
                          "Developed by")
    assert varied != text
    assert parse_unit(varied) == parse_unit(text)


def test_metadata_table_without_a_title_line_falls_back_to_the_overview():
    text = """\
Overview
This standard identifies the requirements when you support individuals to keep active.

Performance criteria
1. agree activities with individuals

The glossary is available on the website.

Developed by Skills for Care & Development
Original URN HSCCLD100
"""
    f = parse_unit(text)
    assert f["title"] == "Support individuals to keep active"
    assert f["code"] == "HSCCLD100"
    assert [c["text"] for o in f["outcomes"] for c in o["criteria"]] == [
        "agree activities with individuals"]


@pytest.mark.parametrize("sentence,count,expected", [
    ("Learning outcomes 2, 3, 4 and 5 must be assessed in a real work environment in ways", 5,
     {2, 3, 4, 5}),
    ("Learning outcomes 2 to 4 must be assessed in a real work environment.", 5, {2, 3, 4}),
    ("Learning outcomes 1-2 and 4 must be assessed in the real work environment.", 4, {1, 2, 4}),
    ("Learning outcome 3 must be assessed in a real work environment.", 3, {3}),
    ("All learning outcomes must be assessed in a real work environment.", 3, {1, 2, 3}),
    ("This unit must be assessed in accordance with the Assessment Principles.", 3, set()),
])
def test_workplace_outcomes_from_the_assessment_text(sentence, count, expected):
    from course.units.parser import _workplace_outcomes

    assert _workplace_outcomes(sentence, count) == expected


@pytest.mark.parametrize("number,marker", [("000", "- 22."), ("004", "7."), ("002", "K13"),
                                           ("003", "P6"), ("001", "3.")])
def test_item_number_alone_on_its_line(seed_text, number, marker):
    text = seed_text(number)
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(marker + " "))
    rest = lines[index][len(marker) + 1:]
    lines[index:index + 1] = [marker, "", rest]
    assert parse_unit("\n".join(lines)) == parse_unit(text)


def test_item_number_alone_without_any_text_is_an_error(seed_text):
    text = seed_text("004").replace(
        "21. the role of supervision, reflective practice and learning and development in "
        "supporting those who have caring responsibilities", "21.")
    with pytest.raises(UnitError) as caught:
        parse_unit(text, source="004.txt")
    assert str(caught.value) == "004.txt:52: criterion K21 has no text"


def test_wrapped_line_that_reads_like_the_title_is_kept(seed_text):
    # "work with individuals ..." (lower case) wraps K11; only the exact header line is dropped.
    text = seed_text("000").replace(
        "11. how to apply trauma informed principles to work with individuals",
        "11. how to apply trauma informed principles to\n\nwork with individuals")
    f = parse_unit(text)
    assert f == parse_unit(seed_text("000"))
    assert f["outcomes"][1]["criteria"][10]["text"] == (
        "how to apply trauma informed principles to work with individuals to develop and "
        "maintain relationships")
