"""CSV output for the API's list and detail endpoints.

A view that offers CSV answers with a ``Table`` (a header and flat rows) when
CSV was negotiated; this renderer writes it. Errors are never CSV: the API
views switch error responses to JSON before rendering.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import BaseRenderer

# A cell starting with one of these is read as a formula by spreadsheet
# programs (CSV injection); a leading apostrophe makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """The row with text cells that a spreadsheet would run as formulas defused."""
    return {
        name: f"'{value}"
        if isinstance(value, str) and value.startswith(_FORMULA_STARTS)
        else value
        for name, value in row.items()
    }


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Iterable[Mapping[str, Any]]
    filename: str = "export.csv"


def _cell(value: Any) -> Any:
    # Other values as Python's csv module writes them, like the page downloads.
    return "" if value is None else value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:  # 304 Not Modified, HEAD
            return b""
        if not isinstance(data, Table):
            raise TypeError("CSVRenderer renders a Table; the view must build one.")
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = f'inline; filename="{data.filename}"'
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=list(data.header), lineterminator="\r\n"
        )
        writer.writeheader()
        for row in data.rows:
            # Defused like the page downloads, so no cell runs as a formula.
            safe = spreadsheet_safe({name: row.get(name) for name in data.header})
            writer.writerow({name: _cell(value) for name, value in safe.items()})
        return out.getvalue().encode(self.charset)
