"""CSV and XLSX writers shared by every report (views and CLI)."""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

# A spreadsheet runs a cell starting with these as a formula (CSV injection); text cells that
# start with one get a leading apostrophe. Numbers are written as numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A workbook being sent stays in memory up to this size, then moves to a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024


@dataclass
class Table:
    """A report as rows: one sheet of an XLSX file, or one CSV file.

    ``rows`` is a list, or a generator (``cohort.progress_stream``) that the writers read once."""

    title: str
    headers: list[str]
    rows: Any = field(default_factory=list)  # list[list[Any]] or Iterator[list[Any]]


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return _safe(value)


def csv_chunks(table: Table, rows_per_chunk: int = 200) -> Iterator[str]:
    """The table as CSV text in pieces (header row first, CRLF line ends as RFC 4180 says): what a
    streamed download sends, ``rows_per_chunk`` rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    n = 0
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
        n += 1
        if n % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def to_csv(table: Table) -> str:
    """The table as CSV text."""
    return "".join(csv_chunks(table))


def write_xlsx(tables: Sequence[Table] | Table, target: Any) -> None:
    """The tables as an XLSX workbook into ``target`` (a path or binary file), one sheet each,
    header row bold and frozen. openpyxl's write-only mode writes each row out as it is appended,
    so a generator of rows is never held in memory whole."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(tables, Table):
        tables = [tables]
    book = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.freeze_panes = "A2"
        header = []
        for value in table.headers:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
    book.save(target)


def to_xlsx(tables: Sequence[Table] | Table) -> bytes:
    """The tables as XLSX bytes (see ``write_xlsx``)."""
    out = io.BytesIO()
    write_xlsx(tables, out)
    return out.getvalue()


def xlsx_tempfile(tables: Sequence[Table] | Table) -> IO[bytes]:
    """The workbook written to a temporary file (in memory while small), rewound for reading."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    write_xlsx(tables, out)
    out.seek(0)
    return out


def file_chunks(handle: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """The file in pieces of ``size`` bytes, closed at the end (a streamed response body)."""
    try:
        while chunk := handle.read(size):
            yield chunk
    finally:
        handle.close()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _safe(value)


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name)
    return name


def rows_of(table: Table) -> Iterable[list[Any]]:
    """Header then rows, as written."""
    yield table.headers
    yield from table.rows
