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
    # a scenario, one step per sub-question: what each step takes as fully right
    "moodle-moodlecore-cloze-alltypes.xml": [
        ["50 B.C."], ["Obelix"], ["Australia"], ["Latin"], ["a Menhir"], ["59"],
        ["Lisa", "Marge"], ["being a soccer mom", "blue hair"], ["Bart", "Lisa", "Maggie"],
        ["20th Century Fox as a division of The Walt Disney Company.", "The Titanic submarine implosion",
         "Trump becomes president"],
        (32.0, 0.0), (212.0, 0.0), (1701.0, 0.0), ["Fahrenheit"], ["H<sub>2</sub>O"], ["Whisky"],
    ],
}
# Samples that are not imported questions: where the manifest's sample lives instead.
SAMPLE_ELSEWHERE = {
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


def test_cloze_with_every_sub_question_type_becomes_a_scenario():
    r = IMPORTERS["moodle"](
        (INTEROP / "moodle-moodlecore-cloze-alltypes.xml").read_bytes(), source="c.xml"
    )
    (q,) = r.questions
    assert r.skipped == []
    assert q["type"] == "scenario" and q["title"] == "All CLOZE types in one question"
    assert q["case"] == {"person": "", "setting": "", "situation": ""}
    # Moodle's own count: multichoice 10 (6 single, 4 multi), numerical 3, shortanswer 3
    types = [s["question"]["type"] for s in q["steps"]]
    assert types == ["short_answer"] * 6 + ["multiple_response"] * 4 + ["numeric"] * 3 + ["short_answer"] * 3
    # weights are points: {3:NUMERICAL:...} is worth 3, the question 15 + 3
    assert [s["question"]["points"] for s in q["steps"]][12] == 3.0 and q["points"] == 18.0
    assert "times <strong>[1]</strong></p>" in q["stem"] and "<strong>[16]</strong>" in q["stem"]
    assert q["steps"][12]["question"]["answers"] == [
        {"value": 1701.0, "tolerance": 0.0, "credit": 1.0, "feedback": "Exact match"},
        {"value": 1701.0, "tolerance": 20.0, "credit": 0.66, "feedback": "Within the tolerance of 20 years."},
        {"value": 1701.0, "tolerance": 50.0, "credit": 0.33, "feedback": "Within the tolerance of 20 years."},
    ]
    assert r.warnings == [
        "All CLOZE types in one question: sub-question 8: unequal credits of the right choices are not "
        "expressible (each right choice earns an equal share)",
        "All CLOZE types in one question: a Cloze with multiple-response or numerical sub-questions is "
        "imported as a scenario, one step per sub-question",
    ]
    # and it marks like Moodle: everything right is full marks; the 20-year band earns 0.66 of 3
    from question_bank import load_question, mark

    loaded = load_question(dict(q, criteria=["X/Y"]))
    answers = {
        "s1": {"g1": "50 B.C."}, "s2": {"g1": "Obelix"}, "s3": {"g1": "Australia"}, "s4": {"g1": "Latin"},
        "s5": {"g1": "a Menhir"}, "s6": {"g1": "59"}, "s7": ["a", "c"], "s8": ["a", "c"],
        "s9": ["a", "b", "d"], "s10": ["a", "b", "d"], "s11": 32, "s12": 212, "s13": 1701,
        "s14": {"g1": "Fahrenheit"}, "s15": {"g1": "H2O"}, "s16": {"g1": "Whisky"},
    }
    path = [f"s{n}" for n in range(1, 17)]
    assert mark(loaded, {"path": path, "answers": answers}).score == 18.0
    assert mark(loaded, {"path": path, "answers": dict(answers, s13=1690)}).score == 16.98  # 15 + 0.66 × 3


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
