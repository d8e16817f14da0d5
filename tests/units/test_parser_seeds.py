"""The five seed units parse to exactly the frameworks the course is built on."""

import re

import pytest

from course.units import parse_unit, parse_unit_file

TITLES_002_P = [
    ("P.1", "Establish effective relationships between yourself and individuals", 1, 10),
    ("P.2", "Support others to address relationship issues", 11, 18),
    ("P.3", "Support individuals to move from their relationship with you", 19, 23),
    ("P.4", "Evaluate progress and outcomes in relationships", 24, 31),
]
K_GROUPS_002 = [
    ("K.1", "Rights", 1, 5),
    ("K.2", "Your practice", 6, 20),
    ("K.3", "Theory", 21, 22),
    ("K.4", "Personal and professional development", 23, 23),
    ("K.5", "Communication", 24, 25),
    ("K.6", "Health and Safety", 26, 27),
    ("K.7", "Safe-guarding", 28, 31),
    ("K.8", "Handling information", 32, 34),
    ("K.9", "Specific to this NOS", 35, 50),
]
TITLES_003_P = [
    ("P.1", "Support individuals to identify relationships that are important to them", 1, 4),
    ("P.2", "Work with carers, families and key people to maintain their relationships with "
            "individuals", 5, 13),
    ("P.3", "Support carers, families and key people when in contact with individuals", 14, 25),
]
K_GROUPS_003 = [
    ("K.1", "Rights", 1, 5),
    ("K.2", "Your practice", 6, 20),
    ("K.3", "Theory for practice", 21, 22),
    ("K.4", "Personal and professional development", 23, 23),
    ("K.5", "Communication", 24, 25),
    ("K.6", "Health and Safety", 26, 27),
    ("K.7", "Safe-guarding", 28, 31),
    ("K.8", "Handling information", 32, 34),
    ("K.9", "Specific to this NOS", 35, 46),
]


def sections(framework):
    """(code, title, first number, last number) per outcome."""
    out = []
    for outcome in framework["outcomes"]:
        numbers = [int(c["code"][1:]) for c in outcome["criteria"]]
        out.append((outcome["code"], outcome["title"], numbers[0], numbers[-1]))
    return out


def criteria(framework):
    return [c for o in framework["outcomes"] for c in o["criteria"]]


def by_code(framework):
    return {c["code"]: c for c in criteria(framework)}


def test_000_nos_2026(seed_path):
    f = parse_unit_file(seed_path("000"))
    assert f["kind"] == "nos"
    assert f["code"] == "HSCCLD327"
    assert f["urn"] == "HSCCLD327"
    assert f["title"] == "Work with individuals to develop and maintain relationships"
    assert f["version"] == "1"
    assert f["date_approved"] == "2026-01-31"
    assert f["review_date"] == "2031-01-31"
    assert f["suite"] == "Health and Social Care & Childcare Learning and Development"
    assert f["keywords"] == [
        "Relationships", "Health and Social Care & Children's Care Learning and Development",
    ]
    assert f["glh"] is None and f["linked_standards"] is None
    assert f["overview"].startswith("This standard identifies the requirements when supporting")
    assert f["overview"].endswith("address any relationship concerns.")
    assert [(o["code"], o["title"], o["kind"]) for o in f["outcomes"]] == [
        ("P.1", "Performance criteria", "performance"),
        ("K.1", "Knowledge and understanding", "knowledge"),
    ]
    perf, know = f["outcomes"]
    assert [c["code"] for c in perf["criteria"]] == [f"P{n}" for n in range(1, 12)]
    assert [c["code"] for c in know["criteria"]] == [f"K{n}" for n in range(1, 25)]
    assert all(c["kind"] == "performance" and c["workplace"] for c in perf["criteria"])
    assert all(c["kind"] == "knowledge" and not c["workplace"] for c in know["criteria"])
    codes = by_code(f)
    assert codes["K21"]["text"] == (
        "the workplace requirements on equality, diversity, inclusion, and rights when working "
        "with individuals to develop and maintain relationships")
    assert codes["K22"]["text"] == (
        "how to work in partnership with others to support individuals to develop and maintain "
        "relationships")
    assert codes["K24"]["text"] == (
        "the role of supervision, reflective practice and learning and development in working "
        "with individuals to develop and maintain relationships")
    assert codes["P1"]["text"] == (
        "establish consent and access information on the preferences and needs of individuals "
        "and their relationship with others")
    assert f["scope"] is None and f["values"] is None and f["guidance"] is None


