"""The REST API for partners: read-only viewsets over the public selectors,
and the one write, partners' suggestions.

Every endpoint starts from a selector in ``initiatives.selectors``, so what
the public may see is decided there, once. Initiatives are filtered by the
same ``InitiativeFilterSet`` as the search page, so a query string means the
same on ``/initiatives/`` and ``/api/v1/initiatives/``. What every endpoint
shares (paging, formats, conditional GET, errors) is in
``practice_library.viewsets``.
"""

import datetime
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, QuerySet
from django.urls import reverse
from django.views.generic import TemplateView
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from initiatives.authentication import PartnerSuggestionRateThrottle
from initiatives.exports import EXPORT_HEADER, export_row, with_export_relations
from initiatives.filters import (
    BriefingFilterSet,
    InitiativeFilterSet,
    SourceFilterSet,
)
from initiatives.models import (
    Briefing,
    Initiative,
    PartnerApiKey,
    Suggestion,
    listed_relations,
)
from initiatives.openapi import FACETS_PARAMETER, INITIATIVE_PAGE_EXAMPLE
from initiatives.search import search_initiatives
from initiatives.selectors import (
    latest_public_changes,
    public_briefing_details,
    public_changes,
    public_entry_change,
    public_initiative_details,
    public_initiatives,
    public_organisations,
    public_police_areas,
    public_sources,
    public_target_groups,
    withdrawn_briefings,
    withdrawn_initiatives,
)
from initiatives.serializers import (
    BriefingPageSerializer,
    BriefingSerializer,
    ChangeSerializer,
    ChangesPageSerializer,
    FacetOptionSerializer,
    InitiativeListSerializer,
    InitiativePageSerializer,
    InitiativeSerializer,
    OrganisationSerializer,
    PoliceAreaSerializer,
    SourceSerializer,
    SuggestionReceiptSerializer,
    SuggestionSubmissionSerializer,
    TargetGroupSerializer,
    TombstoneSerializer,
)
from initiatives.services.suggestions import submit_suggestion
from practice_library.content_version import Version
from practice_library.openapi import (
    ERRORS,
    FORMAT,
    JSON,
    NOT_MODIFIED,
    PAGING,
    detail_responses,
    list_responses,
    page_of,
    paging_parameters,
)
from practice_library.paging import MAX_PAGE_SIZE, PAGE_SIZE, PageForm
from practice_library.parameters import ParameterForm
from practice_library.renderers import Table
from practice_library.throttles import parse_rate
from practice_library.viewsets import (
    ConditionalContentMixin,
    ContentNegotiation,
    Gone,
    PublicReadOnlyViewSet,
    StrictParametersMixin,
    WholeListPagination,
    raise_for_parameters,
)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class FacetNamesField(forms.MultipleChoiceField):
    """Facet names, as repeated parameters (what generated clients send),
    comma-separated (what people type), or both; each name once."""

    def to_python(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        names = (name.strip() for item in values for name in str(item).split(","))
        return list(dict.fromkeys(names))

    def validate(self, value) -> None:
        known = list(InitiativeFilterSet.facet_names())
        if "" in value:
            # ``facets=`` or ``facets=theme,``: a name left out by mistake.
            raise forms.ValidationError(
                f"A facet name is empty; choose from: {', '.join(known)}."
            )
        unknown = [name for name in value if name not in known]
        if unknown:
            shown = ", ".join(repr(name[:40]) for name in unknown[:5])
            raise forms.ValidationError(
                f"Unknown facet {shown}; choose from: {', '.join(known)}."
            )


class FacetsForm(ParameterForm):
    """``?facets=a,b`` or ``?facets=a&facets=b``: the facets to count."""

    facets = FacetNamesField(
        required=False,
        choices=[(name, name) for name in InitiativeFilterSet.facet_names()],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Published initiatives, filtered and paged",
        description="The same filters as the search page (/initiatives/), "
        "ranked when searching, with facet counts on request and withdrawn "
        "entries listed when syncing with updated_since. CSV rows are the "
        "library's flat export row, also used by the page downloads.",
        responses=list_responses(
            InitiativePageSerializer, example=INITIATIVE_PAGE_EXAMPLE
        ),
    ),
    retrieve=extend_schema(
        summary="One published initiative, with everything recorded about it",
        description="410 Gone when it was public and has been withdrawn.",
        responses=detail_responses(InitiativeSerializer, gone=True),
    ),
)
class InitiativeViewSet(PublicReadOnlyViewSet):
    """Published initiatives, filtered like the search page."""

    not_found_detail = "No published initiative has this slug."
    csv_filename = "initiatives.csv"
    schema_noun = "initiative"

    filterset_class = InitiativeFilterSet
    # A poller of one area's entries is not sent them again when another
    # area's change: the list's validators come from what it shows.
    list_validators_from_results = True

    def schema_parameters(self, action: str) -> list[OpenApiParameter]:
        if action == "list":
            return [FACETS_PARAMETER, *PAGING, FORMAT]
        return super().schema_parameters(action)

    def accepted_parameters(self) -> set[str]:
        accepted = super().accepted_parameters()
        return accepted | set(FacetsForm.base_fields) if self.lists else accepted

    def get_queryset(self) -> QuerySet[Initiative]:
        if self.action == "retrieve":
            return public_initiative_details()
        # Demo entries too: the FilterSet's include_demo decides.
        return public_initiatives(include_demo=True)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return InitiativeSerializer
        return InitiativeListSerializer

    def list(self, request, *args, **kwargs):
        filterset = self.get_filterset()
        assert filterset is not None
        asked = FacetsForm(request.query_params)
        raise_for_parameters(filterset.form, PageForm(request.query_params), asked)
        search = search_initiatives(
            filterset,
            facets=asked.cleaned_data["facets"],
            snippets=not self.wants_csv(),
        )
        results = search.results
        if self.wants_csv():
            results = with_export_relations(results)
        else:
            results = results.prefetch_related(None).prefetch_related(
                *listed_relations(as_lists=True)
            )
        page = self.paginator.paginate_queryset(
            results, request, self, result_key=search.result_key
        )

        extra: dict[str, Any] = {}
        if search.facets:
            extra["facets"] = {
                name: FacetOptionSerializer(options, many=True).data
                for name, options in search.facets.items()
            }
        if search.search_text:
            extra["search_correction"] = search.correction
        updated_since = filterset.form.cleaned_data.get("updated_since")
        if updated_since is not None and self.paginator.page_number == 1:
            extra["withdrawn"] = TombstoneSerializer(
                withdrawn_initiatives(updated_since), many=True
            ).data
        early = self.answer_from_results(self.results_shown(page, extra))
        if early is not None:
            return early
        return self.page_response(page, **extra)

    def results_shown(self, page: Sequence[Initiative], extra: dict[str, Any]) -> str:
        """What this page of the list shows, for its validators: the total,
        each row's id and latest public change (any edit of what a row shows
        writes one), and the facets, correction and tombstones beside them,
        which are already worked out. The page's number and size are in the
        address."""
        latest = latest_public_changes(entry.pk for entry in page)
        shown = {
            "count": self.paginator.count,
            "rows": [[entry.pk, latest.get(entry.pk)] for entry in page],
            **extra,
        }
        return json.dumps(shown, sort_keys=True, default=str)

    def entry_version(self) -> Version | None:
        """An entry's validators come from its latest public change, which
        edits of what it shows (its areas' names, say) also write."""
        if self.action != "retrieve":
            return None
        change = public_entry_change(self.kwargs[self.lookup_field])
        return None if change is None else (change.id, change.changed_at)

    def raise_if_withdrawn(self, slug: str) -> None:
        gone = withdrawn_initiatives(EPOCH).filter(slug=slug).first()
        if gone is not None:
            raise Gone(
                f"This initiative was withdrawn from public view on "
                f"{gone.withdrawn_at:%Y-%m-%d}."
            )

    def csv_table(self, objects: Iterable[Initiative]) -> Table:
        site = self.request.build_absolute_uri("/").rstrip("/")
        rows = [export_row(i, base_url=site) for i in objects]
        return Table(EXPORT_HEADER, rows, self.csv_filename)


