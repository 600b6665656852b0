"""InitiativeFilterSet: the one set of filters behind the pages and the API.

It is a plain ``django_filters.FilterSet``: the search page reaches it
through django-filter's ``FilterMixin``, the API through its
``DjangoFilterBackend``, and drf-spectacular documents the API's parameters
from it, so ``?police_area=kent&theme=x`` means the same on
``/initiatives/`` and ``/api/v1/initiatives/``, and is refused the same way.
Visibility never lives here: the view's selector decides what the public may
see, and no parameter can widen it.

Each field declares everything about its parameter: whether it takes several
values (a multiple-choice filter), whether its options are counted (a
``Facet``, with the function that counts them; facets are listed in the
order the page shows them), the rule for ``updated_since`` (``MomentField``)
and the orderings. Within one filter, several values widen the results (any
of them matches); different filters narrow them (all must match). Facet
counts rely on this "disjunctive" rule, see ``initiatives.facets``.

Filtering has no side effects: what is searched for when the words as typed
find nothing is decided in ``initiatives.search``.
"""

import datetime
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

import django_filters
from django import forms
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from drf_spectacular.utils import extend_schema_field

from initiatives import facets
from initiatives.full_text import matching
from initiatives.models import (
    Briefing,
    BriefingMention,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeSource,
    Nation,
    PoliceArea,
    Region,
    Source,
    TargetGroup,
    ToolkitLink,
)
from initiatives.selectors import DEMO_LAST, demo_shown, public_organisations
from practice_library.filters import FilterSet
from practice_library.parameters import ParameterForm, as_query_dict
from themes.models import Theme

SEARCH_MAX_LENGTH = 500
MIN_YEAR, MAX_YEAR = 1900, 2100
EVIDENCE_STAGES = facets.EVIDENCE_STAGES
ANY_TOOLKIT = facets.ANY_TOOLKIT


class Ordering:
    RELEVANCE = "relevance"
    TITLE = "title"
    NEWEST_START = "-start_date"
    RECENTLY_UPDATED = "-updated_at"
    EVIDENCE = "evidence"

    choices = [
        (RELEVANCE, "Relevance (when searching)"),
        (TITLE, "Title"),
        (NEWEST_START, "Most recently started"),
        (RECENTLY_UPDATED, "Most recently updated"),
        (EVIDENCE, "Strongest evidence first"),
    ]


# Evidence strength, strongest first: the stage of practice, then within a
# stage what the evidence says. A result either way (worked, promising,
# mixed, did not work) is more to go on than "new or innovative", which
# says nothing has been found yet; nothing recorded comes last.
EVIDENCE_STAGE_STRENGTH = [
    Initiative.EvidenceStage.INDEPENDENTLY_EVALUATED,
    Initiative.EvidenceStage.EVALUATED_LOCALLY,
    Initiative.EvidenceStage.UNTESTED,
]
EVIDENCE_OUTCOME_STRENGTH = [
    Initiative.EvidenceOutcome.WORKED,
    Initiative.EvidenceOutcome.PROMISING,
    Initiative.EvidenceOutcome.MIXED,
    Initiative.EvidenceOutcome.DID_NOT_WORK,
    Initiative.EvidenceOutcome.NEW_OR_INNOVATIVE,
]


def _strength(field: str, strongest_first: Sequence[str]) -> Case:
    """0 for the strongest value of ``field``, counting up; blank last."""
    return Case(
        *(
            When(**{field: value}, then=Value(i))
            for i, value in enumerate(strongest_first)
        ),
        default=Value(len(strongest_first)),
        output_field=IntegerField(),
    )


# A date, or a date and time with or without its offset from UTC.
MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?)?",
    re.IGNORECASE,
)
MOMENT_HELP = (
    "Give a date (2025-01-31, from midnight UK time) or a date and time, with "
    "its offset (2025-01-31T09:00:00Z) or without it for UK time "
    "(2025-01-31T09:00:00)."
)
UPDATED_SINCE_DESCRIPTION = (
    "Only entries changed at or after this moment: a date (from midnight UK "
    "time), or a date and time with its offset (2025-01-31T09:00:00Z) or "
    "without it, read as UK time (Europe/London). The first page then also "
    "lists under 'withdrawn' every entry that left public view since then "
    "(slug and time only), so a mirror can delete it."
)
UPDATED_SINCE_SCHEMA = {
    "oneOf": [
        {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        {
            "type": "string",
            "format": "date-time",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?"
            r"(Z|z|[+-]\d{2}:\d{2})$",
        },
        {
            "type": "string",
            "description": "A date and time without an offset: UK time.",
            # Calendar dates and clock times only (a day past the 28th may
            # not exist): the schema cannot say which dates exist.
            "pattern": r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])"
            r"T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?$",
        },
    ],
    "example": "2025-01-31T09:00:00Z",
    "description": UPDATED_SINCE_DESCRIPTION,
}


