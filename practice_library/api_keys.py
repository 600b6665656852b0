"""How a client sends an API key: ``Authorization: Api-Key <key>``, the same
as ``Authorization: Bearer <key>`` (what generic HTTP clients and generated
ones send), or an ``X-Api-Key`` header. Which keys are valid is the app's
business."""

from django.http import HttpRequest
from rest_framework.request import Request

KEYWORD = "Api-Key"
SCHEMES = (KEYWORD.lower(), "bearer")


def key_from_request(request: Request | HttpRequest) -> str | None:
    """The API key the request carries, if any."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() in SCHEMES:
        return credentials.strip()
    # Other schemes (e.g. Basic in front of a staging site) are not ours.
    key = request.headers.get("X-Api-Key")
    return key.strip() if key is not None else None
