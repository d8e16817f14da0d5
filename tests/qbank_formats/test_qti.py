"""QTI specifics: version checks, interactions the bank cannot hold, associate, feedback."""

from __future__ import annotations

import pytest

from question_bank.formats import FormatError, export_item, import_qti, import_qti21, import_qti30

from .conftest import INTEROP, make_bank

NS = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'


def item(body: str, decl: str = "", rp: str = "", extra: str = "") -> bytes:
    return (
        f'<assessmentItem {NS} identifier="it1" title="Item one" adaptive="false" timeDependent="false">'
        f"{decl}<itemBody>{body}</itemBody>{rp}{extra}</assessmentItem>"
    ).encode()


def test_version_mismatch_refused():
    with pytest.raises(FormatError, match="QTI 2.1 item where QTI 3.0 was expected"):
        import_qti30((INTEROP / "qti21-qtisdk-choice.xml").read_bytes(), source="c.xml")
    with pytest.raises(FormatError, match="QTI 3.0 item where QTI 2.1 was expected"):
        import_qti21((INTEROP / "qti30-1edtech-match.xml").read_bytes(), source="m.xml")


def test_unsupported_interactions_skipped_and_plain_items_reported():
    hotspot = item(
        '<hotspotInteraction responseIdentifier="R" maxChoices="1"><object data="a.png" '
        'type="image/png"/></hotspotInteraction>'
    )
    r = import_qti(hotspot, source="h.xml")
    assert r.skipped == [
        {
            "name": "Item one",
            "type": "hotspotInteraction",
            "reason": "hotspotInteraction cannot be represented in the bank",
        }
    ]
    r = import_qti(item("<p>Just reading.</p>"), source="d.xml")
    assert r.questions == [] and r.descriptions == [{"name": "Item one", "text": "Just reading."}]


def test_associate_interaction_maps_to_matching():
    decl = (
        '<responseDeclaration identifier="R" cardinality="multiple" baseType="pair"><correctResponse>'
        "<value>A X</value><value>B Y</value></correctResponse></responseDeclaration>"
    )
    body = (
        '<associateInteraction responseIdentifier="R" maxAssociations="2"><prompt>Pair them</prompt>'
        '<simpleAssociableChoice identifier="A" matchMax="1">Apple</simpleAssociableChoice>'
        '<simpleAssociableChoice identifier="X" matchMax="1">Fruit</simpleAssociableChoice>'
        '<simpleAssociableChoice identifier="B" matchMax="1">Bee</simpleAssociableChoice>'
        '<simpleAssociableChoice identifier="Y" matchMax="1">Insect</simpleAssociableChoice>'
        '<simpleAssociableChoice identifier="Z" matchMax="1">Rock</simpleAssociableChoice>'
        "</associateInteraction>"
    )
    rp = '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>'
    (q,) = import_qti(item(body, decl, rp), source="a.xml").questions
    assert q["type"] == "matching" and q["stem"] == "<p>Pair them</p>"
    assert q["premises"] == [
        {"id": "A", "text": "Apple", "match": "X"},
        {"id": "B", "text": "Bee", "match": "Y"},
    ]
    assert [r["id"] for r in q["responses"]] == ["X", "Y", "Z"]


def test_modal_and_inline_feedback():
    decl = (
        '<responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse>'
        "<value>a</value></correctResponse></responseDeclaration>"
    )
    body = (
        '<choiceInteraction responseIdentifier="R" shuffle="false" maxChoices="1">'
        '<simpleChoice identifier="a">Yes<feedbackInline outcomeIdentifier="FEEDBACK" identifier="a" '
        'showHide="show">Good</feedbackInline></simpleChoice><simpleChoice identifier="b">No</simpleChoice>'
        "</choiceInteraction>"
    )
    extra = (
        '<modalFeedback outcomeIdentifier="FEEDBACK" identifier="general" showHide="show">Think about it.'
        "</modalFeedback>"
    )
    (q,) = import_qti(item(body, decl, "", extra), source="f.xml").questions
    assert q["options"][0] == {"id": "a", "text": "Yes", "correct": True, "feedback": "Good"}
    assert q["general_feedback"] == "Think about it." and q["stem"] == ""


def test_export_item_refuses_scenario_and_keeps_points():
    with pytest.raises(ValueError, match="scenario questions cannot be expressed in QTI"):
        export_item({"id": "s", "type": "scenario"})
    essay = make_bank()[-1]
    (back,) = import_qti(export_item(essay, "3.0"), source="e.xml").questions
    assert back["points"] == 5.0 and back["type"] == "essay"
    assert back["word_limit"] is None  # limits travel in the package manifest only


def test_malformed_values_are_format_errors():
    decl = (
        '<responseDeclaration identifier="R" cardinality="single" baseType="identifier"><correctResponse>'
        '<value>a</value></correctResponse><mapping defaultValue="0"><mapEntry mapKey="a" mappedValue="lots"/>'
        "</mapping></responseDeclaration>"
    )
    body = (
        '<choiceInteraction responseIdentifier="R" maxChoices="1"><simpleChoice identifier="a">A</simpleChoice>'
        '<simpleChoice identifier="b">B</simpleChoice></choiceInteraction>'
    )
    with pytest.raises(
        FormatError, match=r"item 'it1' \(line 1\): malformed item: could not convert"
    ):
        import_qti(item(body, decl), source="m.xml")


def test_inline_html_stays_in_one_paragraph_and_duplicate_ids_are_reported():
    q = dict(make_bank()[0], stem="Match the <b>activity</b> to the description.")
    warnings: list[str] = []
    from question_bank.formats import export_qti21

    data = export_qti21([q, q], warnings=warnings)
    (first, second) = import_qti(data, source="d.zip").questions
    assert first["stem"] == "<p>Match the <b>activity</b> to the description.</p>"
    assert second["id"] == "sc-trust-1-2"
    assert warnings == ["sc-trust-1: the same id appears twice (the second is exported as a copy)"]
