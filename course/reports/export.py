"""CSV and XLSX writers shared by every report (views and CLI)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# A spreadsheet runs a cell starting with these as a formula (CSV injection); text cells that
# start with one get a leading apostrophe. Numbers are written as numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A report as rows: one sheet of an XLSX file, or one CSV file."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


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


def to_csv(table: Table) -> str:
    """The table as CSV text (header row first, CRLF line ends as RFC 4180 says)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(tables: Sequence[Table] | Table) -> bytes:
    """The tables as an XLSX workbook, one sheet each (header row bold and frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if isinstance(tables, Table):
        tables = [tables]
    book = Workbook(write_only=False)
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        sheet = book.create_sheet(name)
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
