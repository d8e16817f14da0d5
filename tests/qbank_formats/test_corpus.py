"""Every file of the interop corpus imports with the counts, stems and answers manifest.json lists."""

from __future__ import annotations

import zipfile

import pytest

from question_bank import load_question
from question_bank.formats import IMPORTERS, FormatError, detect_format, import_file

from .conftest import INTEROP, manifest
from .helpers import correct, stem_text

ENTRIES = manifest()

# What the bank cannot represent, per file: {format type name: count} (the rest import).
SKIPPED = {
    "moodle-gapfill-examples-images.xml": {"gapfill": 22, "ddwtos": 1},
    "moodle-moodlecore-cloze-alltypes.xml": {"cloze": 1},
}
DESCRIPTIONS = {"moodle-dimatools-description.xml": 1}

# The manifest's sample.correct, in the form helpers.correct() gives.
CORRECT = {
    "qti21-qtisdk-choice.xml": "You must stay with your luggage at all times.",
    "qti21-qtisdk-textentry.xml": ["York"],
    "qti21-qtisdk-inlinechoice.xml": ["York"],
    "qti21-qtisdk-match.xml": {
        "Capulet": "Romeo and Juliet",
        "Demetrius": "A Midsummer-Night's Dream",
        "Lysander": "A Midsummer-Night's Dream",
        "Prospero": "The Tempest",
    },
    "qti21-qtisdk-order.xml": ["Michael Schumacher", "Rubens Barrichello", "Jenson Button"],
    "qti21-qtiworks-webdevtest-package.zip": ".html",
    "qti30-1edtech-choice-multiple.xml": ["Hydrogen", "Oxygen"],
    "qti30-1edtech-inlinechoice.xml": ["York"],
    "qti30-1edtech-match.xml": {
        "Capulet": "Romeo and Juliet",
        "Demetrius": "A Midsummer-Night's Dream",
        "Lysander": "A Midsummer-Night's Dream",
        "Prospero": "The Tempest",
    },
    "gift-moodlecore-questions.gift.txt": "yellow",
    "aiken-moodlecore-questions.txt": "Martin Dougiamas",
    "gift-gpegjs-formatphp-examples.gift": "no one",
    "gift-gpegjs-options.gift": "\\",
    "moodle-moodlecore-nested-categories.xml": True,
    "moodle-moodlecore-multichoice-multi.xml": ["London", "Paris"],
    "moodle-dimatools-multichoice.xml": "Correct answer 1",
    "moodle-dimatools-matching.xml": {"SELECT": "DQL", "ALTER": "DDL", "INSERT": "DML"},
    "moodle-dimatools-numerical.xml": (4.0, 0.0),
    "moodle-dimatools-shortanswer.xml": ["SELECT"],
    "aiken-qaseditor-moodlehistory.txt": "2.5",
}
# Samples that are not imported questions: where the manifest's sample lives instead.
SAMPLE_ELSEWHERE = {
    "moodle-moodlecore-cloze-alltypes.xml": ("skipped", "All CLOZE types in one question"),
    "moodle-gapfill-examples-images.xml": ("skipped", None),
    "moodle-dimatools-description.xml": ("description", "This is a very fancy description without"),
}

IMPORTER_FOR = {
    "moodle": "moodle",
    "gift": "gift",
    "aiken": "aiken",
    "qti21": "qti21",
    "qti30": "qti30",
}