@extend_schema_view(
    list=extend_schema(
        summary="Published briefings, newest first",
        responses=list_responses(BriefingPageSerializer),
    ),
    retrieve=extend_schema(
        summary="One published briefing, with the initiatives it features",
        description="410 Gone when it was public and has been withdrawn.",
        responses=detail_responses(BriefingSerializer, gone=True),
    ),
)
class BriefingViewSet(PublicReadOnlyViewSet):
    """Published briefings, newest first, with the initiatives they feature."""

    serializer_class = BriefingSerializer
    not_found_detail = "No published briefing has this slug."
    csv_filename = "briefings.csv"
    schema_noun = "briefing"

    filterset_class = BriefingFilterSet

    def get_queryset(self) -> QuerySet[Briefing]:
        return public_briefing_details().order_by(
            F("published_on").desc(nulls_last=True), "title", "pk"
        )

    def list(self, request, *args, **kwargs):
        filterset = self.get_filterset()
        assert filterset is not None
        raise_for_parameters(filterset.form, PageForm(request.query_params))
        page = self.paginate_queryset(filterset.qs)
        since = filterset.form.cleaned_data.get("updated_since")
        extra = {}
        if since is not None and self.paginator.page_number == 1:
            extra["withdrawn"] = TombstoneSerializer(
                withdrawn_briefings(since), many=True
            ).data
        return self.page_response(page, **extra)

    def raise_if_withdrawn(self, slug: str) -> None:
        gone = withdrawn_briefings(EPOCH).filter(slug=slug).first()
        if gone is not None:
            raise Gone(
                f"This briefing was withdrawn from public view on "
                f"{gone.withdrawn_at:%Y-%m-%d}."
            )


