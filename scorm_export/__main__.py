"""``python -m scorm_export COURSE.json --standard 1.2|2004 [--multi-sco] [--sequencing] --out PKG.zip``

Builds a package from a course document file without the app, after the same checks the app
runs. Problems go to stderr as ``where: severity: message``; exit status 1 if any is an error
(no zip is written then), 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from question_bank.limits import COURSE_DOCUMENT_BYTES, TooLarge, read_at_most
from scorm_export.checks import check_content, check_package
from scorm_export.document import DocumentError, load_document
from scorm_export.package import build_package


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m scorm_export", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument("document", type=Path, help="course document JSON (docs/formats.md)")
    parser.add_argument("--standard", choices=["1.2", "2004"], default="1.2")
    parser.add_argument("--multi-sco", action="store_true", help="one SCO per module")
    parser.add_argument(
        "--sequencing", action="store_true", help="2004, one SCO per module: modules in order"
    )
    parser.add_argument("--out", type=Path, required=True, help="the zip to write")
    args = parser.parse_args(argv)
    try:
        doc = load_document(read_at_most(args.document, COURSE_DOCUMENT_BYTES))
        data = build_package(
            doc, standard=args.standard, multi_sco=args.multi_sco, sequencing=args.sequencing
        )
    except DocumentError as exc:
        for path, message in exc.problems:
            print(f"{args.document}:{path}: error: {message}", file=sys.stderr)
        return 1
    except TooLarge as exc:
        print(f"{args.document}: error: the document is {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        parser.error(str(exc))
    problems = check_package(data) + check_content(doc)
    for problem in problems:
        print(problem, file=sys.stderr)
    if any(p.severity == "error" for p in problems):
        return 1
    args.out.write_bytes(data)
    print(f"wrote {args.out} (SCORM {args.standard}, {len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
