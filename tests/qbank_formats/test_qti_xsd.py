"""QTI exports validate against the official XSDs in the interop corpus (no network)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from question_bank.formats import export_item, export_qti21, export_qti30, import_file, import_qti

from .conftest import INTEROP, make_bank, make_scenario, manifest

QTI21_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI30_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"


class _Map(etree.Resolver):
    def __init__(self, table: dict[str, Path]):
        super().__init__()
        self.table = table

    def resolve(self, url, pubid, context):
        for prefix, local in self.table.items():
            if url.startswith(prefix):
                return self.resolve_filename(str(local / url[len(prefix) :]), context)
        return None


def _schema(entry: Path, table: dict[str, Path]) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_Map(table))
    return etree.XMLSchema(etree.parse(str(entry), parser))


@pytest.fixture(scope="session")
def qti21_schema():
    root = INTEROP / "xsd" / "qti21"
    return _schema(
        root / "www.imsglobal.org/xsd/imsqti_v2p1.xsd",
        {
            "http://www.imsglobal.org/": root / "www.imsglobal.org",
            "http://www.w3.org/": root / "www.w3.org",
        },
    )


@pytest.fixture(scope="session")
def qti30_dir(tmp_path_factory) -> Path:
    base = INTEROP / "xsd" / "qti30"
    zdir = tmp_path_factory.mktemp("qti30-xsd")
    with zipfile.ZipFile(base / "schema_qti30.zip") as zf:
        for info in zf.infolist():
            target = (zdir / info.filename).resolve()
            assert str(target).startswith(str(zdir.resolve()) + os.sep)
        zf.extractall(zdir)
    return next(zdir.rglob("imsqti_asiv3p0_v1p0.xsd")).parent


def _qti30_table(z: Path) -> dict[str, Path]:
    w3 = INTEROP / "xsd" / "qti30" / "w3"
    return {
        "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/": z,
        "http://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/": z,
        "https://purl.imsglobal.org/spec/ssml/v1p1/schema/xsd/": z,
        "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/": z,
        "https://purl.imsglobal.org/spec/w3/2001/schema/xsd/": w3,
        "https://purl.imsglobal.org/spec/w3/1999/schema/xsd/": w3,
        "https://purl.imsglobal.org/spec/mathml/v3p0/schema/xsd/": w3,
        "http://www.imsglobal.org/xsd/w3/2001/": w3,
    }


@pytest.fixture(scope="session")
def qti30_schema(qti30_dir):
    return _schema(qti30_dir / "imsqti_asiv3p0_v1p0.xsd", _qti30_table(qti30_dir))


@pytest.fixture(scope="session")
def cp30_schema(qti30_dir):
    return _schema(qti30_dir / "imsqtiv3p0_imscpv1p2_v1p0.xsd", _qti30_table(qti30_dir))


def _items(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("items/")}


def _assert_valid(schema, name, data):
    doc = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    if not schema.validate(doc):
        raise AssertionError(f"{name}: " + "; ".join(str(e) for e in schema.error_log[:5]))


def test_schemas_accept_the_corpus_items(qti21_schema, qti30_schema):
    """The validators themselves work: the corpus items are valid, a broken item is not."""
    _assert_valid(qti21_schema, "choice", (INTEROP / "qti21-qtisdk-choice.xml").read_bytes())
    _assert_valid(qti30_schema, "match", (INTEROP / "qti30-1edtech-match.xml").read_bytes())
    broken = (
        (INTEROP / "qti21-qtisdk-choice.xml")
        .read_bytes()
        .replace(b"<prompt>", b"<promptx>")
        .replace(b"</prompt>", b"</promptx>")
    )
    assert not qti21_schema.validate(etree.fromstring(broken))


def test_qti21_export_validates(qti21_schema):
    items = _items(export_qti21(make_bank() + [make_scenario()]))
    assert len(items) == 9  # the scenario is reported, not exported
    for name, data in items.items():
        assert etree.fromstring(data).tag == f"{{{QTI21_NS}}}assessmentItem"
        _assert_valid(qti21_schema, name, data)


def test_qti30_export_validates(qti30_schema):
    items = _items(export_qti30(make_bank()))
    assert len(items) == 9
    for name, data in items.items():
        assert etree.fromstring(data).tag == f"{{{QTI30_NS}}}qti-assessment-item"
        _assert_valid(qti30_schema, name, data)


def test_corpus_reexported_validates(qti21_schema, qti30_schema):
    """Every question imported from any third-party file (Moodle, GIFT, Aiken, QTI) exports to valid QTI."""
    questions = []
    for entry in manifest():
        questions += import_file((INTEROP / entry["file"]).read_bytes(), entry["file"])[1].questions
    assert len(questions) == 74
    # the Moodle Cloze with every sub-question type is a scenario: QTI export reports it instead
    (scenario,) = [q for q in questions if q["type"] == "scenario"]
    with pytest.raises(ValueError, match="scenario questions cannot be expressed in QTI"):
        export_item(scenario, "2.1")
    for q in questions:
        if q is scenario:
            continue
        _assert_valid(qti21_schema, q["id"], export_item(q, "2.1"))
        _assert_valid(qti30_schema, q["id"], export_item(q, "3.0"))


def test_ids_starting_with_a_digit_round_trip():
    q = dict(make_bank()[0], id="2-08-TSL")
    q["options"] = [dict(o, id=f"{n}x") for n, o in enumerate(q["options"], start=1)]
    data = export_qti30([q])
    assert b'identifier="_2-08-TSL"' in _items(data)["items/2-08-TSL.xml"]
    (back,) = import_qti(data, source="d.zip").questions
    assert back == q


def test_package_manifest_carries_criteria():
    package = export_qti21(make_bank())
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        manifest = zf.read("imsmanifest.xml").decode()
    assert "<imsmd:string>criterion:NOS-EFFREL/K14</imsmd:string>" in manifest
    assert 'type="imsqti_item_xmlv2p1" href="items/sc-trust-1.xml"' in manifest
    back = import_qti(package, source="p.zip").questions
    assert back[0]["criteria"] == ["NOS-EFFREL/K14", "NOS-CONTACT/K14"]


def test_qti30_package_manifest_validates(cp30_schema):
    with zipfile.ZipFile(io.BytesIO(export_qti30(make_bank()))) as zf:
        manifest = zf.read("imsmanifest.xml")
    _assert_valid(cp30_schema, "imsmanifest.xml", manifest)
    assert b"<imsmd:string>carecourse:word_limit=300</imsmd:string>" in manifest


def test_packages_are_deterministic_and_media_resolve_from_the_items():
    from question_bank.formats import import_qti as imp

    r = imp((INTEROP / "qti21-qtiworks-webdevtest-package.zip").read_bytes(), source="p.zip")
    first = export_qti21(r.questions, files=r.files)
    assert export_qti21(r.questions, files=r.files) == first
    assert b'src="../media/directory.jpg"' in _items(first)["items/choice-4.xml"]
    again = imp(first, source="again.zip")
    assert again.files == r.files and again.questions == r.questions
