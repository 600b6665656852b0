"""What every API endpoint shares: a read-only viewset over public objects.

- a list is filtered by the view's ``filterset_class`` through django-filter's
  backend, which drf-spectacular documents; every bad parameter is reported
  at once, as a 400 naming each one;
- a parameter the endpoint does not read is a 400 naming it and the names
  it accepts (``StrictParametersMixin``), so a misspelt filter never
  silently returns everything;
- ``page`` and ``page_size`` are validated by the pages' ``PageForm``, and a
  page past the last is a 404, as for any address with nothing at it;
- JSON by default, CSV with ``?format=csv`` or ``Accept: text/csv``;
- ETag, Last-Modified and ``Cache-Control: public`` on GETs, with 304
  answered before any query for the content (``practice_library.conditional``),
  and not counted against the rate limit;
- errors in one JSON shape (``practice_library.api_errors``), never CSV or
  HTML.
"""

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django_filters import FilterSet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, routers, serializers, status, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from practice_library.api_errors import ParameterNotFound
from practice_library.api_keys import key_from_request
from practice_library.conditional import (
    CONDITIONAL_METHODS,
    Validators,
    conditional_response,
    content_validators,
    recalled_result_validators,
    remember_result_validators,
    result_validators,
    set_validators,
    store_answer,
    stored_answer,
)
from practice_library.content_version import Version, cached_version, current_version
from practice_library.filters import FilterBackend, raise_for_parameters
from practice_library.openapi import FORMAT, PAGING, slug_parameter
from practice_library.paging import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    PAGING_PARAMETERS,
    NoSuchPage,
    PageForm,
    page_of,
)
from practice_library.parameters import more_than_one, unknown_parameters
from practice_library.renderers import CSVRenderer, Table

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
# The request headers that can make an answer a 304 (or a 412).
CONDITIONAL_HEADERS = frozenset(
    {
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_MATCH",
        "HTTP_IF_UNMODIFIED_SINCE",
    }
)


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, but an unknown ?format= is a 400 naming ``format``."""

    def select_renderer(self, request, renderers, format_suffix=None):
        chosen = request.query_params.getlist(self.settings.URL_FORMAT_OVERRIDE)
        if chosen and chosen != [""]:  # empty means not given, as for DRF
            formats = [renderer.format for renderer in renderers]
            problem = more_than_one(chosen)
            if problem:
                raise exceptions.ValidationError({"format": [problem]})
            if chosen[0] not in formats:
                raise exceptions.ValidationError(
                    {"format": [f"Choose one of: {', '.join(formats)}."]}
                )
        return super().select_renderer(request, renderers, format_suffix)


class StrictParametersMixin:
    """Refuse query parameters the view does not read, with a 400 naming them.

    ``accepted_parameters()`` is worked out from what the view reads (its
    FilterSet's filters, the paging, ``format``), never listed by hand, so a
    new filter is accepted as soon as it exists. The check runs before
    anything else (authentication, throttles, the 304), so the answer does not
    depend on the client.
    """

    def accepted_parameters(self) -> set[str]:
        return {api_settings.URL_FORMAT_OVERRIDE}

    def initial(self, request, *args, **kwargs):
        unknown = unknown_parameters(request.query_params, self.accepted_parameters())
        # A method the view does not take is its 405 first, whatever the query.
        takes_method = hasattr(self, request.method.lower())
        if unknown and takes_method:
            raise exceptions.ValidationError(
                {name: [message] for name, message in unknown.items()}
            )
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class ValidatedPageNumberPagination(PageNumberPagination):
    """Pages of 20 (``page_size`` up to 100); a page past the last is a 404.

    A 404 as for any other address with nothing at it (the schema says so):
    a list can shrink while a client pages through it, so a client that
    must not miss an entry syncs through the changes feed instead, whose
    links never fail.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None, *, result_key=None):
        """The page asked for; ``result_key`` names the results in the result
        cache (``practice_library.result_cache``), when they are there."""
        form = PageForm(request.query_params)
        raise_for_parameters(form)  # reported earlier, with the other parameters
        try:
            self.page = page_of(
                queryset, form, default_size=self.page_size, result_key=result_key
            )
        except NoSuchPage as error:
            raise ParameterNotFound("page", str(error)) from None
        self.request = request
        return list(self.page)

    @property
    def page_number(self) -> int:
        assert self.page is not None
        return self.page.number

    @property
    def count(self) -> int:
        """How many entries the whole list has."""
        assert self.page is not None
        return self.page.paginator.count

    def links(self) -> dict[str, str]:
        """RFC 8288 Link and X-Total-Count headers, for JSON and CSV alike."""
        assert self.page is not None
        links = []
        for rel, url in (
            ("next", self.get_next_link()),
            ("prev", self.get_previous_link()),
        ):
            if url:
                links.append(f'<{url}>; rel="{rel}"')
        headers = {"X-Total-Count": str(self.page.paginator.count)}
        if links:
            headers["Link"] = ", ".join(links)
        return headers

    def envelope(self, results: Any) -> dict[str, Any]:
        assert self.page is not None
        return {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }


class WholeListPagination(ValidatedPageNumberPagination):
    """For small reference lists (the 43 areas, the themes): all on one page
    unless a smaller ``page_size`` is asked for."""

    page_size = MAX_PAGE_SIZE


class _Answered(Exception):
    """Carries a response decided before the handler ran (a 304)."""

    def __init__(self, response: HttpResponse):
        self.response = response


class ConditionalContentMixin:
    """ETag/Last-Modified/Cache-Control on GETs, 304 before any serialisation.

    A client's current copy is answered 304 after authentication (a revoked
    key is still refused) and content negotiation (CSV and JSON have their
    own ETags), but before the rate limit: as in GitHub's API, a 304 is not
    counted, since it costs the library next to nothing and conditional
    requests are what a polling client should send. Most 304s are answered
    even earlier, by ``NotModifiedMiddleware``. A full answer kept in the
    result cache counts like any other. Errors are always rendered as JSON,
    whatever was negotiated.
    """

    validators: Validators | None = None
    #: Whether the list's validators come from its own results
    #: (``answer_from_results``) rather than from the content version.
    list_validators_from_results = False
    _throttles_deferred = False
    _version: Version | None = None

    def entry_version(self) -> Version | None:
        """The version of what this answer shows, when it is one entry's:
        its validators then change only when that entry's public state does,
        not with every public change. None: the content version keys them."""
        return None

    def keys_on_results(self) -> bool:
        return self.list_validators_from_results and self.action == "list"  # type: ignore[attr-defined]

    def check_throttles(self, request):
        # DRF's initial() calls this last, once the key and format are known.
        if request.method in CONDITIONAL_METHODS:
            if self.keys_on_results():
                variant = api_variant(request.accepted_renderer.format)
                # Read before the results: what they are remembered under.
                self._version = current_version()
                self.validators = recalled_result_validators(
                    request, variant, version=self._version[0]
                )
                if self.validators is not None:
                    early = conditional_response(request, self.validators)
                    if early is not None:
                        raise _Answered(early)
                elif CONDITIONAL_HEADERS.intersection(request.META):
                    # Whether this is a 304, which is not counted, is known
                    # only once the results are: answer_from_results decides.
                    self._throttles_deferred = True
                    return
            else:
                variant = api_variant(request.accepted_renderer.format)
                entry = self.entry_version()
                if entry is not None:
                    # Its own namespace: an entry's number is not a content version.
                    variant += ":entry"
                self.validators = content_validators(request, variant, version=entry)
                early = conditional_response(request, self.validators)
                if early is not None:
                    raise _Answered(early)
        super().check_throttles(request)  # type: ignore[misc]

    def answer_from_results(self, results: str) -> HttpResponseBase | None:
        """Set a list's validators from a description of its results
        (``practice_library.conditional.result_validators``), and answer
        early when they settle it: a 304 (not counted against the rate
        limit), else the stored answer. None: the view renders the answer.

        The validators are remembered for the content version, so that a
        repeated request, or its 304, is answered before any query."""
        request = self.request  # type: ignore[attr-defined]
        if request.method not in CONDITIONAL_METHODS:
            return None
        variant = api_variant(request.accepted_renderer.format)
        number, changed_at = self._version or current_version()
        self.validators = result_validators(
            request, variant, results, last_modified=changed_at
        )
        remember_result_validators(request, variant, self.validators, version=number)
        early = conditional_response(request, self.validators)
        if early is not None:
            return early
        if self._throttles_deferred:
            self._throttles_deferred = False
            super().check_throttles(request)  # type: ignore[misc]
        if request.accepted_renderer.format == "api":  # the browsable API
            return None
        return stored_answer(self.validators)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if self.validators is not None and request.accepted_renderer.format != "api":
            early = stored_answer(self.validators)
            if early is not None:
                raise _Answered(early)

    def handle_exception(self, exc):
        if isinstance(exc, _Answered):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if isinstance(response, Response) and (
            response.status_code >= 400
            # Only a Table is CSV: what else was asked for as CSV (an
            # OPTIONS description, say) is answered in JSON.
            or (
                response.accepted_renderer.format == CSVRenderer.format
                and not isinstance(response.data, Table)
            )
        ):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        if response.status_code == status.HTTP_200_OK:
            licence = f'<{settings.DATA_LICENCE["url"]}>; rel="license"'
            links = response.get("Link")
            if not links:
                response["Link"] = licence
            elif licence not in links:  # a stored answer has it already
                response["Link"] = f"{links}, {licence}"
        validators = self.validators
        if validators is not None and response.status_code == status.HTTP_200_OK:
            set_validators(response, validators)
            if request.method == "HEAD" and isinstance(response, Response):
                return unrendered(response)
            if request.accepted_renderer.format != "api":  # the browsable API
                store_answer(response, validators)
        return response


