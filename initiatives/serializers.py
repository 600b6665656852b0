"""API output for the library: what partners receive, field by field.

Serializers shape output and never query: whatever they read is loaded by
the selector the viewset starts from (query-count tests keep it so). Related
objects appear as small summaries with their API ``url`` and public
``page_url``. Timestamps are ISO 8601 in UTC; partial dates keep their
precision ("2015", "2015-12", "2015-12-17"); an unknown value is null.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.core.validators import URLValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

from initiatives.filters import InitiativeFilterSet
from initiatives.full_text import highlighted
from initiatives.markdown import render_markdown
from initiatives.models import (
    Briefing,
    BriefingMention,
    Funding,
    GovernanceKind,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
    Nation,
    Organisation,
    OrganisationKind,
    PoliceArea,
    Region,
    Source,
    Suggestion,
    TargetGroup,
    ToolkitLink,
)
from initiatives.partial_dates import partial_date_iso
from initiatives.validators import web_address_validator
from practice_library.openapi import PageSerializer
from practice_library.parameters import unreadable
from practice_library.serializer_fields import (
    ApiUrlField,
    FilteredListUrlField,
    PageUrlField,
    RelatedApiUrlField,
    UtcDateTimeField,
    slug_url,
)
from themes.models import Theme
from themes.serializers import ThemeSummarySerializer

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class OptionalChoiceField(serializers.ChoiceField):
    """A choice that may be unknown: null rather than an empty string."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices, read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class BlankAsNullField(serializers.CharField):
    """Optional text with a format (a web or e-mail address): null when empty."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": PARTIAL_DATE_PATTERN,
        "example": "2015-12",
    }
)
class PartialDateField(serializers.Field):
    """A date known to the year, month or day, in ISO 8601 at that precision."""

    def __init__(self, date_field: str, **kwargs):
        self.date_field = date_field
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return partial_date_iso(
            getattr(value, self.date_field),
            getattr(value, f"{self.date_field}_precision"),
        )


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class WebAddressField(BlankAsNullField):
    pass


@extend_schema_field({"type": "string", "format": "email", "nullable": True})
class EmailAddressField(BlankAsNullField):
    pass


class PoliceAreaSummarySerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(
        read_only=True,
        help_text="The force identifier used by data.police.uk, e.g. 'lancashire'.",
    )
    url = ApiUrlField("api:police-area-detail")
    page_url = PageUrlField("initiatives:police-area-detail")

    class Meta:
        model = PoliceArea
        fields = ["slug", "name", "url", "page_url"]


class GovernancePeriodSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=GovernanceKind.choices, read_only=True)
    started = PartialDateField("started_on")
    ended = PartialDateField(
        "ended_on", help_text="Null while the period lasts (or when not recorded)."
    )
    source_url = WebAddressField()

    class Meta:
        model = GovernancePeriod
        fields = ["kind", "body_name", "started", "ended", "note", "source_url"]


class PoliceAreaSerializer(PoliceAreaSummarySerializer):
    nation = serializers.ChoiceField(choices=Nation.choices, read_only=True)
    region = serializers.ChoiceField(choices=Region.choices, read_only=True)
    governance = GovernancePeriodSerializer(
        source="governance_periods",
        many=True,
        read_only=True,
        help_text="Who has governed policing in the area, newest first.",
    )
    initiatives_url = FilteredListUrlField(
        "api:initiative-list", "police_area", "initiatives"
    )
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        model = PoliceArea
        fields = [
            "slug",
            "name",
            "gss_code",
            "nation",
            "region",
            "governance",
            "url",
            "page_url",
            "initiatives_url",
            "created_at",
            "updated_at",
        ]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:organisation-detail")
    page_url = PageUrlField("initiatives:organisation-detail")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "url", "page_url"]


class OrganisationSerializer(OrganisationSummarySerializer):
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, read_only=True)
    police_area = PoliceAreaSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text="The area the organisation serves, if it serves one area.",
    )
    website = WebAddressField()
    org_id = serializers.CharField(
        read_only=True,
        help_text="An org-id.guide identifier such as GB-CHC-1234567; empty "
        "when not known.",
    )
    is_demo = serializers.BooleanField(
        read_only=True, help_text="Synthetic demo data, never curated content."
    )
    initiatives_url = FilteredListUrlField(
        "api:initiative-list", "organisation", "initiatives"
    )
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "police_area",
            "website",
            "org_id",
            "description",
            "is_demo",
            "url",
            "page_url",
            "initiatives_url",
            "created_at",
            "updated_at",
        ]


class OrganisationRoleSerializer(serializers.ModelSerializer):
    """An organisation with the part it plays in one initiative."""

    slug = serializers.SlugField(source="organisation.slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)
    url = RelatedApiUrlField("api:organisation-detail", source="organisation")
    page_url = PageUrlField("initiatives:organisation-detail", source="organisation")
    role = serializers.ChoiceField(
        choices=InitiativeOrganisation.Role.choices, read_only=True
    )

    class Meta:
        model = InitiativeOrganisation
        fields = ["slug", "name", "url", "page_url", "role"]


class TargetGroupSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:target-group-detail")

    class Meta:
        model = TargetGroup
        fields = ["slug", "name", "url"]


class TargetGroupSerializer(TargetGroupSummarySerializer):
    initiatives_url = FilteredListUrlField(
        "api:initiative-list", "target_group", "initiatives"
    )

    class Meta:
        model = TargetGroup
        fields = [
            "slug",
            "name",
            "description",
            "min_age",
            "max_age",
            "url",
            "initiatives_url",
        ]


class InitiativeSummarySerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:initiative-detail")
    page_url = PageUrlField("initiatives:detail")

    class Meta:
        model = Initiative
        fields = ["slug", "title", "url", "page_url"]


class BriefingMentionSerializer(serializers.ModelSerializer):
    """A briefing that features an initiative, with its note or page."""

    slug = serializers.SlugField(source="briefing.slug", read_only=True)
    title = serializers.CharField(source="briefing.title", read_only=True)
    url = RelatedApiUrlField("api:briefing-detail", source="briefing")
    page_url = PageUrlField("initiatives:briefing-detail", source="briefing")

    class Meta:
        model = BriefingMention
        fields = ["slug", "title", "url", "page_url", "note", "page_reference"]


class FeaturedInitiativeSerializer(serializers.ModelSerializer):
    """An initiative a briefing features, with the briefing's note or page."""

    slug = serializers.SlugField(source="initiative.slug", read_only=True)
    title = serializers.CharField(source="initiative.title", read_only=True)
    url = RelatedApiUrlField("api:initiative-detail", source="initiative")
    page_url = PageUrlField("initiatives:detail", source="initiative")

    class Meta:
        model = BriefingMention
        fields = ["slug", "title", "url", "page_url", "note", "page_reference"]


