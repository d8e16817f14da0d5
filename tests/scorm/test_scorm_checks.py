"""Checks run before a provider downloads a package: the zip, the manifest, the content."""

from __future__ import annotations

import io
import zipfile

from scorm_support import STUB_PLAYER

from scorm_export.checks import Problem, audit_html, check_content, check_package
from scorm_export.package import build_package, package_files, zip_files


def rezip(files: dict[str, bytes]) -> bytes:
    return zip_files(files)


def test_a_built_package_has_no_problems(course_doc):
    for standard in ("1.2", "2004"):
        for multi in (False, True):
            data = build_package(
                course_doc, standard=standard, multi_sco=multi, player_dir=STUB_PLAYER
            )
            assert check_package(data) == []


def test_not_a_zip():
    assert check_package(b"PK nope") == [Problem("zip", "not a zip file: File is not a zip file")]


def test_missing_manifest(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    del files["imsmanifest.xml"]
    assert check_package(rezip(files)) == [
        Problem("imsmanifest.xml", "no imsmanifest.xml at the zip root")
    ]


def test_malformed_manifest(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    files["imsmanifest.xml"] = b"<manifest><oops></manifest>"
    [problem] = check_package(rezip(files))
    assert problem.where == "imsmanifest.xml"
    assert problem.message.startswith("not well-formed XML: mismatched tag")


def test_unlisted_and_missing_files_and_ids_with_spaces(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    files["extra/notes.txt"] = b"x"
    del files["player.js"]
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        b'identifier="ITEM-relationships-fixture"',
        b'identifier="ITEM relationships"',
    )
    assert check_package(rezip(files)) == [
        Problem(
            "imsmanifest.xml:/manifest/organizations/organization[0]/item[0]",
            "identifier 'ITEM relationships' is empty or has whitespace",
        ),
        Problem(
            "imsmanifest.xml:resource[RES-player]", "lists 'player.js', which is not in the zip"
        ),
        Problem("zip:extra/notes.txt", "not listed by any resource <file>"),
    ]


def test_unsafe_entry_and_missing_launch_file(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            if name != "index.html":
                zf.writestr(name, data)
        zf.writestr("../evil.txt", b"x")
    assert check_package(buffer.getvalue()) == [
        Problem("zip:../evil.txt", "unsafe entry name"),
        Problem(
            "imsmanifest.xml:resource[RES-player]", "lists 'index.html', which is not in the zip"
        ),
        Problem(
            "imsmanifest.xml:resource[RES-player]", "launch file 'index.html' is not in the zip"
        ),
        Problem("zip:../evil.txt", "not listed by any resource <file>"),
    ]


def test_content_of_the_fixture_is_clean(course_doc):
    assert check_content(course_doc) == []


def test_content_problems_name_module_and_page(course_doc):
    course_doc["course"]["language"] = ""
    page = course_doc["modules"][1]["pages"][0]
    page["body"] = (
        "## Contact\n\n#### Too deep\n\n![](photo.jpg)\n\n[](https://example.org)\n\n"
        "[![A map](map.png)](https://example.org/map)\n\n[Read more](https://example.org/more)"
    )
    course_doc["questions"][4]["stem"] = "Match each barrier. ![](chart.png)"
    problems = check_content(course_doc)
    assert problems == [
        Problem(
            "course.language",
            "the course has no valid language (e.g. en-GB), so screen readers guess",
        ),
        Problem(
            "modules[1].pages[0]",
            "module 'Keeping in touch', page 'Barriers to contact': "
            "heading level skipped: <h4> after <h2>",
            module="m02-keeping-in-touch",
            page="barriers",
        ),
        Problem(
            "modules[1].pages[0]",
            "module 'Keeping in touch', page 'Barriers to contact': "
            "image 'photo.jpg' has no alt text",
            module="m02-keeping-in-touch",
            page="barriers",
        ),
        Problem(
            "modules[1].pages[0]",
            "module 'Keeping in touch', page 'Barriers to contact': "
            "link to 'https://example.org' has no text",
            module="m02-keeping-in-touch",
            page="barriers",
        ),
        Problem(
            "modules[1].quiz",
            "module 'Keeping in touch', quiz question 'rel-k14-contact-1' v1 stem: "
            "image 'chart.png' has no alt text",
            module="m02-keeping-in-touch",
            page="quiz",
        ),
    ]


def test_audit_html_headings_start_below_the_page_title():
    assert audit_html("<h3>a</h3><h4>b</h4><h2>c</h2><h3>d</h3>") == []
    assert audit_html("<h4>a</h4>") == ["heading level skipped: <h4> after <h2>"]
    assert (
        audit_html(
            '<a href="x" aria-label="Close"></a><a href="y"><img src="i.png" alt="Home"></a>'
        )
        == []
    )


def test_course_data_that_is_not_the_players(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    files["course-data.js"] = b"var x = 1;\n"
    assert check_package(rezip(files)) == [
        Problem("zip:course-data.js", "does not hold the course document as window.CC_COURSE"),
    ]


def test_objective_id_with_a_space_in_a_2004_manifest(course_doc):
    files = package_files(course_doc, standard="2004", multi_sco=True, player_dir=STUB_PLAYER)
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace(
        b'objectiveID="HSCCLD327-K14"', b'objectiveID="HSCCLD327 K14"'
    )
    [problem] = check_package(rezip(files))
    assert problem.message == "objectiveID 'HSCCLD327 K14' is empty or has whitespace"
    assert problem.where.endswith("/item[1]/imsss:sequencing/imsss:objectives/imsss:objective[1]")


def test_course_data_json_that_is_not_a_course(course_doc):
    files = package_files(course_doc, player_dir=STUB_PLAYER)
    files["course-data.js"] = b'window.CC_COURSE = {"modules": [{"title": 1}]};\n'
    assert check_package(rezip(files)) == [
        Problem("zip:course-data.js", "does not hold the course document as window.CC_COURSE"),
    ]


def test_a_one_sco_2004_course_whose_saves_outgrow_a_closing_page_is_warned():
    """Moodle re-posts every 2004 interaction on each save: one SCO for the shipped course grows past
    what a closing page can send (64 KiB); one SCO per module, or 1.2, stays small."""
    from course.shipped import load_shipped_document

    from scorm_export.checks import check_commit_size, estimate_commit_bytes
    from scorm_export.document import load_document

    doc = load_document(load_shipped_document())
    [warning] = check_commit_size(doc, "2004", multi_sco=False)
    assert (warning.where, warning.severity) == ("course", "warning")
    assert warning.message.startswith("the course (one SCO): once its quizzes are taken, each SCORM 2004 save can reach about ")
    assert "Export one SCO per module, or SCORM 1.2" in warning.message
    assert check_commit_size(doc, "2004", multi_sco=True) == []
    assert check_commit_size(doc, "1.2", multi_sco=False) == []
    # module 1 as Moodle would post it after its quiz (tests/scorm/test_scorm_shipped_harness.py measures ~12 KB)
    assert 10_000 < estimate_commit_bytes(doc, [doc["modules"][0]]) < 16 * 1024