def test_manifest_is_covered():
    assert len(ENTRIES) == 23
    good = {e["file"] for e in ENTRIES if not e["malformed"]}
    assert good == set(CORRECT) | set(SAMPLE_ELSEWHERE)  # (today the corpus has no malformed file;
    # test_security.py builds the refusals)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_corpus_file_imports_as_listed(entry):
    data = (INTEROP / entry["file"]).read_bytes()
    importer = IMPORTERS[IMPORTER_FOR[entry["format"]]]
    if entry["malformed"]:
        with pytest.raises(FormatError) as err:
            importer(data, source=entry["file"])
        assert str(err.value).startswith(entry["file"] + ": ")
        return
    result = importer(data, source=entry["file"])

    # counts by the format's own type names: imported + skipped (+ descriptions, not questions)
    counts = dict(result.by_source_type())
    for s in result.skipped:
        counts[s["type"]] = counts.get(s["type"], 0) + 1
    if result.descriptions:
        counts["description"] = len(result.descriptions)
    assert counts == entry["by_type"]
    assert len(result.questions) + len(result.skipped) == entry["questions"]
    assert len(result.descriptions) == DESCRIPTIONS.get(entry["file"], 0)

    skipped = {}
    for s in result.skipped:
        skipped[s["type"]] = skipped.get(s["type"], 0) + 1
        assert s["reason"] and s["name"]
    assert skipped == SKIPPED.get(entry["file"], {})

    # every imported question is a valid bank question once it has a criterion
    for q in result.questions:
        load_question(dict(q, criteria=q["criteria"] or ["X/Y"]))

    sample = entry["sample"]
    if entry["file"] in SAMPLE_ELSEWHERE:
        where, value = SAMPLE_ELSEWHERE[entry["file"]]
        if where == "skipped" and value:
            assert value in [s["name"] for s in result.skipped]
        if where == "description":
            from question_bank.formats._common import html_to_text

            assert html_to_text(result.descriptions[0]["text"]).startswith(sample["stem_starts"])
        return
    # (the QTIWorks items put a "Question N" heading before the text the manifest quotes)
    matches = [q for q in result.questions if sample["stem_starts"] in stem_text(q)]
    assert matches, f"no question has {sample['stem_starts']!r}"
    assert correct(matches[0]) == CORRECT[entry["file"]]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_detect_format_and_import_file(entry):
    if entry["malformed"]:
        pytest.skip("malformed: refused by test_corpus_file_imports_as_listed")
    data = (INTEROP / entry["file"]).read_bytes()
    expected = {"qti21": "qti", "qti30": "qti"}.get(entry["format"], entry["format"])
    assert detect_format(data, entry["file"]) == expected
    fmt, result = import_file(data, entry["file"], default_criteria=["HSCCLD327/K13"])
    assert fmt == expected
    assert all(q["criteria"] == ["HSCCLD327/K13"] for q in result.questions)


def test_gapfill_file_keeps_the_cloze_and_reports_the_rest():
    r = IMPORTERS["moodle"](
        (INTEROP / "moodle-gapfill-examples-images.xml").read_bytes(), source="g.xml"
    )
    (q,) = r.questions
    assert q["id"] == "GF24" and q["type"] == "short_answer"
    assert correct(q) == ["cat", "mat"]
    assert q["stem"].endswith("The {{g1}} sat on the {{g2}}")
    assert r.categories == ["Gapfill sample questions"]
    assert q["tags"] == ["core", "category:Gapfill sample questions"]
    reasons = {s["type"]: s["reason"] for s in r.skipped}
    assert "Gapfill" in reasons["gapfill"] and "drag-and-drop" in reasons["ddwtos"]


def test_cloze_alltypes_skip_reason_names_the_gaps():
    r = IMPORTERS["moodle"](
        (INTEROP / "moodle-moodlecore-cloze-alltypes.xml").read_bytes(), source="c.xml"
    )
    assert r.questions == []
    reason = r.skipped[0]["reason"]
    assert "gap 7 is a multiple-response (MULTIRESPONSE)" in reason
    assert "gap 11 is a numerical (NUMERICAL)" in reason


def test_qti_package_images_become_files():
    r = IMPORTERS["qti21"](
        (INTEROP / "qti21-qtiworks-webdevtest-package.zip").read_bytes(), source="p.zip"
    )
    assert list(r.files) == ["media/directory.jpg"]
    with zipfile.ZipFile(INTEROP / "qti21-qtiworks-webdevtest-package.zip") as zf:
        assert r.files["media/directory.jpg"] == zf.read("directory.jpg")
    q4 = next(q for q in r.questions if "Question 4" in q["stem"])
    assert 'src="media/directory.jpg"' in q4["stem"]
    q8 = next(q for q in r.questions if "Question 8" in q["stem"])
    assert [g["options"] for g in q8["gaps"]] == [
        ["in upper case", "in lower case"],
        ["dash (-)", "underline (_)", "full stop (.)"],
    ]
    assert any("empty drop-down choice" in w for w in r.warnings)