class ToolkitLinkSerializer(serializers.ModelSerializer):
    toolkit = serializers.ChoiceField(
        choices=ToolkitLink.Toolkit.choices, read_only=True
    )
    toolkit_name = serializers.CharField(source="get_toolkit_display", read_only=True)
    url = serializers.URLField(
        read_only=True, help_text="The toolkit's page for this approach."
    )

    class Meta:
        model = ToolkitLink
        fields = ["toolkit", "toolkit_name", "approach", "url", "rating"]


class SourceSummarySerializer(serializers.ModelSerializer):
    """A source in brief: its title, its pages and the original's address."""

    url = ApiUrlField("api:source-detail")
    page_url = PageUrlField("initiatives:source-detail")
    address = serializers.URLField(
        source="url", read_only=True, help_text="The original's own address."
    )

    class Meta:
        model = Source
        fields = ["slug", "title", "url", "page_url", "address"]


class SourceSerializer(SourceSummarySerializer):
    """A document the library cites, with what a citation of it needs."""

    kind = serializers.ChoiceField(choices=Source.Kind.choices, read_only=True)
    publishers = OrganisationSummarySerializer(many=True, read_only=True)
    published = PartialDateField(
        "published_on",
        help_text="When the source was published, at the precision known.",
    )
    accessed = serializers.DateField(
        source="accessed_on",
        read_only=True,
        help_text="When a curator read it at its address.",
    )
    archived_address = WebAddressField(
        source="archived_url", help_text="A copy kept elsewhere; null if none."
    )
    initiatives_url = FilteredListUrlField(
        "api:initiative-list", "source", "initiatives"
    )
    created_at = UtcDateTimeField(help_text="When it was added to the library.")
    updated_at = UtcDateTimeField()

    class Meta:
        model = Source
        fields = [
            "slug",
            "title",
            "kind",
            "publishers",
            "authors",
            "published",
            "address",
            "accessed",
            "archived_address",
            "summary",
            "url",
            "page_url",
            "initiatives_url",
            "created_at",
            "updated_at",
        ]


