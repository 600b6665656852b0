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
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)

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
    """One line per request, written when the answer is complete.

    A streamed answer (a download) is logged when its stream ends, with the
    time the whole stream took. A stream that fails midway has already sent
    its status line, so the client sees the connection drop without the
    final chunk; the log says ``aborted`` instead of the status, at ERROR,
    naming the error, so it is never taken for a complete download. One whose
    client went away is logged as ``closed``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse) and not isinstance(
            response, FileResponse
        ):
            chunks = cast(Iterator[bytes], response.streaming_content)
            logged = _LoggedStream(chunks, request, response, started)
            # Django closes streaming content (calls its close()) when the
            # server closes the response: the line is written even for a
            # stream that never started.
            response.streaming_content = logged
        else:
            _log(request, response.status_code, started)
        return response


def _log(
    request: HttpRequest,
    status: int,
    started: float,
    *,
    outcome: str = "",
    reason: str = "",
    level: int = logging.INFO,
) -> None:
    """The request's line: its status, or for a stream that did not end
    well, ``aborted`` or ``closed`` instead, then why."""
    milliseconds = (time.perf_counter() - started) * 1000
    method = printable(request.method or "")
    address = printable(client_address(request))
    logger.log(
        level,
        "%s %s %s %s %.1fms%s",
        address,
        method,
        loggable_path(request),
        outcome or status,
        milliseconds,
        f" ({reason})" if reason else "",
        extra={
            "client": address,
            "method": method,
            "status": status,
            "outcome": outcome or "complete",
            "duration_ms": round(milliseconds, 1),
        },
    )


class _LoggedStream:
    """A response's streamed content, logging its request once it ends."""

    def __init__(
        self,
        chunks: Iterable[Any],
        request: HttpRequest,
        response: HttpResponseBase,
        started: float,
    ):
        self._chunks = chunks
        self._request = request
        self._status = response.status_code
        self._started = started
        self._logged = False

    def _finish(self, outcome: str = "", reason: str = "", level=logging.INFO) -> None:
        if not self._logged:
            self._logged = True
            _log(
                self._request,
                self._status,
                self._started,
                outcome=outcome,
                reason=reason,
                level=level,
            )

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self._chunks
        except Exception as error:
            self._finish(
                "aborted",
                f"{type(error).__name__} after status {self._status} was sent: "
                "the client got an incomplete answer",
                logging.ERROR,
            )
            raise
        self._finish()

    def close(self) -> None:
        # Before the end of the stream: the client went away (or the
        # stream was never read).
        self._finish(
            "closed", "the client stopped reading before the end", logging.WARNING
        )
