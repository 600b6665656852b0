"""gzip for the API's data answers and the bulk downloads, and nothing else.

Django's GZipMiddleware compresses any answer; compressing a page that
carries a secret (a CSRF token in a form, a session) next to text an
attacker can reflect would open it to BREACH. So only answers under the
API and the downloads are compressed, and only their data formats (JSON,
JSON Lines, CSV): never HTML, such as the browsable API's forms. A client
that refuses gzip (``gzip;q=0``) gets the plain answer, which Django's
middleware would not honour on its own.
"""

import re

from django.middleware.gzip import GZipMiddleware

_GZIP_REFUSED = re.compile(r"(?:^|,)\s*gzip\s*;\s*q\s*=\s*0(?:\.0*)?\s*(?:,|$)", re.I)

COMPRESSED_PATHS = ("/api/v1/", "/downloads/")
COMPRESSED_TYPES = (
    "application/json",
    "application/jsonl",
    "application/x-ndjson",
    "application/vnd.oai.openapi",
    "text/csv",
)


class DataGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not request.path_info.startswith(COMPRESSED_PATHS) or not (
            content_type.startswith(COMPRESSED_TYPES)
        ):
            return response
        if _GZIP_REFUSED.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        return super().process_response(request, response)