class CitedSourceSerializer(serializers.ModelSerializer):
    """A source an initiative cites, with what it supports there."""

    slug = serializers.SlugField(source="source.slug", read_only=True)
    url = RelatedApiUrlField("api:source-detail", source="source")
    page_url = PageUrlField("initiatives:source-detail", source="source")
    title = serializers.CharField(source="source.title", read_only=True)
    kind = serializers.ChoiceField(
        source="source.kind", choices=Source.Kind.choices, read_only=True
    )
    publishers = OrganisationSummarySerializer(
        source="source.publishers", many=True, read_only=True
    )
    published = PartialDateField(
        "published_on",
        source="source",
        help_text="When the source was published, at the precision known.",
    )
    address = serializers.URLField(
        source="source.url", read_only=True, help_text="The original's own address."
    )
    accessed = serializers.DateField(source="source.accessed_on", read_only=True)
    archived_address = WebAddressField(source="source.archived_url")
    note = serializers.CharField(
        read_only=True, help_text="What this source supports in the entry."
    )
    is_evaluation = serializers.BooleanField(
        read_only=True, help_text="The source evaluates this initiative."
    )

    class Meta:
        model = InitiativeSource
        fields = [
            "slug",
            "url",
            "page_url",
            "title",
            "kind",
            "publishers",
            "published",
            "address",
            "accessed",
            "archived_address",
            "note",
            "is_evaluation",
        ]


class FundingSerializer(serializers.ModelSerializer):
    funder = OrganisationSummarySerializer(read_only=True, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="As a decimal string, e.g. '25000.00'; null when not known.",
    )
    period_start = PartialDateField("period_start")
    period_end = PartialDateField("period_end")
    # "source" is also an attribute of DRF fields; as a declared field it is fine.
    source = SourceSummarySerializer(  # type: ignore[assignment]
        read_only=True,
        allow_null=True,
        help_text="The source that states this funding.",
    )

    class Meta:
        model = Funding
        fields = [
            "funder",
            "amount",
            "currency",
            "period_start",
            "period_end",
            "note",
            "source",
        ]


@extend_schema_field(
    {
        "type": "number",
        "format": "float",
        "nullable": True,
        "description": "How well the entry matches q (higher is better); null "
        "without a search.",
    }
)
class SearchRankField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> float | None:
        rank = getattr(value, "search_rank", None)
        return None if rank is None else round(float(rank), 6)


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "description": "The summary as HTML, escaped, with the words matching q "
        "in <mark>; null without a search (and on SQLite).",
        "example": "A <mark>mental</mark> <mark>health</mark> hub pilot.",
    }
)
class SnippetField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        snippet = getattr(value, "search_snippet", None)
        return None if snippet is None else str(highlighted(snippet))