class MomentField(forms.DateTimeField):
    """A moment the database can compare with, given as ``MOMENT`` allows.

    A date alone is midnight UK time; a date and time without an offset is UK
    time (``TIME_ZONE``, Europe/London), as Django reads it. The moment is
    converted to UTC: PostgreSQL refuses offsets beyond ±15:59 that Python
    accepts (a 500 otherwise), and near year 1 or 9999 an offset can push the
    moment out of range; both are reported as an invalid value.
    """

    default_error_messages = {"invalid": MOMENT_HELP}

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            if not MOMENT.fullmatch(value.strip()):
                raise forms.ValidationError(MOMENT_HELP, code="invalid")
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                "Enter a date and time between the years 1 and 9999.", code="invalid"
            ) from None


@extend_schema_field(UPDATED_SINCE_SCHEMA)
class MomentFilter(django_filters.DateTimeFilter):
    field_class = MomentField


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


Count = Callable[[QuerySet], list[facets.FacetOption]]


class TextsField(forms.MultipleChoiceField):
    """Several free-text values of a parameter, each at most ``max_length``
    long: for options that are curators' words rather than a fixed list
    (a toolkit's rating), so an unknown one simply matches nothing."""

    def __init__(self, *args: Any, max_length: int = 200, **kwargs: Any):
        self.max_length = max_length
        kwargs.pop("choices", None)
        super().__init__(*args, **kwargs)

    def valid_value(self, value: str) -> bool:
        return True

    def validate(self, value: Any) -> None:
        super().validate(value)
        for text in value:
            if len(text) > self.max_length:
                raise forms.ValidationError(
                    f"Give at most {self.max_length} characters per value.",
                    code="max_length",
                )


class Facet(django_filters.Filter):
    """A filter whose options are counted for the visitor: a facet.

    ``count`` takes the ids of the initiatives that match every other filter
    and gives each option with its count (``initiatives.facets``). A slug
    filter whose options are curators' data (organisations, briefings) takes
    only what the public may see: its public selector is its queryset, so a
    hidden row's slug is refused exactly like an unknown one, and is never
    listed, counted, shown as chosen or documented.
    """

    def __init__(self, *args: Any, count: Count, **kwargs: Any):
        self.count = count
        super().__init__(*args, **kwargs)


class ChoiceFacet(Facet, django_filters.ChoiceFilter):
    pass


class MultipleChoiceFacet(Facet, django_filters.MultipleChoiceFilter):
    pass


class TextsFacet(Facet, django_filters.MultipleChoiceFilter):
    field_class = TextsField


class SlugFacet(Facet, django_filters.ModelChoiceFilter):
    pass


class SlugsFacet(Facet, django_filters.ModelMultipleChoiceFilter):
    pass


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class UnknownSlug(str):
    """A well-formed slug that no public row has: it matches nothing.

    Curators' data grows every week and is not enumerated in the schema, so
    a slug a client was never offered (or one of a row the public may not
    see: the two are the same) is a search with no results, not an error.
    """


class CuratorsSlugField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code == "invalid_choice" and SLUG.fullmatch(str(value)):
                return UnknownSlug(value)
            raise


