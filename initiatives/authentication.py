"""Who is calling the API, and how often they may: partner keys and rate limits.

A partner sends its key as ``Authorization: Api-Key <key>`` (or
``Authorization: Bearer <key>``, or in an ``X-Api-Key`` header). A key lifts the rate limit and lets a partner suggest
initiatives; reading needs no key, and a key grants nothing in the admin. A
missing key means an anonymous client; a wrong or revoked key is refused with
401, at once.

The rate limits themselves are plumbing (``practice_library.throttles``);
partners' suggestions have a rate of their own, here.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from initiatives.models import PartnerApiKey
from practice_library.api_keys import KEYWORD, key_from_request
from practice_library.throttles import KeyRateThrottle


def find_api_key(key: str) -> PartnerApiKey | None:
    """The active key matching ``key``; None for an unknown or revoked one."""
    prefix, dot, secret = key.partition(".")
    if not dot or len(prefix) != PartnerApiKey.PREFIX_LENGTH or not secret:
        return None
    found = PartnerApiKey.objects.active().filter(prefix=prefix).first()
    if found is None or not found.secret_matches(secret):
        return None
    return found


def note_use(api_key: PartnerApiKey) -> None:
    """Record that a key was used, at most about once a minute per key."""
    now = timezone.now()
    stale = now - PartnerApiKey.LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at > stale:
        return
    PartnerApiKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=api_key.pk
    ).update(last_used_at=now)
    api_key.last_used_at = now


class ApiKeyAuthentication(BaseAuthentication):
    """Recognise a partner by its API key; the user stays anonymous."""

    def authenticate(self, request: Request):
        key = key_from_request(request)
        if key is None:
            return None
        api_key = find_api_key(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid or has been revoked. Send a current "
                f"key as 'Authorization: {KEYWORD} <key>' (or 'Bearer <key>'), "
                "or none at all."
            )
        note_use(api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        # Both schemes carry the same partner key; the 401's body says how.
        return f'{KEYWORD} realm="api", Bearer realm="api"'


class PartnerSuggestionRateThrottle(KeyRateThrottle):
    """How many suggestions one partner key may send, beside its request rate."""

    scope = "partner-suggestions"