class InitiativeListSerializer(serializers.ModelSerializer):
    """One row of a list: what a results page shows, with links to the rest."""

    slug = serializers.SlugField(
        read_only=True,
        help_text="The permanent identifier; it never changes once published.",
    )
    url = ApiUrlField(
        "api:initiative-detail",
        help_text="This entry in the API, with everything about it.",
    )
    page_url = PageUrlField("initiatives:detail")
    status = OptionalChoiceField(
        Initiative.Status.choices,
        help_text="What the initiative itself is doing (its lifecycle).",
    )
    start = PartialDateField("start_date")
    end = PartialDateField("end_date")
    evidence_stage = OptionalChoiceField(
        Initiative.EvidenceStage.choices,
        help_text="Stage of practice, as in the College of Policing Practice bank.",
    )
    evidence_outcome = OptionalChoiceField(
        Initiative.EvidenceOutcome.choices,
        help_text="What the evidence says; failures are reported as well.",
    )
    police_areas = PoliceAreaSummarySerializer(many=True, read_only=True)
    themes = ThemeSummarySerializer(many=True, read_only=True)
    is_demo = serializers.BooleanField(
        read_only=True,
        help_text="Synthetic demo data: never present it as a real initiative.",
    )
    published_at = UtcDateTimeField(help_text="First publication.")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField(help_text="Last change; what updated_since compares.")
    search_rank = SearchRankField()
    snippet = SnippetField()

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "title",
            "url",
            "page_url",
            "summary",
            "status",
            "start",
            "end",
            "evidence_stage",
            "evidence_outcome",
            "police_areas",
            "themes",
            "is_demo",
            "published_at",
            "created_at",
            "updated_at",
            "search_rank",
            "snippet",
        ]

    def to_representation(self, instance: Initiative) -> dict[str, Any]:
        """The row the fields above describe, built directly: DRF's generic
        walk over 18 fields and two nested serialisers took most of a page's
        time. ``tests/initiatives/test_api_list_rows.py`` holds it equal to
        the generic row (``generic_representation``) for every kind of row.
        Reads ``listed_areas`` and ``listed_themes`` when the view loaded
        them (``listed_relations(as_lists=True)``)."""
        request = self.context["request"]
        slug = instance.slug
        stamp = UTC_STAMP.to_representation
        areas = getattr(instance, "listed_areas", None)
        themes = getattr(instance, "listed_themes", None)
        rank = getattr(instance, "search_rank", None)
        snippet = getattr(instance, "search_snippet", None)
        return {
            "slug": slug,
            "title": instance.title,
            "url": slug_url(request, "api:initiative-detail", slug),
            "page_url": slug_url(request, "initiatives:detail", slug),
            "summary": instance.summary,
            "status": instance.status or None,
            "start": partial_date_iso(
                instance.start_date, instance.start_date_precision
            ),
            "end": partial_date_iso(instance.end_date, instance.end_date_precision),
            "evidence_stage": instance.evidence_stage or None,
            "evidence_outcome": instance.evidence_outcome or None,
            "police_areas": [
                _summary(
                    request,
                    area,
                    "police-area-detail",
                    "initiatives:police-area-detail",
                )
                for area in (instance.police_areas.all() if areas is None else areas)
            ],
            "themes": [
                _summary(request, theme, "theme-detail", "themes:detail")
                for theme in (instance.themes.all() if themes is None else themes)
            ],
            "is_demo": instance.is_demo,
            "published_at": _stamp(stamp, instance.published_at),
            "created_at": _stamp(stamp, instance.created_at),
            "updated_at": _stamp(stamp, instance.updated_at),
            "search_rank": None if rank is None else round(float(rank), 6),
            "snippet": None if snippet is None else str(highlighted(snippet)),
        }

    def generic_representation(self, instance: Initiative) -> dict[str, Any]:
        """DRF's own walk over the fields: what ``to_representation`` must equal."""
        return super().to_representation(instance)


# What UtcDateTimeField writes, without binding a serialiser's fields per page.
UTC_STAMP = UtcDateTimeField()


def _summary(request, entry, api_view: str, page_view: str) -> dict[str, str]:
    """An area's or a theme's summary in a list row (their summary serialisers'
    fields)."""
    return {
        "slug": entry.slug,
        "name": entry.name,
        "url": slug_url(request, f"api:{api_view}", entry.slug),
        "page_url": slug_url(request, page_view, entry.slug),
    }


def _stamp(
    represent: Callable[[datetime.datetime], str], moment: datetime.datetime | None
) -> str | None:
    return None if moment is None else represent(moment)