def test_001_qcf(seed_path):
    f = parse_unit_file(seed_path("001"), code="QCF-RELNET")
    assert f["kind"] == "qcf"
    assert f["code"] == "QCF-RELNET"
    assert f["urn"] is None
    assert f["title"] == ("Support individuals to establish and maintain relationships and "
                          "social networks")
    assert f["glh"] == 27
    assert f["linked_standards"] == "HSC 331"
    assert f["version"] is None and f["date_approved"] is None and f["keywords"] == []
    assert f["overview"].startswith("This unit is aimed at those working in a wide range")
    assert [o["code"] for o in f["outcomes"]] == ["1", "2", "3", "4", "5"]
    assert [len(o["criteria"]) for o in f["outcomes"]] == [4, 3, 4, 3, 4]
    assert len(criteria(f)) == 18
    assert [o["title"] for o in f["outcomes"]] == [
        "Understand factors affecting the capacity of individuals to develop and/or maintain "
        "relationships",
        "Be able to support individuals to identify beneficial relationships",
        "Be able to support individuals to develop new relationships",
        "Be able to support individuals to maintain existing relationships",
        "Be able to work with individuals to review the support provided for relationships",
    ]
    assert [o["kind"] for o in f["outcomes"]] == ["knowledge"] + ["performance"] * 4
    for outcome in f["outcomes"]:
        n = outcome["code"]
        assert [c["code"] for c in outcome["criteria"]] == [
            f"{n}.{i}" for i in range(1, len(outcome["criteria"]) + 1)]
        assert {c["workplace"] for c in outcome["criteria"]} == {n != "1"}
        assert {c["kind"] for c in outcome["criteria"]} == {outcome["kind"]}
    codes = by_code(f)
    assert codes["1.3"]["text"] == (
        "explain how an individual\u2019s capacity to establish or maintain relationships may be "
        "affected by the way support is provided")
    assert codes["1.4"]["text"] == (
        "explain the importance of ensuring privacy and confidentiality when providing support "
        "for relationships.")
    assert codes["3.1"]["text"] == (
        "describe types of support and information an individual may need in order to extend "
        "their social network")
    assert codes["5.1"]["text"] == (
        "establish with the individual the criteria for evaluating how effective support for a "
        "relationship has been")
    assert codes["5.4"]["text"] == "report and record in line with agreed ways of working."
    assert "Moved to here" not in f["guidance"]
    assert f["guidance"].splitlines()[:4] == [
        "Relationships may include:", "  - Family relationships", "  - Friendships",
        "  - Social networks",
    ]
    assert f["guidance"].endswith(
        "Agreed ways of working will include policies and procedures where these exist")


def test_001_code_derived_from_title_without_code_argument(seed_path):
    assert parse_unit_file(seed_path("001"))["code"] == "QCF-SIEMRSN"


def test_002_older_nos(seed_path):
    f = parse_unit_file(seed_path("002"), code="NOS-EFFREL")
    assert f["kind"] == "nos"
    assert f["code"] == "NOS-EFFREL"
    assert f["urn"] is None
    assert f["title"] == "Promote effective relationships with individuals"
    assert sections(f) == TITLES_002_P + K_GROUPS_002
    assert [len(o["criteria"]) for o in f["outcomes"]] == [10, 8, 5, 8, 5, 15, 2, 1, 2, 2, 4, 3, 16]
    assert [c["code"] for c in criteria(f)] == (
        [f"P{n}" for n in range(1, 32)] + [f"K{n}" for n in range(1, 51)])
    codes = by_code(f)
    assert codes["P1"]["text"] == ("apply your knowledge, understanding and skills to inform how "
                                   "you develop your relationship with the individual")
    assert codes["K2"]["text"] == ("your role in promoting individuals\u2019 rights, choices, "
                                   "wellbeing and active participation")
    assert codes["K24"]["text"] == ("factors that can affect communication and language skills "
                                    "and their development in children, young people and adults")
    assert f["overview"].startswith("This standard identifies the requirements when you promote")
    assert "  " not in f["overview"] and "[bookmark" not in f["overview"]
    assert f["scope"].startswith("Scope/range related to performance criteria\n\nThe details")
    assert "\nScope/range related to knowledge and understanding\n" in f["scope"]
    assert f["scope"].endswith("social deprivation; substance misuse")
    assert f["values"].startswith("Adherence to codes of practice")
    assert f["values"].splitlines()[-1] == "To access information about themselves"
    assert len(f["values"].splitlines()) == 10
    assert f["guidance"] is None and f["glh"] is None