class CuratorsSlugsField(django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        values = list(dict.fromkeys(value or []))
        if any(not SLUG.fullmatch(str(item)) for item in values):
            return super().clean(value)  # refused, naming the bad value
        found = {
            getattr(row, self.to_field_name or "pk"): row
            for row in self.queryset.filter(**{f"{self.to_field_name}__in": values})
        }
        rows = [found.get(item) or UnknownSlug(item) for item in values]
        if not rows and self.required:
            return super().clean(value)
        return rows


F_ = TypeVar("F_", bound=django_filters.Filter)


def curators_data(filter_: F_) -> F_:
    """Mark a slug filter over curators' data (organisations, briefings,
    sources): the schema gives its pattern, not today's list of slugs, and a
    well-formed slug that no public row has matches nothing (``UnknownSlug``)."""
    filter_.listed_in_schema = False  # type: ignore[attr-defined]
    if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
        filter_.field_class = CuratorsSlugsField
    else:
        filter_.field_class = CuratorsSlugField
    return filter_


def _known(values: Any) -> list:
    """The public rows among a curators'-data filter's values."""
    items = values if isinstance(values, list | tuple | QuerySet) else [values]
    return [item for item in items if not isinstance(item, UnknownSlug)]


def _chosen(value: Any) -> bool:
    """Whether a cleaned filter value selects anything (without a query)."""
    if isinstance(value, QuerySet):
        return not value.query.is_empty()
    return value not in (None, "", [], ())


def _initiatives_linked(field: str, **lookup: Any) -> QuerySet:
    """Ids of initiatives linked through a many-to-many, as a subquery.

    A subquery rather than a join: a join would repeat an initiative once per
    matching link and need DISTINCT, which is slow on large result sets.
    """
    links = getattr(Initiative, field).through
    return links._default_manager.filter(**lookup).values("initiative_id")


TOOLKIT_RATING_HELP = (
    "A national toolkit's rating exactly as it words it (the toolkit_rating "
    "facet lists those in use, e.g. 'Estimated impact on violent crime: "
    "High'); repeatable: any of them matches. An unknown rating matches nothing."
)


class InitiativeFilterSet(FilterSet):
    q = extend_schema_field(
        {
            "type": "string",
            "maxLength": SEARCH_MAX_LENGTH,
            "pattern": r"^[^\u0000]*$",
            "example": "mental health",
            "description": 'Search. Words to find. Use "quotes" for a phrase, or '
            "between alternatives and a minus sign to exclude a word; a hyphen "
            "between letters counts as a space (mental-health finds what "
            "mental health finds). Ranked, "
            "with a highlighted snippet per result (PostgreSQL); when the words "
            "as typed find nothing but a spelling correction does, the "
            "correction is searched and reported in search_correction.",
        }
    )(
        django_filters.CharFilter(
            label="Search",
            method="filter_search",
            max_length=SEARCH_MAX_LENGTH,
            help_text='Words to find. Use "quotes" for a phrase, or between '
            "alternatives and a minus sign to exclude a word; mental-health "
            "finds what mental health finds.",
        )
    )
    # The facets, in the order the search page shows them.
    theme = SlugsFacet(
        label="Theme",
        queryset=Theme.objects.in_order(),
        field_name="themes",
        to_field_name="slug",
        method="filter_theme",
        count=facets.themes,
        help_text="Theme slug; repeat for any of several themes.",
    )
    police_area = SlugsFacet(
        label="Police area",
        queryset=PoliceArea.objects.all(),
        field_name="police_areas",
        to_field_name="slug",
        method="filter_police_area",
        count=facets.police_areas,
        help_text="Police force area id as used by data.police.uk; repeatable.",
    )
    status = MultipleChoiceFacet(
        label="Status",
        choices=Initiative.Status.choices,
        method="filter_status",
        count=facets.statuses,
        help_text="Lifecycle status; repeatable.",
    )
    evidence_stage = MultipleChoiceFacet(
        label="Stage of practice",
        choices=Initiative.EvidenceStage.choices,
        method="filter_evidence_stage",
        count=facets.evidence_stages,
        help_text="Stage of practice, as in the College of Policing Practice "
        "bank: untested, evaluated-locally, independently-evaluated; "
        "repeatable.",
    )
    evidence_outcome = MultipleChoiceFacet(
        label="What the evidence says",
        choices=Initiative.EvidenceOutcome.choices,
        method="filter_evidence_outcome",
        count=facets.evidence_outcomes,
        help_text="What the evidence says: worked, promising, "
        "new-or-innovative, did-not-work, mixed; repeatable.",
    )
    toolkit = MultipleChoiceFacet(
        label="Rated in a national toolkit",
        choices=[(ANY_TOOLKIT, "Any national toolkit"), *ToolkitLink.Toolkit.choices],
        method="filter_toolkit",
        count=facets.toolkits,
        help_text="Entries whose approach a national toolkit rates: 'any', or "
        "crime-reduction-toolkit (College of Policing), yef-toolkit (Youth "
        "Endowment Fund), foundations-guidebook; repeatable.",
    )
    toolkit_rating = extend_schema_field(
        {
            # One value; the parameter repeats (an array, exploded).
            "type": "string",
            "maxLength": 200,
            "example": "Estimated impact on violent crime: High",
            "description": TOOLKIT_RATING_HELP,
        }
    )(
        TextsFacet(
            label="Toolkit rating",
            method="filter_toolkit_rating",
            count=facets.toolkit_ratings,
            help_text=TOOLKIT_RATING_HELP,
        )
    )
    evidence_min = ChoiceFacet(
        label="Evidence at least",
        choices=Initiative.EvidenceStage.choices,
        method="filter_evidence_min",
        count=facets.evidence,
        empty_label="Any evidence, including none recorded",
        help_text="Lowest stage of practice to include.",
    )
    target_group = SlugsFacet(
        label="Target group",
        queryset=TargetGroup.objects.all(),
        field_name="target_groups",
        to_field_name="slug",
        method="filter_target_group",
        count=facets.target_groups,
        help_text="Target group slug; repeatable.",
    )
    nation = ChoiceFacet(
        label="Nation",
        choices=Nation.choices,
        method="filter_nation",
        count=facets.area_attribute("nation", Nation.choices),
        empty_label="Any nation",
    )
    region = ChoiceFacet(
        label="Region",
        choices=Region.choices,
        method="filter_region",
        count=facets.area_attribute("region", Region.choices),
        empty_label="Any region",
    )
    briefing = curators_data(
        SlugFacet(
            label="Featured in briefing",
            queryset=Briefing.objects.published(),
            field_name="briefings",
            to_field_name="slug",
            method="filter_briefing",
            count=facets.briefings,
            empty_label="Any briefing, or none",
        )
    )
    organisation = curators_data(
        SlugFacet(
            label="Organisation",
            queryset=public_organisations(),
            field_name="organisations",
            to_field_name="slug",
            method="filter_organisation",
            count=facets.organisations,
            empty_label="Any organisation",
            help_text="Organisation slug, in any role (lead, partner, commissioner, funder).",
        )
    )
    # Public sources only: a source cited only by hidden entries is an
    # unknown value, like any slug that does not exist.
    source = curators_data(
        django_filters.ModelMultipleChoiceFilter(
            label="Source",
            queryset=Source.objects.public(),
            field_name="sources",
            to_field_name="slug",
            method="filter_source",
            help_text="Slug of a source the initiative cites (directly or for its "
            "funding); repeatable: any of them matches.",
        )
    )
    start_year_min = extend_schema_field(
        {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR, "example": 2015}
    )(
        YearFilter(
            label="Started in or after",
            method="filter_start_year_min",
            min_value=MIN_YEAR,
            max_value=MAX_YEAR,
        )
    )
    start_year_max = extend_schema_field(
        {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}
    )(
        YearFilter(
            label="Started in or before",
            method="filter_start_year_max",
            min_value=MIN_YEAR,
            max_value=MAX_YEAR,
        )
    )
    updated_since = MomentFilter(
        label="Updated since",
        field_name="updated_at",
        lookup_expr="gte",
        help_text="A date, or a date and time (UK time when it has no offset).",
    )
    # Not a widening of what the public may see: demo entries are published,
    # and only left out by default (see initiatives.selectors.demo_shown).
    include_demo = django_filters.ChoiceFilter(
        label="Demo data",
        choices=[("true", "Included"), ("false", "Left out")],
        method="filter_include_demo",
        empty_label="As the site shows it",
        help_text="Whether synthetic demo entries are included: 'true' or "
        "'false'; left out unless the site includes them by default. Real "
        "entries come before demo entries in the default order.",
    )
    ordering = django_filters.ChoiceFilter(
        label="Sort by",
        choices=Ordering.choices,
        method="order_later",
        empty_label=None,
        help_text="Relevance by default when searching, else title. 'evidence': "
        "the strongest stage of practice first (independently evaluated, "
        "evaluated locally, untested), then within a stage worked, promising, "
        "mixed, did not work, new or innovative; entries without evidence last.",
    )

    class Meta:
        model = Initiative
        fields: list[str] = []
        form = ParameterForm

    def __init__(self, data: Mapping[str, Any] | None = None, *args, **kwargs):
        # Always a QueryDict, so that a parameter's values can be listed.
        super().__init__(None if data is None else as_query_dict(data), *args, **kwargs)

    @classmethod
    def facet_names(cls) -> tuple[str, ...]:
        """The filters whose options are counted, in the order pages show them."""
        return tuple(
            name
            for name, filter_ in cls.base_filters.items()
            if isinstance(filter_, Facet)
        )

    @property
    def search_text(self) -> str:
        """The words to search for as typed; empty when not searching."""
        if not self.is_bound or not self.is_valid():
            return ""
        return self.form.cleaned_data.get("q") or ""

    @property
    def demo_shown(self) -> bool:
        """Whether demo entries are in the results: as asked, else the site's."""
        chosen = self.form.cleaned_data.get("include_demo") if self.is_valid() else None
        return demo_shown(None if not chosen else chosen == "true")

    @property
    def real_first(self) -> bool:
        """Whether real entries come before demo ones: in the default order,
        when demo entries are shown."""
        chosen = self.form.cleaned_data.get("ordering") if self.is_valid() else None
        return self.demo_shown and not chosen

    @property
    def ordering_value(self) -> str:
        """The ordering in use: as chosen, else by relevance when searching."""
        chosen = self.form.cleaned_data.get("ordering") if self.is_valid() else None
        if chosen == Ordering.RELEVANCE and not self.search_text:
            return Ordering.TITLE
        return chosen or (Ordering.RELEVANCE if self.search_text else Ordering.TITLE)

    def canonical_parameters(self, exclude: Collection[str] = ()) -> str:
        """The chosen filters (and ordering) as one stable string, for cache keys.

        Only for a valid filterset: the values are the validated raw ones,
        sorted, so the same search written in another order gives the same key.
        """
        parts = []
        for name in self.filters:
            if name in exclude or name == "ordering":
                continue
            values = sorted({value for value in self.data.getlist(name) if value})
            if values:
                parts.append(f"{name}={chr(31).join(values)}")
        if "ordering" not in exclude:
            parts.append(f"ordering={self.ordering_value}")
        # What the site shows by default can change between processes' lives.
        parts.append(f"demo={int(self.demo_shown)}")
        if "ordering" not in exclude and self.real_first:
            parts.append("real-first")
        return "&".join(parts)

    def filter_queryset(self, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
        """Every chosen filter, then the ordering: django-filter's ``qs``."""
        return self.order(self.narrow(queryset))

    def chosen(self, name: str) -> bool:
        """Whether the valid filterset's filter ``name`` selects anything."""
        return _chosen(self.form.cleaned_data.get(name))

    def narrow(
        self,
        queryset: QuerySet[Initiative],
        *,
        without: Collection[str] = (),
        search_text: str | None = None,
    ) -> QuerySet[Initiative]:
        """The queryset narrowed by the chosen filters, but those ``without``.

        ``search_text`` is searched instead of the words typed in ``q`` (a
        spelling correction). Search runs last, annotating ``search_rank``.
        """
        values = self.form.cleaned_data
        for name, value in values.items():
            if name in without or name in {"q", "include_demo"} or not _chosen(value):
                continue
            queryset = self.filters[name].filter(queryset, value)
        # Applied whether chosen or not: left out, demo data stays out.
        queryset = self.filter_include_demo(
            queryset, "include_demo", values.get("include_demo")
        )
        text = values.get("q") if search_text is None else search_text
        if text and "q" not in without:
            queryset = self.filters["q"].filter(queryset, text)
        return queryset

    def order(self, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
        ordering = self.ordering_value
        if self.real_first:
            # By default real entries come first, then demo ones, each in
            # the default order.
            if ordering == Ordering.RELEVANCE:
                # The same order as DEMO_LAST (false before true), written so
                # that it does not match the index on it: led by that index,
                # PostgreSQL reads every published row, matching the words
                # against each, to sort one group by rank (issue 16).
                demo_last = ExpressionWrapper(
                    Q(origin=Initiative.Origin.DEMO), output_field=BooleanField()
                )
                return queryset.order_by(demo_last, "-search_rank", "title", "pk")
            return queryset.order_by(DEMO_LAST, "title", "pk")
        if ordering == Ordering.RELEVANCE:
            return queryset.order_by("-search_rank", "title", "pk")
        if ordering == Ordering.NEWEST_START:
            return queryset.order_by(
                F("start_date").desc(nulls_last=True), "title", "pk"
            )
        if ordering == Ordering.RECENTLY_UPDATED:
            return queryset.order_by("-updated_at", "pk")
        if ordering == Ordering.EVIDENCE:
            return queryset.order_by(
                _strength("evidence_stage", EVIDENCE_STAGE_STRENGTH),
                _strength("evidence_outcome", EVIDENCE_OUTCOME_STRENGTH),
                "title",
                "pk",
            )
        return queryset.order_by("title", "pk")

    def order_later(self, queryset, name, value):
        return queryset  # applied by filter_queryset, once the search is known

    def filter_search(self, queryset, name, value):
        return matching(queryset, value)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(pk__in=_initiatives_linked("themes", theme__in=value))

    def filter_police_area(self, queryset, name, value):
        return queryset.filter(
            pk__in=_initiatives_linked("police_areas", policearea__in=value)
        )

    def filter_nation(self, queryset, name, value):
        return queryset.filter(
            pk__in=_initiatives_linked("police_areas", policearea__nation=value)
        )

    def filter_region(self, queryset, name, value):
        return queryset.filter(
            pk__in=_initiatives_linked("police_areas", policearea__region=value)
        )

    def filter_target_group(self, queryset, name, value):
        return queryset.filter(
            pk__in=_initiatives_linked("target_groups", targetgroup__in=value)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value)

    def filter_evidence_min(self, queryset, name, value):
        return queryset.filter(
            evidence_stage__in=EVIDENCE_STAGES[EVIDENCE_STAGES.index(value) :]
        )

    def filter_evidence_stage(self, queryset, name, value):
        return queryset.filter(evidence_stage__in=value)

    def filter_evidence_outcome(self, queryset, name, value):
        return queryset.filter(evidence_outcome__in=value)

    def filter_toolkit(self, queryset, name, value):
        links = ToolkitLink.objects.all()
        if ANY_TOOLKIT not in value:
            links = links.filter(toolkit__in=value)
        return queryset.filter(pk__in=links.values("initiative_id"))

    def filter_toolkit_rating(self, queryset, name, value):
        links = ToolkitLink.objects.filter(rating__in=value)
        return queryset.filter(pk__in=links.values("initiative_id"))

    def filter_start_year_min(self, queryset, name, value):
        return queryset.filter(start_date__gte=datetime.date(value, 1, 1))

    def filter_start_year_max(self, queryset, name, value):
        return queryset.filter(start_date__lte=datetime.date(value, 12, 31))

    def filter_briefing(self, queryset, name, value):
        if not _known(value):
            return queryset.none()
        mentioned = BriefingMention.objects.filter(briefing=value)
        return queryset.filter(pk__in=mentioned.values("initiative_id"))

    def filter_organisation(self, queryset, name, value):
        if not _known(value):
            return queryset.none()
        roles = InitiativeOrganisation.objects.filter(organisation=value)
        return queryset.filter(pk__in=roles.values("initiative_id"))

    def filter_include_demo(self, queryset, name, value):
        if demo_shown(None if not value else value == "true"):
            return queryset
        return queryset.curated()

    def filter_source(self, queryset, name, value):
        value = _known(value)
        if not value:
            return queryset.none()
        cited = InitiativeSource.objects.filter(source__in=value)
        funded = Funding.objects.filter(source__in=value)
        return queryset.filter(
            Q(pk__in=cited.values("initiative_id"))
            | Q(pk__in=funded.values("initiative_id"))
        )


class BriefingFilterSet(FilterSet):
    """The one filter of the briefings in the API: changes since a moment."""

    updated_since = MomentFilter(
        label="Updated since",
        field_name="updated_at",
        lookup_expr="gte",
        help_text="A date, or a date and time (UK time when it has no offset).",
    )

    class Meta:
        model = Briefing
        fields: list[str] = []
        form = ParameterForm


class SourceFilterSet(FilterSet):
    """The filters of the sources' page and of ``/api/v1/sources/``."""

    kind = django_filters.MultipleChoiceFilter(
        label="Kind of source",
        choices=Source.Kind.choices,
        help_text="Kind of document; repeatable: any of them matches.",
    )
    # Public organisations only: one known only from hidden entries is an
    # unknown value, like any slug that does not exist.
    publisher = curators_data(
        django_filters.ModelChoiceFilter(
            label="Publisher",
            queryset=public_organisations(),
            field_name="publishers",
            to_field_name="slug",
            empty_label="Any publisher",
            method="filter_publisher",
            help_text="Organisation slug of a publisher.",
        )
    )

    class Meta:
        model = Source
        fields: list[str] = []
        form = ParameterForm

    def filter_publisher(self, queryset, name, value):
        if not _known(value):
            return queryset.none()
        return queryset.filter(publishers=value)
