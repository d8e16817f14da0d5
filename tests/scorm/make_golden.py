"""Regenerate the golden manifests of the fixture course (never edit them by hand).

    .venv/bin/python tests/scorm/make_golden.py

Built with the stand-in player in fixtures/player-stub/, so they change only when the exporter
or the fixture course changes. tests/scorm/test_scorm_package.py compares against them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from scorm_export.package import package_files

VARIANTS = {
    "manifest-1.2.xml": {"standard": "1.2"},
    "manifest-1.2-multi.xml": {"standard": "1.2", "multi_sco": True},
    "manifest-2004.xml": {"standard": "2004"},
    "manifest-2004-multi.xml": {"standard": "2004", "multi_sco": True},
    "manifest-2004-multi-sequencing.xml": {
        "standard": "2004",
        "multi_sco": True,
        "sequencing": True,
    },
}


def golden_manifest(options: dict) -> bytes:
    """The manifest of the fixture course built with the stub player."""
    doc = json.loads((HERE / "fixtures" / "course.json").read_bytes())
    return package_files(doc, player_dir=HERE / "fixtures" / "player-stub", **options)[
        "imsmanifest.xml"
    ]


def main() -> None:
    for name, options in VARIANTS.items():
        (HERE / "golden" / name).write_bytes(golden_manifest(options))
        print(f"wrote tests/scorm/golden/{name}")


if __name__ == "__main__":
    main()
