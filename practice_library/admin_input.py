"""What reaches the admin from outside, kept to what the database can take.

- django-axes records every failed sign-in with its user name in a column of
  255 characters, so a longer name (anyone may type one) failed the insert
  and the sign-in page answered 500. ``lockout_username`` gives django-axes
  the name cut to that length (``AXES_USERNAME_CALLABLE``); Django's users
  have names of 150 characters at most, so no real name is cut.
- PostgreSQL refuses a NUL character in any text it is asked to compare, so
  an admin search, filter or autocomplete whose address held ``%00`` was a
  500. ``AdminNullCharacterMiddleware`` answers such a request under the
  admin's address with 400 and a message, before any view runs.
"""

from collections.abc import Callable
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

NULL_IN_ADDRESS = (
    "The address holds a null character (%00), which no search or filter can "
    "use. Remove it and try again."
)


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The user name django-axes records for a sign-in, cut to fit its column.

    Found as django-axes finds it by default: in the credentials given to
    ``authenticate()``, else in the posted form.
    """
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source: Any = credentials or getattr(request, "data", request.POST)
    username = source.get(field)
    if username is None:
        return None
    length = AccessAttempt._meta.get_field("username").max_length
    return str(username).replace("\x00", "")[:length]


def _has_null(request: HttpRequest) -> bool:
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


class AdminNullCharacterMiddleware:
    """400 for an admin address whose query string holds a NUL character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_admin = request.path_info.startswith("/" + settings.ADMIN_URL)
        if in_admin and _has_null(request):
            return self._refused(request)
        return self.get_response(request)

    def _refused(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.endswith("/autocomplete/"):
            # The admin's autocomplete widgets read JSON.
            return JsonResponse({"error": NULL_IN_ADDRESS}, status=400)
        context = {
            **admin.site.each_context(request),
            "title": "This address cannot be used",
            "message": NULL_IN_ADDRESS,
        }
        response = TemplateResponse(request, "admin/bad_request.html", context)
        response.status_code = 400
        return response.render()
