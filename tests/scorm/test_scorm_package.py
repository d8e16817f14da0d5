"""Package building: exact manifest values, XSD validity, determinism, launch data."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile

import pytest
import xmltodict
from make_golden import VARIANTS, golden_manifest
from scorm_support import STUB_PLAYER

from scorm_export.package import (
    build_package,
    merge_course_data,
    package_files,
    player_files,
    read_module_content,
)

HERE_GOLDEN = STUB_PLAYER.parent.parent / "golden"
M01, M02 = "m01-why-relationships", "m02-keeping-in-touch"
MODULE_FILES = [f"modules/{M01}.js", f"modules/{M02}.js"]
# Each module's file, then its quiz's (loaded when the quiz starts), in the zip's sorted order.
MODULE_AND_QUIZ_FILES = [f"modules/{M01}.js", f"modules/{M01}.quiz.js", f"modules/{M02}.js", f"modules/{M02}.quiz.js"]
STUB_FILES = ["course-data.js", "index.html", "launch.js", *MODULE_AND_QUIZ_FILES, "player.js"]
M01_OBJECTIVES = ["HSCCLD327-K12", "HSCCLD327-K13", "QCF-RELNET-1.1", "QCF-RELNET-1.2"]
M02_OBJECTIVES = ["HSCCLD327-K13", "HSCCLD327-K14"]
ALL_OBJECTIVES = [
    "HSCCLD327-K12",
    "HSCCLD327-K13",
    "HSCCLD327-K14",
    "QCF-RELNET-1.1",
    "QCF-RELNET-1.2",
]
COMBINATIONS = [
    {"standard": "1.2"},
    {"standard": "1.2", "multi_sco": True},
    {"standard": "2004"},
    {"standard": "2004", "multi_sco": True},
    {"standard": "2004", "multi_sco": True, "sequencing": True},
]


def manifest(doc, **options) -> dict:
    xml = package_files(doc, player_dir=STUB_PLAYER, **options)["imsmanifest.xml"]
    return xmltodict.parse(
        xml, force_list=("item", "file", "imsss:objective", "imsmd:keyword", "lom:keyword")
    )["manifest"]


def items_of(m: dict) -> list[dict]:
    return m["organizations"]["organization"]["item"]


def test_manifest_12_single_sco(course_doc):
    m = manifest(course_doc, standard="1.2")
    assert m["@identifier"] == "MANIFEST-relationships-fixture"
    assert m["@xmlns"] == "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    assert m["@xmlns:adlcp"] == "http://www.adlnet.org/xsd/adlcp_rootv1p2"
    assert m["metadata"]["schema"] == "ADL SCORM"
    assert m["metadata"]["schemaversion"] == "1.2"
    general = m["metadata"]["imsmd:lom"]["imsmd:general"]
    assert general["imsmd:title"]["imsmd:langstring"] == {
        "@xml:lang": "en-GB",
        "#text": "Relationships and wellbeing",
    }
    assert general["imsmd:language"] == "en-GB"
    assert [k["imsmd:langstring"]["#text"] for k in general["imsmd:keyword"]] == [
        "Relationships",
        "Wellbeing",
        "Social networks",
    ]
    assert m["organizations"]["@default"] == "ORG-relationships-fixture"
    # The two quizzes' pass marks differ (80%, 75%): no mastery score, the player's status counts.
    assert items_of(m) == [
        {
            "@identifier": "ITEM-relationships-fixture",
            "@identifierref": "RES-player",
            "@isvisible": "true",
            "title": "Relationships and wellbeing",
        }
    ]
    resource = m["resources"]["resource"]
    assert {k: v for k, v in resource.items() if k != "file"} == {
        "@identifier": "RES-player",
        "@type": "webcontent",
        "@adlcp:scormtype": "sco",
        "@href": "index.html",
    }
    assert [f["@href"] for f in resource["file"]] == STUB_FILES


def test_manifest_12_multi_sco(course_doc):
    m = manifest(course_doc, standard="1.2", multi_sco=True)
    assert items_of(m) == [
        {
            "@identifier": f"ITEM-{M01}",
            "@identifierref": f"RES-{M01}",
            "@isvisible": "true",
            "@parameters": f"?module={M01}",
            "title": "Why relationships matter",
        },
        {
            "@identifier": f"ITEM-{M02}",
            "@identifierref": f"RES-{M02}",
            "@isvisible": "true",
            "@parameters": f"?module={M02}",
            "title": "Keeping in touch",
        },
    ]
    # each SCO's resource: the launch page and its own module's files, the rest shared by dependency
    assert m["resources"]["resource"] == [
        {
            "@identifier": f"RES-{slug}",
            "@type": "webcontent",
            "@adlcp:scormtype": "sco",
            "@href": "index.html",
            "file": [{"@href": "index.html"}, {"@href": f"modules/{slug}.js"}, {"@href": f"modules/{slug}.quiz.js"}],
            "dependency": {"@identifierref": "RES-player"},
        }
        for slug in (M01, M02)
    ] + [
        {
            "@identifier": "RES-player",
            "@type": "webcontent",
            "@adlcp:scormtype": "asset",
            "file": [{"@href": "course-data.js"}, {"@href": "launch.js"}, {"@href": "player.js"}],
        }
    ]


def objectives_of(item: dict) -> tuple[dict, list[str]]:
    objectives = item["imsss:sequencing"]["imsss:objectives"]
    return objectives["imsss:primaryObjective"], [
        o["@objectiveID"] for o in objectives.get("imsss:objective", [])
    ]


def test_manifest_2004_single_sco(course_doc):
    m = manifest(course_doc, standard="2004")
    assert m["@xmlns"] == "http://www.imsglobal.org/xsd/imscp_v1p1"
    assert m["metadata"]["schemaversion"] == "2004 4th Edition"
    general = m["metadata"]["lom:lom"]["lom:general"]
    assert general["lom:description"]["lom:string"] == {
        "@language": "en-GB",
        "#text": "A short course on supporting relationships.",
    }
    assert m["resources"]["resource"]["@adlcp:scormType"] == "sco"
    assert [f["@href"] for f in m["resources"]["resource"]["file"]] == STUB_FILES
    [item] = items_of(m)
    assert item["@identifier"] == "ITEM-relationships-fixture" and "@parameters" not in item
    primary, ids = objectives_of(item)
    assert primary == {"@objectiveID": "relationships-fixture"}
    # none declared: the player creates each criterion's objective when a quiz is submitted, so an LMS
    # that re-sends every objective on every commit (Moodle 4.3) sends only those used
    assert ids == []
    assert "imsss:sequencing" not in m["organizations"]["organization"]


def test_manifest_2004_multi_sco(course_doc):
    m = manifest(course_doc, standard="2004", multi_sco=True)
    first, second = items_of(m)
    assert (first["@parameters"], second["@parameters"]) == (f"?module={M01}", f"?module={M02}")
    assert objectives_of(first) == ({"@objectiveID": M01}, M01_OBJECTIVES)
    assert objectives_of(second) == ({"@objectiveID": M02}, M02_OBJECTIVES)
    assert "imsss:sequencingRules" not in second["imsss:sequencing"]
    resources = m["resources"]["resource"]
    assert [(r["@identifier"], r["@adlcp:scormType"], r.get("@href")) for r in resources] == [
        (f"RES-{M01}", "sco", "index.html"),
        (f"RES-{M02}", "sco", "index.html"),
        ("RES-player", "asset", None),
    ]
    assert [f["@href"] for f in resources[1]["file"]] == ["index.html", f"modules/{M02}.js", f"modules/{M02}.quiz.js"]
    assert resources[1]["dependency"] == {"@identifierref": "RES-player"}


def test_manifest_2004_sequencing_takes_modules_in_order_without_mapinfo(course_doc):
    """Flow only (no jumping ahead from the menu), and each module retried until its own rule is met:
    nothing but the activity's own tracking, so no mapInfo (Moodle 4.3's importer dies on any)."""
    m = manifest(course_doc, standard="2004", multi_sco=True, sequencing=True)
    org = m["organizations"]["organization"]
    assert "@adlseq:objectivesGlobalToSystem" not in org
    assert org["imsss:sequencing"] == {"imsss:controlMode": {"@choice": "false", "@flow": "true"}}
    first, second = org["item"]
    for item, slug, ids in ((first, M01, M01_OBJECTIVES), (second, M02, M02_OBJECTIVES)):
        assert item["imsss:sequencing"]["imsss:sequencingRules"] == {
            "imsss:postConditionRule": {
                "imsss:ruleConditions": {
                    "@conditionCombination": "any",
                    "imsss:ruleCondition": [
                        {"@operator": "not", "@condition": "satisfied"},
                        {"@operator": "not", "@condition": "objectiveStatusKnown"},
                    ],
                },
                "imsss:ruleAction": {"@action": "retry"},
            }
        }
        assert objectives_of(item) == ({"@objectiveID": slug}, ids)
    xml = package_files(course_doc, player_dir=STUB_PLAYER, standard="2004", multi_sco=True, sequencing=True)
    assert b"mapInfo" not in xml["imsmanifest.xml"]


def test_module_without_a_quiz_is_retried_until_completed(course_doc):
    course_doc["modules"][1]["quiz"] = None
    m = manifest(course_doc, standard="2004", multi_sco=True, sequencing=True)
    conditions = items_of(m)[1]["imsss:sequencing"]["imsss:sequencingRules"]["imsss:postConditionRule"][
        "imsss:ruleConditions"]["imsss:ruleCondition"]
    assert [c["@condition"] for c in conditions] == ["completed", "activityProgressKnown"]


@pytest.mark.parametrize("options", COMBINATIONS, ids=lambda o: "-".join(map(str, o.values())))
def test_no_manifest_lets_an_lms_declare_a_pass_from_the_score(course_doc, options):
    """No masteryscore, no satisfiedByMeasure: Moodle's default "mastery score overrides status" would
    otherwise write passed at LMSFinish from the score alone (one module of a 23-module course at 100%
    passed the course), ignoring the per-criterion rule and the attempts left."""
    for module in course_doc["modules"]:
        module["quiz"]["pass_mark"] = 0.8  # one shared pass mark, which the old manifests declared
    xml = package_files(course_doc, player_dir=STUB_PLAYER, **options)["imsmanifest.xml"]
    for construct in (b"masteryscore", b"satisfiedByMeasure", b"minNormalizedMeasure", b"mapInfo"):
        assert construct not in xml


def test_module_without_quiz_has_no_mastery_score(course_doc):
    course_doc["modules"][1]["quiz"] = None
    m = manifest(course_doc, standard="1.2", multi_sco=True)
    assert "adlcp:masteryscore" not in items_of(m)[1]
    m = manifest(course_doc, standard="2004", multi_sco=True)
    assert items_of(m)[1]["imsss:sequencing"]["imsss:objectives"] == {
        "imsss:primaryObjective": {"@objectiveID": M02}
    }


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_golden_manifest(name):
    """Regenerate with: .venv/bin/python tests/scorm/make_golden.py (never edit by hand)."""
    assert golden_manifest(VARIANTS[name]) == (HERE_GOLDEN / name).read_bytes()


@pytest.mark.parametrize("options", COMBINATIONS, ids=lambda o: "-".join(map(str, o.values())))
def test_stub_packages_validate(scorm_kit, course_doc, tmp_path, options):
    from validate_scorm import validate_package

    path = tmp_path / "pkg.zip"
    path.write_bytes(build_package(course_doc, player_dir=STUB_PLAYER, **options))
    report = validate_package(str(path))
    assert (report["errors"], report["warnings"]) == ([], [])
    assert report["valid"] is True
    assert report["version"] == ("1.2" if options["standard"] == "1.2" else "2004 4th Edition")
    assert report["files"] == 9  # the stub's index.html and player.js, the outline, launch.js, 2 module and 2 quiz files, the manifest


@pytest.mark.parametrize("options", COMBINATIONS, ids=lambda o: "-".join(map(str, o.values())))
def test_real_player_packages_validate(scorm_kit, real_player, course_doc, tmp_path, options):
    from validate_scorm import validate_package

    path = tmp_path / "pkg.zip"
    path.write_bytes(build_package(course_doc, **options))
    report = validate_package(str(path))
    assert (report["errors"], report["warnings"]) == ([], [])
    assert report["valid"] is True
    assert report["files"] == len(player_files()) + 7  # the outline, launch.js, 2 module and 2 quiz files, the manifest


def test_build_twice_gives_the_same_bytes(course_doc):
    for options in COMBINATIONS:
        first = build_package(course_doc, player_dir=STUB_PLAYER, **options)
        again = build_package(json.loads(json.dumps(course_doc)), player_dir=STUB_PLAYER, **options)
        assert first == again


def test_zip_entries_are_sorted_with_fixed_time_and_mode(course_doc, tmp_path):
    # Copy the stub so the source files' own times and modes differ from what the zip says.
    player = tmp_path / "player"
    shutil.copytree(STUB_PLAYER, player)
    (player / "player.js").chmod(0o755)
    data = build_package(course_doc, player_dir=player)
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert [i.filename for i in infos] == [
        "course-data.js",
        "imsmanifest.xml",
        "index.html",
        "launch.js",
        *MODULE_AND_QUIZ_FILES,
        "player.js",
    ]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert data == build_package(course_doc, player_dir=STUB_PLAYER)


def test_course_data_carries_sanitised_page_html(course_doc):
    course_doc["modules"][1]["pages"][0]["body"] = (
        "Hello <script>alert(1)</script> [x](javascript:alert(1))"
    )
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    text = files["course-data.js"].decode("ascii")
    assert text.startswith("window.CC_COURSE = {") and text.endswith("};\n")
    outline = json.loads(text[len("window.CC_COURSE = ") : -2])
    data = merge_course_data(outline, [read_module_content(files, slug) for slug in (M01, M02)])
    # headings under the page title (its <h2>): the body's top level ("#" here) gives <h3>, "##" <h4>
    assert data["modules"][0]["pages"][0]["html"] == (
        "<h3>Belonging</h3>\n<p>Relationships give people a sense of <strong>belonging</strong>.</p>\n"
        "<h4>Who matters</h4>\n<p>Ask the individual who matters to them.</p>\n"
    )
    # Raw HTML is escaped and a javascript: link is not made a link.
    assert data["modules"][1]["pages"][0]["html"] == (
        "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>\n"
    )
    assert data["questions"][0]["stem_html"] == (
        "<p>Which of these best describes why relationships matter to <strong>wellbeing</strong>?</p>\n"
    )
    scenario = data["questions"][5]
    assert scenario["steps"][1]["question"]["stem_html"] == "<p>What would help most?</p>\n"


def test_stem_html_marks_gaps_for_the_player():
    from scorm_export.package import stem_html

    assert stem_html({"stem": "Call the **{{g1}}** lead", "stem_format": "markdown"}) == (
        '<p>Call the <strong><span data-gap="g1"></span></strong> lead</p>\n'
    )
    assert stem_html(
        {"stem": "<p onclick='x()'>{{g2}}</p><script>x()</script>", "stem_format": "html"}
    ) == ('<p><span data-gap="g2"></span></p>')


def run_launch_js(source: bytes, search: str) -> dict:
    script = (
        "const window = {location: {search: process.argv[1]}};\n"
        + source.decode("ascii")
        + "\nprocess.stdout.write(JSON.stringify(window.CC_LAUNCH));\n"
    )
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    out = subprocess.run([node, "-e", script, search], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("options", "search", "expected"),
    [
        (
            {"standard": "1.2"},
            "?module=m02-keeping-in-touch",
            {"adapter": "scorm12", "module": None},
        ),
        ({"standard": "2004"}, "", {"adapter": "scorm2004", "module": None}),
        (
            {"standard": "1.2", "multi_sco": True},
            "?module=m02-keeping-in-touch",
            {"adapter": "scorm12", "module": M02},
        ),
        (
            {"standard": "2004", "multi_sco": True},
            "?x=1&module=m01-why-relationships",
            {"adapter": "scorm2004", "module": M01},
        ),
        ({"standard": "2004", "multi_sco": True}, "", {"adapter": "scorm2004", "module": None}),
        (
            {"standard": "1.2", "multi_sco": True},
            "?module=%E0%A4%A",
            {"adapter": "scorm12", "module": None},
        ),
    ],
)
def test_launch_js(course_doc, options, search, expected):
    files = package_files(course_doc, player_dir=STUB_PLAYER, **options)
    assert run_launch_js(files["launch.js"], search) == expected


def test_single_sco_launch_js_bytes(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER, standard="2004")
    assert files["launch.js"] == b'window.CC_LAUNCH = {"adapter":"scorm2004","module":null};\n'


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"standard": "1.3"}, "unknown SCORM standard '1.3': use '1.2' or '2004'"),
        (
            {"standard": "1.2", "multi_sco": True, "sequencing": True},
            "sequencing needs standard='2004' and multi_sco=True",
        ),
        (
            {"standard": "2004", "sequencing": True},
            "sequencing needs standard='2004' and multi_sco=True",
        ),
    ],
)
def test_bad_options(course_doc, options, message):
    with pytest.raises(ValueError) as info:
        build_package(course_doc, player_dir=STUB_PLAYER, **options)
    assert str(info.value) == message


def test_player_without_index_is_refused(course_doc, tmp_path):
    (tmp_path / "player.js").write_text("")
    with pytest.raises(ValueError, match="the player has no index.html"):
        build_package(course_doc, player_dir=tmp_path)


def test_player_readme_and_tests_are_not_shipped(tmp_path):
    shutil.copytree(STUB_PLAYER, tmp_path / "p")
    (tmp_path / "p" / "tests").mkdir()
    (tmp_path / "p" / "tests" / "x.test.js").write_text("")
    (tmp_path / "p" / "marking.test.js").write_text("")
    assert sorted(player_files(tmp_path / "p")) == ["index.html", "player.js"]


def player_share(course_doc) -> tuple[int, int]:
    """(compressed, uncompressed) bytes of the player's files in the fixture course's zip."""
    data = build_package(course_doc)
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    player = [i for i in infos if i.filename in player_files()]
    assert len(player) == len(player_files())
    compressed, uncompressed = (
        sum(i.compress_size for i in player),
        sum(i.file_size for i in player),
    )
    print(f"player share: {compressed} bytes compressed, {uncompressed} bytes uncompressed")
    return compressed, uncompressed


def test_player_share_of_the_zip_is_under_60_kb(real_player, course_doc):
    assert player_share(course_doc)[0] < 60 * 1024


def test_player_files_are_under_84_kb_uncompressed(real_player, course_doc):
    """The budget of tests/player/test_player_size.py (JS and CSS, 84,000 bytes since issue 18), with index.html."""
    assert player_share(course_doc)[1] < 84 * 1024


def test_same_bytes_in_another_process_with_another_hash_seed(course_doc):
    import hashlib
    import os
    import sys

    from scorm_support import COURSE_JSON, ROOT

    script = (
        "import hashlib, json, sys\n"
        "from scorm_export.package import build_package\n"
        f"doc = json.loads(open({str(COURSE_JSON)!r}, 'rb').read())\n"
        f"data = build_package(doc, standard='2004', multi_sco=True, player_dir={str(STUB_PLAYER)!r})\n"
        "print(hashlib.sha256(data).hexdigest())\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    here = build_package(course_doc, standard="2004", multi_sco=True, player_dir=STUB_PLAYER)
    assert out.stdout.strip() == hashlib.sha256(here).hexdigest()