@extend_schema_view(
    list=extend_schema(
        summary="The 43 police force areas of England and Wales",
        responses=list_responses(page_of(PoliceAreaSerializer, "PoliceAreaPage")),
    ),
    retrieve=extend_schema(
        summary="One police force area, with its governance",
        responses=detail_responses(PoliceAreaSerializer),
    ),
)
class PoliceAreaViewSet(PublicReadOnlyViewSet):
    """The 43 territorial police force areas of England and Wales, all in one
    answer."""

    pagination_class = WholeListPagination

    def schema_parameters(self, action: str) -> list[OpenApiParameter]:
        if action == "list":
            return [*paging_parameters(MAX_PAGE_SIZE), FORMAT]
        return super().schema_parameters(action)

    serializer_class = PoliceAreaSerializer
    schema_noun = "police force area"
    not_found_detail = "No police force area has this slug."
    csv_filename = "police-areas.csv"

    def get_queryset(self):
        return public_police_areas()

    def csv_value(self, name: str, value: Any) -> Any:
        if name == "governance":
            return "; ".join(
                f"{period['body_name']} ({period['started'] or '?'} to "
                f"{period['ended'] or 'present'})"
                for period in value
            )
        return super().csv_value(name, value)


@extend_schema_view(
    list=extend_schema(
        summary="Organisations linked to public entries",
        responses=list_responses(page_of(OrganisationSerializer, "OrganisationPage")),
    ),
    retrieve=extend_schema(
        summary="One organisation", responses=detail_responses(OrganisationSerializer)
    ),
)
class OrganisationViewSet(PublicReadOnlyViewSet):
    """Organisations that lead, partner in, fund or publish public work."""

    serializer_class = OrganisationSerializer
    schema_noun = "organisation"
    not_found_detail = "No public organisation has this slug."
    csv_filename = "organisations.csv"

    def get_queryset(self):
        return public_organisations()


