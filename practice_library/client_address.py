"""The address of the client behind a request: one answer for the sign-in
lock-out (django-axes), every rate limit (the API's, the suggestion form's,
the downloads') and the request log.

``X-Forwarded-For`` is a header anyone can send, so it is believed only as
far as ``TRUSTED_PROXY_COUNT`` says. With 0 (the default: the app faces
clients directly) the address is ``REMOTE_ADDR`` and the header is ignored.
With N reverse proxies in front, each appending the address it received the
request from, the client is the N-th address from the right: the one the
outermost trusted proxy saw. Whatever a client wrote to the left of it is
ignored, so no one can pose as another address; this is the rule of DRF's
``NUM_PROXIES``, which the settings keep equal.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting X-Forwarded-For only as configured."""
    remote = request.META.get("REMOTE_ADDR", "") or UNKNOWN
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if not forwarded:
        # Not through the proxies (a health check from the same host).
        return remote
    # Fewer addresses than proxies: the leftmost is still one a trusted proxy
    # appended, as in DRF.
    address = forwarded[-min(proxies, len(forwarded))]
    return address if _valid(address) else remote