@extend_schema_field(InitiativeSummarySerializer(allow_null=True))
class PublishedParentField(serializers.Field):
    """The wider initiative this is part of, when the public may see it."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if not value.is_published:
            return None
        return InitiativeSummarySerializer(value, context=self.context).data


@extend_schema_field(OpenApiTypes.STR)
class DescriptionHtmlField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(
            source="description",
            read_only=True,
            help_text="The description rendered from Markdown and sanitised.",
            **kwargs,
        )

    def to_representation(self, value) -> str:
        return str(render_markdown(value))


class InitiativeSerializer(InitiativeListSerializer):
    """One initiative with everything the library records about it."""

    def to_representation(self, instance: Initiative) -> dict[str, Any]:
        # One entry at a time: the fields' own walk, not the list's fast row.
        return self.generic_representation(instance)

    description = serializers.CharField(
        read_only=True, help_text="The fuller account, in Markdown."
    )
    description_html = DescriptionHtmlField()
    target_groups = TargetGroupSummarySerializer(many=True, read_only=True)
    organisations = OrganisationRoleSerializer(
        source="organisation_roles",
        many=True,
        read_only=True,
        help_text="Organisations with their role: lead, partner, commissioner, funder.",
    )
    briefings = BriefingMentionSerializer(
        source="briefing_mentions",
        many=True,
        read_only=True,
        help_text="Published briefings that feature this initiative.",
    )
    sources = CitedSourceSerializer(
        source="source_citations",
        many=True,
        read_only=True,
        help_text="The sources the entry's facts come from, in the order given.",
    )
    # "parent" is also an attribute of DRF fields; as a declared field it is fine.
    parent = PublishedParentField()  # type: ignore[assignment]
    programmes = InitiativeSummarySerializer(
        source="published_programmes",
        many=True,
        read_only=True,
        help_text="Published initiatives that are part of this one.",
    )
    evidence_msms_level = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        min_value=1,
        max_value=5,
        help_text="Maryland Scientific Methods Scale level (1-5) of the strongest "
        "evaluation, where one exists.",
    )
    toolkit_links = ToolkitLinkSerializer(many=True, read_only=True)
    funding = FundingSerializer(many=True, read_only=True)
    website = WebAddressField()
    contact_name = serializers.CharField(read_only=True)
    contact_email = EmailAddressField()
    last_reviewed_at = UtcDateTimeField(allow_null=True)

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "title",
            "url",
            "page_url",
            "summary",
            "description",
            "description_html",
            "status",
            "start",
            "end",
            "police_areas",
            "themes",
            "target_groups",
            "organisations",
            "sources",
            "briefings",
            "parent",
            "programmes",
            "evidence_stage",
            "evidence_outcome",
            "evidence_msms_level",
            "evidence_note",
            "toolkit_links",
            "funding",
            "website",
            "contact_name",
            "contact_email",
            "is_demo",
            "published_at",
            "last_reviewed_at",
            "created_at",
            "updated_at",
        ]


class BriefingSerializer(serializers.ModelSerializer):
    url = ApiUrlField("api:briefing-detail")
    page_url = PageUrlField("initiatives:briefing-detail")
    source_url = WebAddressField(
        source="url", help_text="Where the briefing itself can be read."
    )
    publishers = OrganisationSummarySerializer(many=True, read_only=True)
    themes = ThemeSummarySerializer(many=True, read_only=True)
    key_findings: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True
    )
    initiatives = FeaturedInitiativeSerializer(
        source="published_mentions",
        many=True,
        read_only=True,
        help_text="Published initiatives the briefing features.",
    )
    published_on = PartialDateField(
        "published_on",
        help_text="When the briefing itself was published, at the precision known.",
    )
    accessed = serializers.DateField(
        source="accessed_on",
        read_only=True,
        allow_null=True,
        help_text="When a curator last read it at its address.",
    )
    published_at = UtcDateTimeField(help_text="First publication in the library.")
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        model = Briefing
        fields = [
            "slug",
            "title",
            "series",
            "number",
            "published_on",
            "url",
            "page_url",
            "source_url",
            "accessed",
            "summary",
            "publishers",
            "themes",
            "key_findings",
            "initiatives",
            "published_at",
            "created_at",
            "updated_at",
        ]


class TombstoneSerializer(serializers.Serializer):
    """An entry that left public view: enough for a mirror to delete it."""

    slug = serializers.SlugField(read_only=True)
    withdrawn_at = UtcDateTimeField(help_text="When it left public view.")


class ChangeSerializer(serializers.Serializer):
    """One entry of the changes feed: an entry's current public state, or
    that it is no longer public."""

    slug = serializers.SlugField(read_only=True)
    deleted = serializers.BooleanField(
        read_only=True,
        help_text="True when the entry is no longer public (withdrawn, returned "
        "to draft or deleted): delete it from the mirror.",
    )
    changed_at = UtcDateTimeField(help_text="When its public entry last changed.")
    # Never read (the feed is output only); not read_only, so the schema
    # lists it as optional: a tombstone has none.
    entry = InitiativeSerializer(
        required=False,
        help_text="The whole entry, as /api/v1/initiatives/<slug>/ gives it; "
        "absent when deleted.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.entry is None:
            data.pop("entry", None)
        return data


@extend_schema_serializer(many=False)
class ChangesPageSerializer(serializers.Serializer):
    """A page of the changes feed, in the order the changes were committed."""

    next = serializers.URLField(
        read_only=True,
        help_text="Where to read on from; it never expires. Keep it, and read "
        "it again later for the changes made since.",
    )
    has_more = serializers.BooleanField(
        read_only=True,
        help_text="Whether more changes are waiting now; false at the end of "
        "the feed, when the mirror is up to date.",
    )
    results = ChangeSerializer(many=True, read_only=True)


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField(
        read_only=True, help_text="The value to send as the filter parameter."
    )
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    count = serializers.IntegerField(
        read_only=True,
        help_text="Results there would be with this option chosen, counting "
        "every other active filter but not this facet's own.",
    )
    selected = serializers.BooleanField(read_only=True)


FacetCountsSerializer = type(
    "FacetCountsSerializer",
    (serializers.Serializer,),
    {
        name: FacetOptionSerializer(many=True, required=False)
        for name in InitiativeFilterSet.facet_names()
    }
    | {"__doc__": "Counts per option of each facet asked for in ?facets=."},
)


@extend_schema_serializer(many=False)
class InitiativePageSerializer(PageSerializer):
    results = InitiativeListSerializer(many=True, read_only=True)
    # Optional keys are not read_only, which drf-spectacular would mark required.
    facets = FacetCountsSerializer(
        required=False,
        help_text="Present when ?facets= names facets.",
    )
    search_correction = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="Present when q is given: the spelling correction that was "
        "searched for instead, because the words as typed found nothing; "
        "otherwise null.",
    )
    withdrawn = TombstoneSerializer(
        many=True,
        required=False,
        help_text="Present on the first page when updated_since is given: every "
        "initiative that left public view since then (whatever the other "
        "filters), so that mirrors can delete it.",
    )


@extend_schema_serializer(many=False)
class BriefingPageSerializer(PageSerializer):
    results = BriefingSerializer(many=True, read_only=True)
    withdrawn = TombstoneSerializer(
        many=True,
        required=False,
        help_text="Present on the first page when updated_since is given: every "
        "briefing that left public view since then.",
    )


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
# Every force area and every theme at most: a longer list cannot be right.
MAX_SUGGESTED_AREAS = 43
MAX_SUGGESTED_THEMES = 30


class TextOnly:
    """Refuse what is not a JSON string (``"title": 123``) rather than turn it
    into one, and text that cannot be stored (a NUL character)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        problem = unreadable([data])
        if problem:
            raise serializers.ValidationError(problem)
        return super().to_internal_value(data)  # type: ignore[misc]


