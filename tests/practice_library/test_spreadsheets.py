"""The one formula-safe way the site writes spreadsheets (CSV and XLSX)."""

import csv
import io

import openpyxl
import pytest
import tablib

from practice_library.spreadsheets import (
    FormulaSafeCSV,
    FormulaSafeWriter,
    FormulaSafeXLSX,
    formula_safe,
)
from tests.formula_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

# Values no spreadsheet runs, which must come out exactly as they went in.
HARMLESS = ["Street triage", "a=b", "1+1", "", " =1", "'=1", "e-mail", "\n=1"]


@pytest.mark.parametrize("payload", PAYLOADS, ids=repr)
def test_a_formula_start_gets_an_apostrophe_and_keeps_its_text(payload):
    assert formula_safe(payload) == "'" + payload


@pytest.mark.parametrize("value", [*HARMLESS, None, -5, 2.5, True], ids=repr)
def test_anything_else_is_left_as_it_is(value):
    assert formula_safe(value) == value


def test_the_writer_defuses_every_cell_and_reads_back_the_same_text():
    out = io.StringIO()

    FormulaSafeWriter(out).writerows([PAYLOADS, HARMLESS])

    payloads, harmless = csv.reader(io.StringIO(out.getvalue()))
    assert payloads == ["'" + payload for payload in PAYLOADS]
    assert harmless == HARMLESS


def _dataset() -> tablib.Dataset:
    return tablib.Dataset(
        *[(payload, 3) for payload in PAYLOADS],
        ("Street triage", -4),
        headers=["title", "number"],
    )


def test_the_admin_csv_format_writes_through_the_same_rule():
    text = FormulaSafeCSV().export_data(_dataset())

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["title", "number"]
    assert [row[0] for row in rows[1:]] == [
        *("'" + payload for payload in PAYLOADS),
        "Street triage",
    ]
    assert rows[-1][1] == "-4"  # a number is a number, not a formula


def test_the_admin_xlsx_format_stores_text_as_text_unchanged():
    book = openpyxl.load_workbook(io.BytesIO(FormulaSafeXLSX().export_data(_dataset())))

    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    # The value is kept whole (a leading "=" too) and typed as a string; XML,
    # which XLSX is made of, reads a carriage return back as a line feed.
    expected = [payload.replace("\r", "\n") for payload in PAYLOADS]
    assert [cell.value for cell in cells] == [*expected, "Street triage"]
    assert {cell.data_type for cell in cells} == {"s"}
    assert book.active.cell(row=len(PAYLOADS) + 2, column=2).value == -4


def test_the_admin_xlsx_format_replaces_characters_xlsx_cannot_hold():
    dataset = tablib.Dataset(("bell\x07 and nul\x00",), headers=["title"])

    book = openpyxl.load_workbook(io.BytesIO(FormulaSafeXLSX().export_data(dataset)))

    assert book.active["A2"].value == "bell\ufffd and nul\ufffd"
