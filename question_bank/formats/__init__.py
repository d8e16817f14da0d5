"""Exchange formats for the question bank (see README.md)."""
from ._common import FormatError, ImportResult
from .moodle import export_moodle, import_moodle

__all__ = ["FormatError", "ImportResult", "export_moodle", "import_moodle"]