class TextField(TextOnly, serializers.CharField):
    default_error_messages = {"invalid": "Give a string of text."}


def _web_address_pattern() -> str:
    """What ``web_address_validator`` accepts, as a schema pattern: Django's
    URLValidator's own parts (http or https; an IPv4 or IPv6 address or a
    host name with a top-level domain, or localhost), made case-insensitive
    (a schema's pattern takes no flags), and a host name of at most 253
    characters. It ends with a lookahead, not ``$``, which Python's regular
    expressions (and so a client's generator) also match before a final
    newline, which Django refuses."""

    def either_case(part: str) -> str:
        return part.replace("a-z", "a-zA-Z").replace("0-9a-f", "0-9a-fA-F")

    host_name = r"(?=[^\s:/?#]{1,253}(?:[:/?#]|(?![\s\S])))" + either_case(
        URLValidator.host_re
    )
    hosts = [URLValidator.ipv4_re, either_case(URLValidator.ipv6_re), host_name]
    return (
        r"^[hH][tT][tT][pP][sS]?://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
        f"(?:{'|'.join(hosts)})"
        r"(?::[0-9]{1,5})?(?:[/?#]\S*)?(?![\s\S])"
    )


WEB_ADDRESS_PATTERN = _web_address_pattern()


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "string",
                "format": "uri",
                "pattern": WEB_ADDRESS_PATTERN,
                "maxLength": 500,
            },
            {"type": "string", "maxLength": 0},
        ]
    }
)
class WebAddressInputField(TextOnly, serializers.URLField):
    """An http or https address, or nothing, documented as it is checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("validators", [web_address_validator])
        super().__init__(**kwargs)


class TextEmailField(TextOnly, serializers.EmailField):
    pass


class SlugsField(ManyRelatedField):
    """A list of slugs, each once, at most ``max_length`` of them: checked
    before any is looked up, so a huge list costs nothing."""

    def __init__(self, *args, max_length: int, **kwargs):
        self.max_length = max_length
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list | tuple):  # a JSON array, or a form's list
            self.fail("not_a_list", input_type=type(data).__name__)
        values = list(data)
        if len(values) > self.max_length:
            raise serializers.ValidationError(
                f"Give at most {self.max_length} values; this list has {len(values)}."
            )
        if all(isinstance(value, str) for value in values):
            values = list(dict.fromkeys(values))
        return super().to_internal_value(values)


class SlugChoiceField(serializers.SlugRelatedField):
    """One slug of a row, refused without a query when it cannot be one."""

    default_error_messages = {
        "invalid": "Give a slug (letters, digits, hyphens and underscores)."
    }

    def __init__(self, *args, max_length: int = 100, **kwargs):
        self.max_length = max_length
        super().__init__(*args, **kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        max_length = kwargs.pop("max_items")
        list_kwargs = {"child_relation": cls(*args, **kwargs), "max_length": max_length}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return SlugsField(**list_kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not SLUG.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(serializers.BooleanField):
    """A yes the server requires: documented as ``true`` only."""


class SuggestionSubmissionSerializer(serializers.Serializer):
    """An initiative suggested by a partner, to become a draft for curators.

    The submitter's contact details are kept privately with the suggestion, to
    follow it up; they are never published. Every text field takes a JSON
    string only; lists of slugs are de-duplicated and bounded.
    """

    title = TextField(max_length=200)
    police_areas = SlugChoiceField(
        many=True,
        max_items=MAX_SUGGESTED_AREAS,
        slug_field="slug",
        queryset=PoliceArea.objects.all(),
        allow_empty=False,
        help_text="data.police.uk force ids of every area the work covers "
        f"(at most {MAX_SUGGESTED_AREAS}; each once).",
    )
    summary = TextField(max_length=1000, help_text="One or two plain sentences.")
    description = TextField(
        max_length=10000, required=False, allow_blank=True, default=""
    )
    website = WebAddressInputField(required=False, allow_blank=True, default="")
    themes = SlugChoiceField(
        many=True,
        max_items=MAX_SUGGESTED_THEMES,
        slug_field="slug",
        queryset=Theme.objects.all(),
        required=False,
        default=list,
        help_text=f"Theme slugs (at most {MAX_SUGGESTED_THEMES}; each once).",
    )
    submitter_name = TextField(max_length=200)
    submitter_email = TextEmailField(max_length=254)
    submitter_organisation = TextField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    consent = ConsentField(
        help_text="Must be true: the submitter agrees that the library keeps "
        "their name and e-mail address to follow the suggestion up."
    )

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(
                "The submitter must agree that their details are kept."
            )
        return value


class SuggestionReceiptSerializer(serializers.ModelSerializer):
    """What a partner learns back: that the suggestion is with the curators."""

    received_at = UtcDateTimeField(source="created_at")

    class Meta:
        model = Suggestion
        fields = ["id", "title", "status", "received_at"]