@extend_schema_view(
    list=extend_schema(
        summary="Sources cited by published initiatives",
        description="The documents the library's entries come from: reports, "
        "evaluations, plans, press releases, pages. Only sources cited by a "
        "published initiative (directly or for its funding) are listed.",
        responses=list_responses(page_of(SourceSerializer, "SourcePage")),
    ),
    retrieve=extend_schema(
        summary="One source, with what a citation of it needs",
        responses=detail_responses(SourceSerializer),
    ),
)
class SourceViewSet(PublicReadOnlyViewSet):
    """The documents the published initiatives cite, by title."""

    serializer_class = SourceSerializer
    schema_noun = "source"
    not_found_detail = "No public source has this slug."
    csv_filename = "sources.csv"
    filterset_class = SourceFilterSet

    def get_queryset(self):
        return public_sources()


@extend_schema_view(
    list=extend_schema(
        summary="Target groups",
        responses=list_responses(page_of(TargetGroupSerializer, "TargetGroupPage")),
    ),
    retrieve=extend_schema(
        summary="One target group", responses=detail_responses(TargetGroupSerializer)
    ),
)
class TargetGroupViewSet(PublicReadOnlyViewSet):
    """The groups of people initiatives work with."""

    serializer_class = TargetGroupSerializer
    schema_noun = "target group"
    not_found_detail = "No target group has this slug."
    csv_filename = "target-groups.csv"

    def get_queryset(self):
        return public_target_groups()


CURSOR_PREFIX = "c1."
CURSOR_PATTERN = re.compile(r"c1\.(\d{1,18})")
CHANGES_PAGE_SIZE = MAX_PAGE_SIZE


def encode_cursor(position: int) -> str:
    """The cursor for a position in the changes feed. Opaque to clients (the
    version prefix lets its form change); only 'next' links hand them out."""
    return f"{CURSOR_PREFIX}{position}"


def decode_cursor(cursor: str) -> int:
    """The position a cursor names; ValueError when it is not one of ours."""
    match = CURSOR_PATTERN.fullmatch(cursor)
    if match is None:
        raise ValueError(cursor)
    return int(match[1])


class ChangesForm(ParameterForm):
    """The changes feed's parameters: where to read on from, and how many."""

    cursor = forms.CharField(
        required=False,
        max_length=40,
        help_text="The cursor of a 'next' link; leave out to start from the "
        "beginning (a full mirror).",
    )
    page_size = forms.IntegerField(
        min_value=1, max_value=CHANGES_PAGE_SIZE, required=False
    )

    def clean_cursor(self) -> int:
        cursor = self.cleaned_data["cursor"]
        if not cursor:
            return 0
        try:
            return decode_cursor(cursor)
        except ValueError:
            raise forms.ValidationError(
                "This is not a cursor of this feed: use the 'next' link of a "
                "page, or leave cursor out to start from the beginning."
            ) from None


