"""Exchange formats for the question bank (see README.md)."""
from ._common import FormatError, ImportResult
from .gift import export_gift, import_gift
from .moodle import export_moodle, import_moodle

__all__ = ["FormatError", "ImportResult", "export_gift", "export_moodle", "import_gift", "import_moodle"]
