"""Conditional GET keyed on the content version: ETag, Last-Modified and 304.

Every public answer depends only on the published content, which
``current_version()`` numbers, and on the request: its absolute URL (host,
path and query) and the negotiated format. So the validators can be worked
out before any query for the content, and a client whose copy is current gets
``304 Not Modified`` for the price of reading the version (usually a cache
hit, no SQL). Any publish, withdrawal or edit bumps the version, which changes
every ETag and Last-Modified at once.

Use it on a view whose output is the same for every visitor:

- DRF views: ``practice_library.viewsets.ConditionalContentMixin``;
- Django views: ``@conditional_on_content()`` on a function view, or
  ``method_decorator(conditional_on_content(), name="dispatch")`` on a class.

Not for pages that differ per visitor (signed-in curators, messages, forms
carrying a CSRF token): they would share one ETag.
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from practice_library import result_cache
from practice_library.content_version import current_version

CONDITIONAL_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Validators:
    etag: str  # quoted, with W/ when weak
    last_modified: datetime.datetime

    @property
    def timestamp(self) -> int:
        return int(self.last_modified.timestamp())


def content_validators(
    request: HttpRequest,
    variant: str = "",
    *,
    weak: bool = True,
    version: tuple[int, datetime.datetime] | None = None,
) -> Validators:
    """The ETag and Last-Modified of the answer to ``request``.

    ``variant`` names what else the answer depends on, such as the format
    negotiated from the Accept header. Weak by default: the same content may
    come out byte-for-byte different (e.g. compressed by a proxy). ``version``
    is the content version when the caller has read it already.
    """
    number, changed_at = version or current_version()
    digest = hashlib.sha256(
        f"{number}\n{request.build_absolute_uri()}\n{variant}".encode()
    ).hexdigest()[:32]
    etag = f'"{number}-{digest}"'
    return Validators(
        etag=f"W/{etag}" if weak else etag,
        last_modified=changed_at.replace(microsecond=0),
    )


def result_validators(
    request: HttpRequest,
    variant: str,
    results: str,
    *,
    last_modified: datetime.datetime,
) -> Validators:
    """The validators of an answer worked out from what it shows.

    ``results`` describes the answer's content completely but cheaply: for
    a page of entries, the total, each row's id with its latest public
    change, and anything else printed beside them. The ETag then changes
    only when this answer does, not with every public change. A list cannot
    know when an entry left it, so ``last_modified`` must be a time that
    any change to the answer moves forward (the library's latest public
    change): If-None-Match is the precise validator, If-Modified-Since the
    conservative one.
    """
    digest = hashlib.sha256(
        f"{request.build_absolute_uri()}\n{variant}\n{results}".encode()
    ).hexdigest()[:40]
    return Validators(
        etag=f'W/"r-{digest}"', last_modified=last_modified.replace(microsecond=0)
    )


# How long a list's validators are remembered for a content version when the
# result cache keeps nothing longer: the key names the version, so they can
# never be wrong, only forgotten.
RECALL_SECONDS = 3600


def _recall_key(request: HttpRequest, variant: str, number: int) -> str:
    digest = hashlib.sha256(
        f"{number}\n{request.build_absolute_uri()}\n{variant}".encode()
    ).hexdigest()[:40]
    return f"result-validators:{digest}"


def recalled_result_validators(
    request: HttpRequest, variant: str, *, version: int | None = None
) -> Validators | None:
    """The validators ``result_validators`` gave this request's answer at the
    content version (the current one unless given), if the cache remembers
    them.

    Within one content version nothing public changes, so neither does the
    answer: its 304 needs no query at all. Kept whether or not the result
    cache keeps answers: this is what a list's ETag is, not an answer.
    """
    number = current_version()[0] if version is None else version
    return cache.get(_recall_key(request, variant, number))


def remember_result_validators(
    request: HttpRequest, variant: str, validators: Validators, *, version: int
) -> None:
    """Remember a list's validators under the content version read before
    its results were: a change committed meanwhile gives a new version, so
    they are never remembered under a version they may not show."""
    cache.set(
        _recall_key(request, variant, version),
        validators,
        settings.RESULT_CACHE_SECONDS or RECALL_SECONDS,
    )


def set_validators(
    response: HttpResponseBase, validators: Validators, *, max_age: int | None = None
) -> None:
    """Put the validators and public caching headers on a response."""
    response["ETag"] = validators.etag
    response["Last-Modified"] = http_date(validators.timestamp)
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE if max_age is None else max_age,
    )


def conditional_response(
    request: HttpRequest, validators: Validators
) -> HttpResponse | None:
    """A 304 (or 412 for a failed If-Match) when the client's copy settles it.

    None when the request must be answered in full. Follows RFC 9110 §13.2.2:
    If-None-Match wins over If-Modified-Since.
    """
    response = get_conditional_response(
        request, etag=validators.etag, last_modified=validators.timestamp
    )
    if response is not None and response.status_code == 304:
        set_validators(response, validators)
    return response


# Headers that belong to a stored answer and are replayed with it.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link", "X-Total-Count", "Vary")


def _answer_key(validators: Validators) -> str:
    return f"answer:{validators.etag}"


def stored_answer(validators: Validators) -> HttpResponse | None:
    """The full answer stored for these validators, if the result cache has it.

    The ETag names the content version, the absolute URL and the variant, so
    an answer stored under it can only be the right one; any change to the
    content gives a new ETag.
    """
    if not result_cache.enabled():
        return None
    stored = cache.get(_answer_key(validators))
    if stored is None:
        return None
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    set_validators(response, validators)
    return response


def store_answer(response: HttpResponseBase, validators: Validators) -> None:
    """Keep a public 200 answer, once rendered, for the next identical request.

    Answers that set cookies or vary by cookie (a CSRF token, a session) are
    never kept, nor are streamed downloads.
    """
    if not result_cache.enabled() or response.status_code != 200:
        return
    if not isinstance(response, HttpResponse) or response.cookies:
        return  # a streamed answer is not an HttpResponse

    def keep(rendered: HttpResponse) -> None:
        if "cookie" in rendered.get("Vary", "").lower() or rendered.cookies:
            return
        headers = {name: rendered[name] for name in KEPT_HEADERS if name in rendered}
        cache.set(
            _answer_key(validators),
            (rendered.content, headers),
            settings.RESULT_CACHE_SECONDS,
        )

    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(keep)
    else:
        keep(response)


def conditional_on_content(
    variant: str = "html", *, vary: tuple[str, ...] = ()
) -> Callable:
    """Decorate a view to answer GET/HEAD conditionally on the content version.

    A 304 is returned before the view runs; a full 200 answer gets the ETag,
    Last-Modified and ``Cache-Control: public, max-age=...``.
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if request.method not in CONDITIONAL_METHODS:
                return view(request, *args, **kwargs)
            validators = content_validators(request, variant)
            early = conditional_response(request, validators) or stored_answer(
                validators
            )
            if early is not None:
                patch_vary_headers(early, vary)
                return early
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                set_validators(response, validators)
                patch_vary_headers(response, vary)
                store_answer(response, validators)
            return response

        return wrapped

    return decorator
