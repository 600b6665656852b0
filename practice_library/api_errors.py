"""One JSON shape for every error the API gives, and never HTML under /api/.

Every error body is::

    {"status": 400, "code": "invalid", "detail": "One or more parameters are
     not valid.", "errors": {"page": ["There are only 3 pages."]}}

``errors`` names each bad query parameter with its problems (a 400, or the
404 of a page past the last); it is empty for errors that are not about a
parameter (401, 404, 429, ...).

DRF's exceptions get this shape from ``exception_handler``. Errors that happen
outside DRF (an unknown path under /api/, a server error, a method a plain
Django view refuses) are rewritten into it by ``ApiErrorMiddleware``, which
also refuses an overlong query string before anything else runs.
"""

from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

API_PATH_PREFIX = "/api/"

DETAILS = {
    400: "The request is not valid.",
    404: "There is nothing at this address. The API's endpoints are listed at "
    "/api/v1/ and described at /api/.",
    405: "This method is not allowed here; the API is read-only.",
    500: "The server failed to answer. The error has been logged; please try "
    "again later.",
}
# Codes for statuses Django answers itself, matching DRF's codes for the same.
CODES = {403: "permission_denied", 500: "server_error"}
INVALID_PARAMETERS = "One or more parameters are not valid; see 'errors'."


def error_body(
    status: int,
    detail: str | None = None,
    *,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "code": code
        or CODES.get(status)
        or HTTPStatus(status).phrase.lower().replace(" ", "_"),
        "detail": detail or DETAILS.get(status) or HTTPStatus(status).phrase + ".",
        "errors": errors or {},
    }


def _parameter_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(name): [str(message) for message in _as_list(messages)]
            for name, messages in detail.items()
        }
    return {"non_field_errors": [str(message) for message in _as_list(detail)]}


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


class ParameterNotFound(exceptions.NotFound):
    """A 404 caused by one parameter (a page past the last), named in errors."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.parameter_errors = {name: [message]}


def exception_handler(exc: Exception, context: dict) -> HttpResponse | None:
    """DRF's handler (status, headers such as Retry-After), our body."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: ApiErrorMiddleware shapes Django's 500
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            response.status_code,
            INVALID_PARAMETERS,
            code="invalid",
            errors=_parameter_errors(exc.detail),
        )
    else:
        detail = getattr(exc, "detail", None)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        response.data = error_body(
            response.status_code,
            str(detail) if isinstance(detail, str) else None,
            code=codes if isinstance(codes, str) else None,
            errors=getattr(exc, "parameter_errors", None),
        )
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def query_too_long(request: HttpRequest) -> JsonResponse | None:
    """The API's 400 for a query string over ``API_MAX_QUERY_LENGTH``.

    The server's own limit on the request line (gunicorn's
    ``limit_request_line``, set higher in gunicorn.conf.py) would answer a
    bare 414; this answers first, in the API's shape, naming the longest
    parameter.
    """
    query = request.META.get("QUERY_STRING", "")
    limit = settings.API_MAX_QUERY_LENGTH
    if len(query) <= limit:
        return None
    pairs = [pair.partition("=") for pair in query.split("&")]
    name, _, _ = max(pairs, key=lambda pair: len(pair[2]))
    shown = unquote(name, errors="replace")[:40] or "query"
    message = (
        f"The query string is {len(query):,} characters long; the API takes "
        f"at most {limit:,}."
    )
    return JsonResponse(
        error_body(400, INVALID_PARAMETERS, code="invalid", errors={shown: [message]}),
        status=400,
    )


class ApiErrorMiddleware:
    """Turn Django's own error pages under /api/ into the API's JSON errors.

    DRF views answer their errors in JSON already; this catches the rest: a
    path no URL matches, an uncaught exception (Django's 500 page, or the
    debug page), a refused method or CSRF failure on a plain view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            too_long = query_too_long(request)
            if too_long is not None:
                return too_long
        response = self.get_response(request)
        if (
            is_api_request(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return self._as_json(response)
        return response

    def _as_json(self, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        replacement = JsonResponse(error_body(status), status=status)
        for header in ("Allow", "WWW-Authenticate", "Retry-After", "Vary"):
            if header in response:
                replacement[header] = response[header]
        return replacement
