"""Security headers the settings cannot give, and where the policy is widened.

The Content Security Policy (``CONTENT_SECURITY_POLICY`` in settings, written
by django-csp) allows no inline script or style, and the public pages need
none. Three kinds of pages we do not write ourselves carry a few inline bits:
the admin (Django's, django-import-export's and django-simple-history's
templates) and DRF's browsable API. For each, the policy is widened by the
hashes of exactly those bits, on those pages only, so no other inline script
or style runs there either. Swagger UI (/api/docs/) has its inline style
moved to a file by the override of its template
(templates/drf_spectacular/swagger_ui.html) and may show data: images.
"""

import base64
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from rest_framework.compat import pygments_css
from rest_framework.renderers import BrowsableAPIRenderer

UNSAFE_HASHES = "'unsafe-hashes'"


def csp_hash(source: str) -> str:
    """The CSP source that allows one inline script, style or attribute."""
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# Inline bits of the admin's templates, each exactly as the template has it.
ADMIN_STYLES = [
    # django/contrib/admin/templates/admin/change_list.html, lists without
    # actions (the record of state changes).
    "\n      #changelist table thead th:first-child {width: inherit}\n    ",
    # import_export/templates/admin/import_export/export.html
    "padding: 0;",
    "font-weight: bold;",
    # simple_history/templates/simple_history/object_history_list.html
    "border-top: 0",
]
ADMIN_SCRIPTS = [
    # import_export/templates/admin/import_export/export.html: "Select all".
    "onSelectToggleChange(event)",
]
# DRF's browsable API puts the CSS of its code highlighting in a <style>
# element (rest_framework/base.html); Pygments makes it, so it is hashed as
# made by the Pygments installed.
BROWSABLE_API_STYLES = [pygments_css(BrowsableAPIRenderer.code_style) or ""]


def _hashes(sources: list[str]) -> list[str]:
    return [UNSAFE_HASHES, *(csp_hash(source) for source in sources)]


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; the policy's per-area additions.

    Sits inside django-csp's middleware, so what it puts on the response is
    read when the Content-Security-Policy header is written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL
        self.admin_policy = {
            "script-src": _hashes(ADMIN_SCRIPTS),
            "style-src": _hashes(ADMIN_STYLES),
        }
        self.browsable_api_policy = {
            "style-src": [csp_hash(source) for source in BROWSABLE_API_STYLES]
        }
        # Swagger UI draws its icons as data: images.
        self.api_docs_path = reverse("api:docs")
        self.api_docs_policy = {"img-src": ["data:"]}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        addition = self.policy_addition(request, response)
        if addition:
            # What django-csp's csp_update decorator sets, read by its
            # middleware; HttpResponse's stubs cannot know it.
            response._csp_update = addition  # type: ignore[attr-defined]
        return response

    def policy_addition(
        self, request: HttpRequest, response: HttpResponse
    ) -> dict[str, list[str]] | None:
        if request.path_info.startswith(self.admin_prefix):
            return self.admin_policy
        if request.path_info == self.api_docs_path:
            return self.api_docs_policy
        if isinstance(
            getattr(response, "accepted_renderer", None), BrowsableAPIRenderer
        ):
            return self.browsable_api_policy
        return None
