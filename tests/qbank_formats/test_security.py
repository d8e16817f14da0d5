"""Malformed and hostile input is refused with a clear error, and nothing is imported."""

from __future__ import annotations

import io
import zipfile

import pytest

from question_bank.formats import (
    MAX_FILE_BYTES,
    FormatError,
    detect_format,
    import_aiken,
    import_gift,
    import_moodle,
    import_qti,
)

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="truefalse"><name><text>&lol9;</text></name></question></quiz>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>&xxe;</text></name>
<questiontext format="html"><text>x</text></questiontext></question></quiz>
"""
XXE_QTI = b"""<?xml version="1.0"?>
<!DOCTYPE assessmentItem [<!ENTITY xxe SYSTEM "http://example.invalid/x">]>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="&xxe;"/>
"""


def _moodle(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"
    ).encode()


def _tf(name="T1", fraction="100", stem="<p>Water is wet.</p>"):
    return f"""<question type="truefalse"><name><text>{name}</text></name>
<questiontext format="html"><text><![CDATA[{stem}]]></text></questiontext>
<answer fraction="{fraction}"><text>true</text><feedback><text></text></feedback></answer>
<answer fraction="0"><text>false</text><feedback><text></text></feedback></answer></question>"""


@pytest.mark.parametrize("data", [LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_entities_refused_moodle(data):
    with pytest.raises(FormatError) as err:
        import_moodle(data, source="evil.xml")
    assert "DTDs and entity declarations are not allowed" in str(err.value)
    assert err.value.where == 2 and err.value.source == "evil.xml"


def test_entities_refused_utf16():
    data = LAUGHS.decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>'
    )
    with pytest.raises(FormatError, match="DTDs and entity declarations are not allowed"):
        import_moodle(data.encode("utf-16"), source="evil16.xml")


def test_entities_refused_qti_item_and_package():
    with pytest.raises(FormatError, match="DTDs and entity declarations"):
        import_qti(XXE_QTI, source="item.xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("imsmanifest.xml", XXE_QTI.replace(b"assessmentItem", b"manifest"))
    with pytest.raises(FormatError, match=r"p\.zip!imsmanifest\.xml: line 2: DTDs"):
        import_qti(buf.getvalue(), source="p.zip")


def test_doctype_text_inside_cdata_is_fine():
    q = _tf(stem="<p>Is <code>&lt;!DOCTYPE html&gt;</code> needed?</p><!DOCTYPE x>")
    assert len(import_moodle(_moodle(q), source="ok.xml").questions) == 1


def test_not_well_formed_names_the_line():
    with pytest.raises(FormatError) as err:
        import_moodle(
            b"<?xml version='1.0'?>\n<quiz>\n<question type='essay'>\n</quiz>\n", source="bad.xml"
        )
    assert err.value.where == 4 and "not well-formed XML" in str(err.value)


def test_wrong_root():
    with pytest.raises(FormatError, match="root element is <questions>, expected <quiz>"):
        import_moodle(b"<questions/>", source="r.xml")


def test_one_bad_question_imports_nothing():
    data = _moodle(_tf("good"), _tf("bad", fraction="lots"))
    with pytest.raises(FormatError) as err:
        import_moodle(data, source="mixed.xml")
    assert "question 'bad' (line" in str(
        err.value
    ) and "answer fraction 'lots' is not a number" in str(err.value)


def test_file_size_limit():
    with pytest.raises(FormatError, match=r"^huge.gift: file is 16,777,217 bytes; the limit is 16 MiB$"):
        import_gift(b" " * (MAX_FILE_BYTES + 1), source="huge.gift")


def test_question_text_limit():
    with pytest.raises(
        FormatError, match=r"question text is 1100007 characters; the limit is 1048576"
    ):
        import_moodle(_moodle(_tf(stem="<p>" + "x" * 1_100_000 + "</p>")), source="long.xml")
    with pytest.raises(FormatError, match="limit is 1048576"):
        import_gift(("Long? " + "y" * 1_100_000 + " {T}").encode(), source="long.gift")


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


MANIFEST = b"""<?xml version="1.0"?><manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m">
<resources><resource identifier="r" type="imsqti_item_xmlv2p1" href="item.xml"><file href="item.xml"/></resource>
</resources></manifest>"""


@pytest.mark.parametrize(
    "name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "C:/evil.xml"]
)
def test_zip_path_traversal_refused(name):
    with pytest.raises(FormatError, match="path traversal"):
        import_qti(_zip({"imsmanifest.xml": MANIFEST, name: b"<x/>"}), source="p.zip")


def test_zip_total_size_refused():
    bomb = _zip({"imsmanifest.xml": MANIFEST, "pad.bin": b"\0" * (MAX_FILE_BYTES + 10)})
    assert len(bomb) < 1_000_000
    with pytest.raises(FormatError, match="unpacks to more than 16 MiB"):
        import_qti(bomb, source="bomb.zip")


def test_zip_without_manifest_or_item():
    with pytest.raises(FormatError, match="no imsmanifest.xml"):
        import_qti(_zip({"item.xml": b"<x/>"}), source="p.zip")
    with pytest.raises(FormatError, match="manifest names an item file the package does not hold"):
        import_qti(_zip({"imsmanifest.xml": MANIFEST}), source="p.zip")
    with pytest.raises(FormatError, match="not a valid zip package"):
        import_qti(b"PK\x03\x04garbage", source="p.zip")


def test_qti_wrong_namespace():
    with pytest.raises(FormatError, match="not a QTI 2.1 or 3.0 item"):
        import_qti(b'<assessmentItem identifier="x"/>', source="x.xml")


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("::T1:: Unclosed {=yes ~no\n", 1, "answer block '{' is not closed"),
        ("// c\n::T2 Open title {T}\n", 2, "question title is not closed"),
        ("Fine? {T}\n\nTwo blocks {T} and {F}\n", 3, "more than one answer block"),
        ("Weight? {~%150%a =b}\n", 1, "weight 150.0% is outside -100..100"),
        ("Num? {#abc}\n", "question 'Num?' (line 1)", "numerical answer 'abc' is not a number"),
        ("// criterion: not a ref\nQ? {T}\n", 2, "criterion reference 'not a ref'"),
    ],
)
def test_gift_malformed(text, line, message):
    with pytest.raises(FormatError) as err:
        import_gift(text.encode(), source="bad.gift")
    assert err.value.where == line and message in err.value.message


def test_gift_bad_utf8_names_the_line():
    with pytest.raises(FormatError) as err:
        import_gift(b"Q1? {T}\n\nQ2 \xff? {F}\n", source="bad.gift")
    assert err.value.where == 3 and "not valid UTF-8" in str(err.value)


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("Q?\nA) x\nB) y\n", 1, "without an 'ANSWER: X' line"),
        ("Q?\nA) x\nB) y", 1, "without an 'ANSWER: X' line"),
        ("Q?\nA) x\nB) y\nANSWER: C\n", 4, "ANSWER C is not one of the options A, B"),
        ("Q?\nA) x\nANSWER: A\n", 3, "ANSWER line before at least two options"),
        ("Q?\nA) x\nC) y\nANSWER: A\n", 3, "option C out of order"),
        ("Q?\nA) x\nB) y\nmore text\nANSWER: A\n", 4, "text after the options"),
    ],
)
def test_aiken_malformed(text, line, message):
    with pytest.raises(FormatError) as err:
        import_aiken(text.encode(), source="bad.txt")
    assert err.value.where == line and message in err.value.message


def test_detect_format_refuses_unknown():
    with pytest.raises(FormatError, match="neither Moodle XML"):
        detect_format(b"<html/>", "page.html")
    with pytest.raises(FormatError, match="cannot tell the format"):
        detect_format(b"hello", "notes.bin")
