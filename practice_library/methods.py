"""405 Method Not Allowed for a method an address does not take.

Django's CSRF check runs before the view and refuses, with 403 Forbidden,
any request but GET, HEAD, OPTIONS and TRACE that carries no token, so
``FOO /`` or ``PUT /initiatives/`` was "forbidden" where the answer is that
the address does not take that method at all. ``MethodNotAllowedMiddleware``
sits before the CSRF check and answers such a request with 405 and an
``Allow`` header naming what the address does take:

- a class-based view (every public page): the methods its class handles;
- Django REST framework's views are left to answer for themselves, in the
  API's JSON; any other 405 under /api/ becomes JSON too (``api_errors``);
- any other view (the admin's, feeds, sitemaps, robots.txt, /healthz):
  ``SITE_METHODS``, as no view of the site takes another method.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from rest_framework.views import APIView

SITE_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]


def allowed_methods(view: Callable) -> list[str] | None:
    """The methods ``view`` takes; None for a view that answers for itself."""
    api_view = getattr(view, "cls", None)
    if isinstance(api_view, type) and issubclass(api_view, APIView):
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return SITE_METHODS
    methods = [
        method.upper()
        for method in view_class.http_method_names
        if hasattr(view_class, method)
    ]
    if "GET" in methods and "HEAD" not in methods:
        methods.append("HEAD")  # Django's View answers HEAD with get()
    return methods


class MethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args, view_kwargs
    ) -> HttpResponse | None:
        allowed = allowed_methods(view_func)
        if allowed is None or request.method in allowed:
            return None
        return HttpResponseNotAllowed(allowed)