def test_003_older_nos(seed_path):
    f = parse_unit_file(seed_path("003"), code="NOS-CONTACT")
    assert f["code"] == "NOS-CONTACT"
    assert f["title"] == ("Support carers, families and key people to maintain contact with "
                          "individuals")
    assert sections(f) == TITLES_003_P + K_GROUPS_003
    assert [c["code"] for c in criteria(f)] == (
        [f"P{n}" for n in range(1, 26)] + [f"K{n}" for n in range(1, 47)])
    assert by_code(f)["K46"]["text"] == (
        "how to assess and deal with situations when carers, families and key people and the "
        "individual may be at risk")
    assert "[bookmark" not in f["scope"]
    assert f["values"].startswith("Adherence to codes of practice or conduct that may be")


def test_004_nos_2026(seed_path):
    f = parse_unit_file(seed_path("004"), code="IGNORED-WHEN-URN")
    assert f["code"] == "HSCCLD222"
    assert f["title"] == "Support those who have caring responsibilities"
    assert f["version"] == "1"
    assert (f["date_approved"], f["review_date"]) == ("2026-01-31", "2031-01-31")
    assert f["keywords"] == [
        "Caring responsibilities", "Health and Social Care & Children's Care Learning and "
        "Development"]
    perf, know = f["outcomes"]
    assert [c["code"] for c in perf["criteria"]] == [f"P{n}" for n in range(1, 11)]
    assert [c["code"] for c in know["criteria"]] == [f"K{n}" for n in range(1, 22)]
    codes = by_code(f)
    assert codes["K19"]["text"] == (
        "how to respond to discrimination, actions, or inactions, that could impact on those who "
        "have caring responsibilities or individuals")
    assert codes["K20"]["text"] == (
        "how your personal experiences and unconscious bias may impact when supporting those who "
        "have caring responsibilities, and how to address this")


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_no_artefacts_in_any_criterion(seed_path, number):
    f = parse_unit_file(seed_path(number))
    header_fragments = {f["title"]}
    if f["urn"]:
        header_fragments.add(f["urn"])
    all_criteria = criteria(f)
    assert all_criteria
    for c in all_criteria:
        text = c["text"]
        for fragment in header_fragments:
            assert fragment not in text, (c["code"], text)
        for bad in ("[bookmark", "---", "\t", "  ", "\u00a0", "\n", "<b>", "Moved to here"):
            assert bad not in text, (c["code"], text)
        assert text == text.strip() and text
        assert re.match(r"^[a-z]", text), (c["code"], text)  # every seed criterion starts lower
    codes = [c["code"] for c in all_criteria]
    assert len(codes) == len(set(codes))
    outcome_codes = [o["code"] for o in f["outcomes"]]
    assert len(outcome_codes) == len(set(outcome_codes))


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_text_and_file_entry_points_agree(seed_path, seed_text, number):
    path = seed_path(number)
    assert parse_unit(seed_text(number), source=str(path)) == parse_unit_file(path)


def test_framework_keys_are_exactly_the_documented_ones(seed_path):
    f = parse_unit_file(seed_path("000"))
    assert sorted(f) == sorted([
        "kind", "code", "title", "urn", "version", "date_approved", "review_date", "suite",
        "keywords", "overview", "glh", "linked_standards", "outcomes", "scope", "values",
        "guidance"])
    assert sorted(f["outcomes"][0]) == ["code", "criteria", "kind", "title"]
    assert sorted(f["outcomes"][0]["criteria"][0]) == ["code", "kind", "text", "workplace"]
