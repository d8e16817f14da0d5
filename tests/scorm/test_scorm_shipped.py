"""Every package of the shipped course validates, passes the checks and fits SCORM 1.2 suspend_data."""

from __future__ import annotations

import pytest

from scorm_export.checks import check_content, check_package
from scorm_export.document import load_document
from scorm_export.package import build_package
from scorm_export.state import estimate_suspend_data

VARIANTS = [
    ("1.2", False, False),
    ("1.2", True, False),
    ("2004", False, False),
    ("2004", True, False),
    ("2004", True, True),
]


@pytest.fixture(scope="module")
def shipped() -> dict:
    from course.shipped import load_shipped_document

    return load_document(load_shipped_document())


@pytest.mark.parametrize(("standard", "multi", "sequencing"), VARIANTS)
def test_shipped_course_packages_validate(
    scorm_kit, real_player, shipped, tmp_path, standard, multi, sequencing
):
    from validate_scorm import validate_package

    data = build_package(shipped, standard=standard, multi_sco=multi, sequencing=sequencing)
    problems = check_package(data)
    assert [p for p in problems if p.severity == "error"] == []
    # One SCO for the course warns: in 1.2 that every module in progress at once could overflow its
    # suspend_data; in 2004 that Moodle's re-posted saves outgrow what a closing page can send.
    assert {(p.where, p.severity) for p in problems} <= {("course", "warning")}
    assert not problems or not multi
    if (standard, multi) == ("2004", False):
        assert [p.message[:60] for p in problems] == ["the course (one SCO): once its quizzes are taken, each SCORM"]
    path = tmp_path / "shipped.zip"
    path.write_bytes(data)
    report = validate_package(str(path))
    assert (report["errors"], report["warnings"]) == ([], [])
    assert report["version"] == ("1.2" if standard == "1.2" else "2004 4th Edition")


def test_shipped_content_has_no_accessibility_problems(shipped):
    assert check_content(shipped) == []


def test_largest_shipped_module_fits_12_suspend_data(shipped):
    sizes = {m["slug"]: estimate_suspend_data(shipped, m) for m in shipped["modules"]}
    slug = max(sizes, key=sizes.get)
    print(f"largest resumable state: {sizes[slug]} characters ({slug})")
    assert sizes[slug] <= 4096