@extend_schema_view(
    list=extend_schema(
        summary="The changes feed: every change to a public initiative, in order",
        description="Lossless sync. Each initiative that changed after the "
        "cursor appears once, at the position of its latest change, in commit "
        "order: its whole public entry (as the detail gives it), or a tombstone "
        "(deleted: true) when it left public view. Start without a cursor for "
        "a full mirror; follow 'next' until has_more is false; keep the last "
        "'next' and read it again later for the changes since. A 'next' link "
        "never expires, and a change committed late by a transaction that "
        "started early is never skipped.",
        responses={
            (200, JSON): ChangesPageSerializer,
            **NOT_MODIFIED,
            **ERRORS,
        },
    )
)
class ChangesViewSet(
    StrictParametersMixin, ConditionalContentMixin, viewsets.GenericViewSet
):
    """The changes feed of the initiatives: upserts and tombstones."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    content_negotiation_class = ContentNegotiation
    serializer_class = ChangeSerializer
    pagination_class = None
    filter_backends: list = []

    def accepted_parameters(self) -> set[str]:
        return super().accepted_parameters() | set(ChangesForm.base_fields)

    def schema_parameters(self, action: str) -> list[OpenApiParameter]:
        return [
            OpenApiParameter(
                "cursor",
                {"type": "string", "pattern": f"^{CURSOR_PATTERN.pattern}$"},
                description=str(ChangesForm.base_fields["cursor"].help_text),
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": CHANGES_PAGE_SIZE},
                description=f"Changes per page: {CHANGES_PAGE_SIZE} unless given.",
            ),
        ]

    def list(self, request, *args, **kwargs):
        form = ChangesForm(request.query_params)
        raise_for_parameters(form)
        after = form.cleaned_data["cursor"]
        size = form.cleaned_data.get("page_size") or CHANGES_PAGE_SIZE
        changes = public_changes(after, size + 1)
        has_more = len(changes) > size
        changes = changes[:size]
        position = changes[-1].position if changes else after
        query = {"cursor": encode_cursor(position)}
        if form.cleaned_data.get("page_size"):
            query["page_size"] = str(size)
        url = request.build_absolute_uri(
            reverse("api:change-list") + "?" + urlencode(query)
        )
        results = ChangeSerializer(
            changes, many=True, context=self.get_serializer_context()
        ).data
        return Response(
            {"next": url, "has_more": has_more, "results": results},
            headers={"Link": f'<{url}>; rel="next"'},
        )


class IsPartner(BasePermission):
    """Only a request carrying a current partner key."""

    message = "Suggesting needs a partner API key: send 'Authorization: Api-Key <key>'."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PartnerApiKey)


@extend_schema_view(
    create=extend_schema(
        summary="Suggest an initiative (partners with a key)",
        description="The suggestion becomes a draft that curators review; it is "
        "never published without a publisher. The submitter's name and e-mail "
        "address are kept privately to follow it up and are never published. "
        "Suggestions count against the key's own rate as well as its request rate.",
        request=SuggestionSubmissionSerializer,
        responses={
            201: SuggestionReceiptSerializer,
            400: ERRORS[(400, JSON)],
            401: ERRORS[(401, JSON)],
            429: ERRORS[(429, JSON)],
        },
    )
)
class SuggestionViewSet(StrictParametersMixin, viewsets.GenericViewSet):
    """Partners suggest initiatives here; each becomes a draft for curators."""

    serializer_class = SuggestionSubmissionSerializer
    permission_classes = [IsPartner]

    def create(self, request, *args, **kwargs):
        submission = self.get_serializer(data=request.data)
        submission.is_valid(raise_exception=True)
        # The key's suggestion rate counts suggestions received, so only
        # once the body is valid: a partner fixing a mistake loses nothing.
        # (The request rate of every endpoint was counted already.)
        throttle = PartnerSuggestionRateThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        try:
            suggestion = submit_suggestion(
                **submission.validated_data,
                source=Suggestion.Source.PARTNER_API,
                api_key=request.auth,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        receipt = SuggestionReceiptSerializer(suggestion, context={"request": request})
        return Response(receipt.data, status=201)


def _in_words(rate: str) -> str:
    """'60/minute' -> '60 requests a minute'."""
    count, seconds = parse_rate(rate)
    period = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}[seconds]
    return f"{count} request{'s' if count != 1 else ''} a {period}"


class ApiIndexView(TemplateView):
    """The page for people: how to page, filter, sync, cite; terms of use."""

    template_name = "api/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rates = api_settings.DEFAULT_THROTTLE_RATES
        context |= {
            "anonymous_rate": _in_words(str(rates["anonymous"])),
            "partner_rate": _in_words(str(rates["partner"])),
            "suggestion_rate": _in_words(str(rates["partner-suggestions"])),
            "page_size": PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
            "facets": InitiativeFilterSet.facet_names(),
            "cache_max_age": settings.PUBLIC_CACHE_MAX_AGE,
            "data_licence": settings.DATA_LICENCE,
            "max_query_length": settings.API_MAX_QUERY_LENGTH,
        }
        return context
