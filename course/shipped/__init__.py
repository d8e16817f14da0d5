"""The shipped course: "Relationships and support for carers".

`load_shipped_document()` builds the full course document (docs/formats.md, "Course document")
from the data files in this package and the five seed units. It is pure: no Flask, no database.
The result goes through the same validation and import as any user's course document.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parent
MODULES_DIR = SHIPPED_DIR / "modules"
WORDS_DIR = SHIPPED_DIR / "words"
FILES_DIR = SHIPPED_DIR / "files"
REPO_DIR = SHIPPED_DIR.parents[1]

# Seed file prefix -> framework code (docs/formats.md, "Framework").
SEED_CODES = {
    "000": "HSCCLD327",
    "001": "QCF-RELNET",
    "002": "NOS-EFFREL",
    "003": "NOS-CONTACT",
    "004": "HSCCLD222",
}


def seeds_dir() -> Path:
    """The seed units' folder: $CARECOURSE_SEEDS, else <repo>/../shared/seeds."""
    env = os.environ.get("CARECOURSE_SEEDS")
    if env:
        return Path(env)
    return REPO_DIR.parent / "shared" / "seeds"


def seed_files(directory: Path | None = None) -> list[tuple[str, Path]]:
    """(code, path) for the five seed units, in seed-number order."""
    directory = Path(directory) if directory is not None else seeds_dir()
    found = []
    for prefix, code in SEED_CODES.items():
        matches = sorted(directory.glob(f"{prefix}_*.txt"))
        if len(matches) != 1:
            raise FileNotFoundError(
                f"expected one seed file {prefix}_*.txt for {code} in {directory}, found {len(matches)}"
            )
        found.append((code, matches[0]))
    return found


def module_files() -> list[Path]:
    """The module files, in file-name order."""
    return sorted(MODULES_DIR.glob("*.json"), key=lambda p: p.name)


def load_module_files() -> list[tuple[Path, dict]]:
    """(path, {"module": ..., "questions": [...]}) for every module file, in file-name order."""
    out = []
    for path in module_files():
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        if not isinstance(data, dict) or "module" not in data or "questions" not in data:
            raise ValueError(f"{path.name}: expected an object with 'module' and 'questions'")
        out.append((path, data))
    return out


def load_course_block() -> dict:
    with (SHIPPED_DIR / "course.json").open(encoding="utf-8") as fh:
        return json.load(fh)["course"]


def load_frameworks(seeds: Path | None = None) -> list[dict]:
    """The five seed units parsed into frameworks, in seed-number order."""
    from course.units import parse_unit_file  # imported here: the parser is its own package

    return [parse_unit_file(path, code=code) for code, path in seed_files(seeds)]


# A page shows a diagram as ![alternative text](files/<name>.png): the PNG is in files/, rendered
# from its SVG source in files/src/ (rsvg-convert; README there), and travels in the document's
# "media" like any uploaded page image.
_PAGE_FILE = re.compile(r"(?<![\w/.-])files/([A-Za-z0-9_.-]+)")


def load_page_files(modules: list[dict]) -> dict[str, str]:
    """The images the modules' pages show, {"files/<name>": base64}, read from ``files/``."""
    media: dict[str, str] = {}
    for module in modules:
        for page in module.get("pages", []):
            for name in _PAGE_FILE.findall(page.get("body", "")):
                path = FILES_DIR / name
                if not path.is_file():
                    raise ValueError(f"module {module.get('slug')!r}, page {page.get('slug')!r}: "
                                     f"files/{name} is not in {FILES_DIR}")
                media[f"files/{name}"] = base64.b64encode(path.read_bytes()).decode("ascii")
    return media


def load_shipped_document(seeds_dir: Path | None = None) -> dict:
    """The whole shipped course as one course document."""
    modules = []
    questions = []
    for _path, data in load_module_files():
        modules.append(data["module"])
        questions.extend(data["questions"])
    document = {
        "format": "carecourse-course",
        "version": 1,
        "course": load_course_block(),
        "frameworks": load_frameworks(seeds_dir),
        "modules": modules,
        "questions": questions,
    }
    media = load_page_files(modules)
    if media:
        document["media"] = media
    return document
