"""Course document -> SCORM 1.2 / 2004 4th Edition packages. Pure Python: no Flask, no database."""

from scorm_export.document import (
    CourseDocumentSchema,
    DocumentError,
    dump_document,
    load_document,
)

__all__ = ["CourseDocumentSchema", "DocumentError", "dump_document", "load_document"]
