"""One log line per request: client address, method, path, status and
duration.

The address is the client's as ``practice_library.client_address`` works it
out (behind trusted proxies, not the proxy's), so an abusive client can be
found and blocked.

The query string is kept, since it says what was searched, but the value of
any parameter whose name suggests a secret is replaced, and nothing from
headers, cookies or bodies (passwords, API keys, session ids) is logged.
Every field is written through ``practice_library.log_lines.printable``, so
a path such as ``/%0d%0a...`` or ``/%00`` cannot write a line of its own or
a raw control character, whichever handler the line goes to.
"""

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse

from practice_library.client_address import client_address
from practice_library.log_lines import printable

logger = logging.getLogger("practice_library.requests")
SECRET_PARAMETER = re.compile(r"key|token|secret|password|passwd|session|csrf", re.I)
REDACTED = "[redacted]"


def loggable_path(request: HttpRequest) -> str:
    """The path and query string, secrets redacted, on one printable line."""
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return printable(path)
    pairs = [
        (name, REDACTED if SECRET_PARAMETER.search(name) else value)
        for name, value in parse_qsl(query, keep_blank_values=True)
    ]
    # urlencode percent-encodes what the query string held, controls included.
    return printable(f"{path}?{urlencode(pairs, safe='/:,')}")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        milliseconds = (time.perf_counter() - started) * 1000
        method = printable(request.method or "")
        address = printable(client_address(request))
        logger.info(
            "%s %s %s %s %.1fms",
            address,
            method,
            loggable_path(request),
            response.status_code,
            milliseconds,
            extra={
                "client": address,
                "method": method,
                "status": response.status_code,
                "duration_ms": round(milliseconds, 1),
            },
        )
        return response
