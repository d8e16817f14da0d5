"""Build a course's SCORM package and the problems a provider must see before using it.

Moodle does not validate manifests (a broken one imports with launch = 0), so this check is the
only guard between a tutor's course and a learner's blank page. It also reports what the quizzes
really measure (course.authoring.quality): warnings, or errors when the course's quality gate is on;
and, when the course requires signed mappings, every question an IQA has not signed off (an error).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from course.authoring.document import export_course
from course.authoring.models import Course
from course.authoring.quality import document_quality, quality_problems
from course.evidence.signoff import export_problems
from scorm_export.checks import Problem, check_content, check_package
from scorm_export.package import build_package

STANDARDS = ("1.2", "2004")


@dataclass(frozen=True)
class PackageOptions:
    """What kind of package: SCORM version, one SCO or one per module, 2004 flow sequencing."""

    standard: str = "1.2"
    multi_sco: bool = False
    sequencing: bool = False

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise ValueError(f"unknown SCORM version {self.standard!r}: use 1.2 or 2004")
        if self.sequencing and (self.standard != "2004" or not self.multi_sco):
            raise ValueError("sequencing needs SCORM 2004 with one SCO per module")

    def filename(self, slug: str) -> str:
        """The download's file name, e.g. ``my-course-scorm12-multi.zip``."""
        version = "scorm12" if self.standard == "1.2" else "scorm2004"
        shape = "-multi" if self.multi_sco else ""
        return f"{slug}-{version}{shape}.zip"


@dataclass
class CheckedPackage:
    """A built package and everything the checks found in it and in the content."""

    data: bytes
    problems: list[Problem] = field(default_factory=list)  # the package's and the content's
    quality: list[Problem] = field(default_factory=list)  # what the quizzes measure, module by module

    @property
    def errors(self) -> list[Problem]:
        """Problems that block the download."""
        return [p for p in self.problems + self.quality if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems shown but not blocking."""
        return [p for p in self.problems + self.quality if p.severity != "error"]

    def quality_by_module(self) -> list[tuple[str, list[Problem]]]:
        """The quality problems grouped by module, in course order."""
        grouped: dict[str, list[Problem]] = {}
        for p in self.quality:
            grouped.setdefault(p.module or "", []).append(p)
        return list(grouped.items())


# The steps of building a checked package, as the job page shows them.
STEPS: tuple[str, ...] = ("building the course document", "checking quality", "writing the zip",
                          "validating the package")


def build_checked_package(course: Course, options: PackageOptions,
                          progress: Callable[[int, int, str], None] | None = None) -> CheckedPackage:
    """The course's package with the content checks and the package checks run on it;
    ``progress(step, of, note)`` is told as each of the four ``STEPS`` begins."""
    say = progress or (lambda done, total, note: None)
    say(1, len(STEPS), STEPS[0])
    document = export_course(course)
    say(2, len(STEPS), STEPS[1])
    quality = quality_problems(document_quality(document), block=course.block_export_on_findings)
    # The course's IQA gate: unsigned question mappings block the export while it is on.
    content = export_problems(course) + check_content(document)
    say(3, len(STEPS), STEPS[2])
    data = build_package(
        document,
        standard=options.standard,
        multi_sco=options.multi_sco,
        sequencing=options.sequencing,
    )
    say(4, len(STEPS), STEPS[3])
    return CheckedPackage(data, content + check_package(data), quality)
