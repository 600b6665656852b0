"""One log line per request: method, path, status and duration.

The query string is kept, since it says what was searched, but the value of
any parameter whose name suggests a secret is replaced, and nothing from
headers, cookies or bodies (passwords, API keys, session ids) is logged.
"""

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("practice_library.requests")
SECRET_PARAMETER = re.compile(r"key|token|secret|password|passwd|session|csrf", re.I)
REDACTED = "[redacted]"


def loggable_path(request: HttpRequest) -> str:
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return path
    pairs = [
        (name, REDACTED if SECRET_PARAMETER.search(name) else value)
        for name, value in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{path}?{urlencode(pairs, safe='/:,')}"


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        milliseconds = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            loggable_path(request),
            response.status_code,
            milliseconds,
            extra={
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round(milliseconds, 1),
            },
        )
        return response
