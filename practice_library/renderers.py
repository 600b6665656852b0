"""CSV output for the API's list and detail endpoints.

A view that offers CSV answers with a ``Table`` (a header and flat rows) when
CSV was negotiated; this renderer writes it. Errors are never CSV: the API
views switch error responses to JSON before rendering.
"""

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rest_framework.renderers import BaseRenderer

from practice_library.spreadsheets import FormulaSafeWriter


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Iterable[Mapping[str, Any]]
    filename: str = "export.csv"


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
        # The site's one CSV writer (as the page downloads): no cell runs as a
        # formula in a spreadsheet.
        writer = FormulaSafeWriter(out, lineterminator="\r\n")
        writer.writerow(data.header)
        for row in data.rows:
            writer.writerow(row.get(name) for name in data.header)
        return out.getvalue().encode(self.charset)
