"""A database that cannot be reached is a 503 at once, never a 500 or a hang.

While PostgreSQL restarts or is unreachable, every request that needs it
fails to connect within ``connect_timeout`` (settings), and this middleware
answers "503 Service Unavailable" with ``Retry-After``: a short page for
people, the API's JSON error under /api/. Nothing else is needed to recover:
Django drops the broken connection at the end of the request, and the next
request connects afresh.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from practice_library.api_errors import error_body, is_api_request

logger = logging.getLogger(__name__)

DETAIL = (
    "The library's database is not answering just now. Please try again in a "
    "few moments."
)


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # One line, no traceback: during an outage every request lands here.
        logger.error(
            "Database unavailable (%s) for %s %s; answered 503",
            type(exception).__name__,
            request.method,
            request.path,
        )
        response = unavailable_response(request)
        # Logged above: django.request need not add a line of its own. Django
        # reads this flag (django.utils.log.log_response) and offers no other
        # way; its stubs leave the attribute out.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if is_api_request(request):
        response = JsonResponse(error_body(503, DETAIL), status=503)
    else:
        # A page that needs no database: no context processors, no user.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