def unrendered(response: Response) -> HttpResponse:
    """A HEAD answer: the GET's status and headers, with the body never
    rendered (serialising a page of 100 entries only to drop it)."""
    renderer = response.accepted_renderer
    content_type = renderer.media_type
    if renderer.charset:
        content_type += f"; charset={renderer.charset}"
    head = HttpResponse(status=response.status_code, content_type=content_type)
    for name, value in response.items():
        if name.lower() != "content-type":
            head[name] = value
    return head


def api_variant(renderer_format: str) -> str:
    """What, beside the URL, an API answer's ETag depends on: its format."""
    return f"api:{renderer_format}"


class NotModifiedMiddleware:
    """Answer an anonymous client's current copy of an API answer with 304, early.

    A client polling the API sends back the ETag it holds. Sessions, CSRF,
    authentication, URL handling and DRF's dispatch cost several times what
    the answer itself does, so the common case is settled here, from the
    content version in the shared cache alone: a GET or HEAD with
    If-None-Match, no API key, the default format (JSON: no ``?format=`` and
    an Accept of ``*/*`` or ``application/json``), for an address served by
    ``ConditionalContentMixin``; for a list keyed on its results, from the
    validators its view remembered for this content version. Everything
    else (a key to check, another format, If-Match, a version or a list's
    validators not in the cache, an ETag that is not current) goes on to the
    view, which answers in the same way. It sits
    inside CorsMiddleware, so a 304 has the same headers either way, and
    inside ApiErrorMiddleware, so an error (a Host not allowed) is JSON. It can
    only answer 304 to an ETag that the view gave for JSON at this address
    and content version, so a view that would answer otherwise (another
    format first, say) is never answered wrongly here, only not early.
    """

    PLAIN_ACCEPT = frozenset({"*/*", "application/json"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.not_modified(request)
        return self.get_response(request) if response is None else response

    def not_modified(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        if (
            request.method not in CONDITIONAL_METHODS
            or "HTTP_IF_NONE_MATCH" not in meta
            or "HTTP_IF_MATCH" in meta
            or "HTTP_IF_UNMODIFIED_SINCE" in meta
            or meta.get("HTTP_ACCEPT", "*/*") not in self.PLAIN_ACCEPT
            or api_settings.URL_FORMAT_OVERRIDE in request.GET
            or key_from_request(request) is not None
        ):
            return None
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return None
        view_class = getattr(view, "cls", None)
        if not (
            isinstance(view_class, type)
            and issubclass(view_class, ConditionalContentMixin)
        ):
            return None
        version = cached_version()
        if version is None:
            return None
        variant = api_variant(JSONRenderer.format)
        actions = getattr(view, "actions", None) or {}
        if view_class.list_validators_from_results and actions.get("get") == "list":
            # Its validators come from its results: known here only when
            # remembered for this content version; else the view decides.
            recalled = recalled_result_validators(request, variant, version=version[0])
            if recalled is None:
                return None
            validators = recalled
        else:
            validators = content_validators(request, variant, version=version)
        response = conditional_response(request, validators)
        if response is None or response.status_code != status.HTTP_304_NOT_MODIFIED:
            return None
        patch_vary_headers(response, ["Accept"])  # as DRF's negotiation does
        return response


class PublicReadOnlyViewSet(
    StrictParametersMixin, ConditionalContentMixin, viewsets.ReadOnlyModelViewSet
):
    """A read-only collection of public objects, looked up by slug."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    content_negotiation_class = ContentNegotiation
    pagination_class = ValidatedPageNumberPagination
    not_found_detail = "Nothing public has this slug."
    csv_filename = "export.csv"
    schema_noun = "entry"
    paginator: ValidatedPageNumberPagination

    def schema_parameters(self, action: str) -> list[OpenApiParameter]:
        """Query and path parameters for the OpenAPI schema (``ApiSchema``)."""
        if action == "list":
            return [*PAGING, FORMAT]
        return [slug_parameter(self.schema_noun), FORMAT]

    def accepted_parameters(self) -> set[str]:
        """``format``; for a list, the paging and its FilterSet's filters."""
        accepted = super().accepted_parameters()
        if self.lists:
            accepted |= set(PAGING_PARAMETERS)
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                accepted |= set(filterset_class.base_filters)
        return accepted

    @property
    def lists(self) -> bool:
        """Whether the request is for the list (OPTIONS too), not an entry."""
        return self.action == "list" or (
            self.action != "retrieve" and self.lookup_field not in self.kwargs
        )

    def wants_csv(self) -> bool:
        return self.request.accepted_renderer.format == CSVRenderer.format

    def get_filterset(self) -> FilterSet | None:
        """The list's FilterSet, as django-filter's backend builds it (None
        when the view has none)."""
        return FilterBackend().get_filterset(self.request, self.get_queryset(), self)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.page_response(page)

    def page_response(self, page: Sequence | None, **extra: Any) -> Response:
        page = page or []  # always a page here: every list is paginated
        headers = self.paginator.links()
        if self.wants_csv():
            return Response(self.csv_table(page), headers=headers)
        results = self.get_serializer(page, many=True).data
        return Response(self.paginator.envelope(results) | extra, headers=headers)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if self.wants_csv():
            return Response(self.csv_table([instance]))
        return Response(self.get_serializer(instance).data)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            self.raise_if_withdrawn(self.kwargs[self.lookup_field])
            raise exceptions.NotFound(self.not_found_detail) from None

    def raise_if_withdrawn(self, slug: str) -> None:
        """Entries that have a tombstone answer 410 Gone rather than 404."""

    # CSV: one flat row per object. Lists of related objects become their
    # slugs joined with "; ", a related object its slug.
    def csv_table(self, objects: Iterable) -> Table:
        serializer = self.get_serializer(list(objects), many=True)
        header = list(cast(serializers.Serializer, self.get_serializer()).fields)
        rows = [
            {name: self.csv_value(name, value) for name, value in row.items()}
            for row in serializer.data
        ]
        return Table(header, rows, self.csv_filename)

    def csv_value(self, name: str, value: Any) -> Any:
        if isinstance(value, dict):
            return value.get("slug", "")
        if isinstance(value, list):
            return "; ".join(str(self.csv_value(name, item)) for item in value)
        return value


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This entry has been withdrawn from public view."
    default_code = "gone"


class ApiRootView(StrictParametersMixin, ConditionalContentMixin, routers.APIRootView):
    """The library's API, version 1. See /api/ for how to use it."""


class ApiRouter(routers.DefaultRouter):
    APIRootView = ApiRootView
    # One way to choose a format (?format= or Accept), not also a suffix.
    include_format_suffixes = False
