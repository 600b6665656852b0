"""InitiativeFilterSet: the one set of filters behind the pages and the API.

It is a plain ``django_filters.FilterSet``, so it renders as the search page's
form and works unchanged behind DRF: ``?police_area=kent&theme=x`` means the
same on ``/initiatives/`` and ``/api/v1/initiatives/``. Visibility never lives
here: the view's selector decides what the public may see, and no parameter
can widen it.

Within one filter, several values widen the results (any of them matches);
different filters narrow them (all must match). Facet counts rely on this
"disjunctive" rule, see ``initiatives.facets``.
"""

import datetime
from collections.abc import Iterable

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property

from initiatives.models import (
    Briefing,
    BriefingMention,
    Initiative,
    InitiativeOrganisation,
    Nation,
    Organisation,
    PoliceArea,
    Region,
    TargetGroup,
)
from initiatives.search import search_initiatives, suggest_spelling
from practice_library.content_version import current_version
from practice_library.parameters import more_than_one
from practice_library.result_cache import cached, result_key
from themes.models import Theme

SEARCH_MAX_LENGTH = 500
MIN_YEAR, MAX_YEAR = 1900, 2100
EVIDENCE_STAGES = [stage for stage, _ in Initiative.EvidenceStage.choices]


class Ordering:
    RELEVANCE = "relevance"
    TITLE = "title"
    NEWEST_START = "-start_date"
    RECENTLY_UPDATED = "-updated_at"

    choices = [
        (RELEVANCE, "Relevance (when searching)"),
        (TITLE, "Title"),
        (NEWEST_START, "Most recently started"),
        (RECENTLY_UPDATED, "Most recently updated"),
    ]


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class MomentField(forms.DateTimeField):
    """A date and time the database can compare with: converted to UTC.

    PostgreSQL refuses offsets beyond ±15:59 that Python accepts (a 500
    otherwise), and near year 1 or 9999 an offset can push the moment out of
    range: both are reported as an invalid value.
    """

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(
                "Enter a date and time between the years 1 and 9999.", code="invalid"
            ) from None


class MomentFilter(django_filters.DateTimeFilter):
    field_class = MomentField


def _chosen(value) -> bool:
    """Whether a cleaned filter value selects anything (without a query)."""
    if isinstance(value, QuerySet):
        return not value.query.is_empty()
    return value not in (None, "", [], ())


def _as_query_dict(data) -> QueryDict:
    """A mutable copy of the parameters, whether given as a QueryDict or dict."""
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key, value in data.items():
        copy.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
    return copy


def _unreadable(values: list[str]) -> str | None:
    """Why some raw values cannot be used as text, or None when they can."""
    if any("\x00" in value for value in values):
        return "Null characters are not allowed."
    # Bytes that are not UTF-8 (such as a lone surrogate, %ED%A0%80) arrive
    # decoded as U+FFFD REPLACEMENT CHARACTER.
    if any("\ufffd" in value for value in values):
        return "This value has characters that could not be read (not UTF-8)."
    return None


def _takes_many(filter_: django_filters.Filter) -> bool:
    # ModelMultipleChoiceFilter is a MultipleChoiceFilter too.
    return isinstance(filter_, django_filters.MultipleChoiceFilter)


def _through(field: str):
    return Initiative._meta.get_field(field).remote_field.through


def _initiatives_linked(field: str, **lookup) -> QuerySet:
    """Ids of initiatives linked through a many-to-many, as a subquery.

    A subquery rather than a join: a join would repeat an initiative once per
    matching link and need DISTINCT, which is slow on large result sets.
    """
    return _through(field).objects.filter(**lookup).values("initiative_id")


class InitiativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text='Words to find. Use "quotes" for a phrase, or between '
        "alternatives and a minus sign to exclude a word.",
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label="Theme",
        queryset=Theme.objects.in_order(),
        to_field_name="slug",
        method="filter_theme",
        help_text="Theme slug; repeat for any of several themes.",
    )
    police_area = django_filters.ModelMultipleChoiceFilter(
        label="Police area",
        queryset=PoliceArea.objects.all(),
        to_field_name="slug",
        method="filter_police_area",
        help_text="Police force area id as used by data.police.uk; repeatable.",
    )
    nation = django_filters.ChoiceFilter(
        label="Nation", choices=Nation.choices, method="filter_nation"
    )
    region = django_filters.ChoiceFilter(
        label="Region", choices=Region.choices, method="filter_region"
    )
    target_group = django_filters.ModelMultipleChoiceFilter(
        label="Target group",
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        method="filter_target_group",
        help_text="Target group slug; repeatable.",
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=Initiative.Status.choices,
        method="filter_status",
        help_text="Lifecycle status; repeatable.",
    )
    evidence_min = django_filters.ChoiceFilter(
        label="Evidence at least",
        choices=Initiative.EvidenceStage.choices,
        method="filter_evidence_min",
        help_text="Lowest stage of practice to include.",
    )
    start_year_min = YearFilter(
        label="Started in or after",
        method="filter_start_year_min",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    start_year_max = YearFilter(
        label="Started in or before",
        method="filter_start_year_max",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    briefing = django_filters.ModelChoiceFilter(
        label="Featured in briefing",
        queryset=Briefing.objects.published(),
        to_field_name="slug",
        method="filter_briefing",
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        method="filter_organisation",
        help_text="Organisation slug, in any role (lead, partner, commissioner, funder).",
    )
    updated_since = MomentFilter(
        label="Updated since",
        field_name="updated_at",
        lookup_expr="gte",
        help_text="ISO 8601 date or date-time, e.g. 2025-01-31T09:00:00Z.",
    )
    ordering = django_filters.ChoiceFilter(
        label="Sort by",
        choices=Ordering.choices,
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Initiative
        fields: list[str] = []

    # Filters whose selection is a set of options; each is a facet.
    FACETS = (
        "theme",
        "police_area",
        "nation",
        "region",
        "target_group",
        "status",
        "evidence_min",
        "briefing",
        "organisation",
    )

    def __init__(self, data=None, *args, **kwargs):
        # Problems with the raw parameters that the fields cannot see, by name.
        self.parameter_problems: dict[str, str] = {}
        if data is not None:
            data = _as_query_dict(data)
            for key in list(data.keys()):
                problem = _unreadable(data.getlist(key))
                if problem:
                    # Such a value cannot reach the database (PostgreSQL refuses
                    # a NUL byte), so the parameter is dropped and reported.
                    self.parameter_problems[key] = problem
                    data.pop(key)
        super().__init__(data, *args, **kwargs)
        for key in self.data.keys() if self.is_bound else ():
            if key in self.filters and not _takes_many(self.filters[key]):
                problem = more_than_one(self.data.getlist(key))
                if problem:
                    self.parameter_problems[key] = problem
        # Set by the first search: the text searched for, and the spelling
        # correction when the typed text found nothing but the correction did.
        self.effective_search_text: str | None = None
        self.search_correction: str | None = None

    @cached_property
    def form(self) -> forms.Form:
        form = super().form
        for name, problem in self.parameter_problems.items():
            if name in form.fields and form.errors is not None:
                form.add_error(name, problem)
        return form

    @property
    def search_text(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        return self.form.cleaned_data.get("q") or ""

    @cached_property
    def content_number(self) -> int:
        """The content version, read once for every result key of this search."""
        return current_version()[0]

    def result_key(self, kind: str, *, exclude: Iterable[str] = ()) -> str:
        """The result-cache key of one kind of result for these filters."""
        return result_key(
            kind, self.canonical_parameters(exclude), version=self.content_number
        )

    def canonical_parameters(self, exclude: Iterable[str] = ()) -> str:
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
        return "&".join(parts)

    @property
    def ordering_value(self) -> str:
        chosen = self.form.cleaned_data.get("ordering") if self.is_valid() else None
        if chosen == Ordering.RELEVANCE and not self.search_text:
            return Ordering.TITLE
        return chosen or (Ordering.RELEVANCE if self.search_text else Ordering.TITLE)

    def filter_queryset(
        self, queryset: QuerySet[Initiative], exclude: Iterable[str] = ()
    ) -> QuerySet[Initiative]:
        """Apply the chosen filters, leaving out those named in ``exclude``.

        Search runs last, so that its spelling fallback sees the other filters;
        ordering is applied once everything else is known.
        """
        skipped = {"q", "ordering", *exclude}
        for name, value in self.form.cleaned_data.items():
            if name in skipped or not _chosen(value):
                continue
            queryset = self.filters[name].filter(queryset, value)
        if self.search_text:
            queryset = self._search(queryset, self.search_text)
        return self.order(queryset)

    def order(self, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
        ordering = self.ordering_value
        if ordering == Ordering.RELEVANCE:
            return queryset.order_by("-search_rank", "title", "pk")
        if ordering == Ordering.NEWEST_START:
            return queryset.order_by(
                F("start_date").desc(nulls_last=True), "title", "pk"
            )
        if ordering == Ordering.RECENTLY_UPDATED:
            return queryset.order_by("-updated_at", "pk")
        return queryset.order_by("title", "pk")

    def _search(
        self, queryset: QuerySet[Initiative], text: str
    ) -> QuerySet[Initiative]:
        if self.effective_search_text is None:
            self.effective_search_text = self._choose_search_text(queryset, text)
        return search_initiatives(queryset, self.effective_search_text)

    def _choose_search_text(self, queryset: QuerySet[Initiative], text: str) -> str:
        """The text as typed, or its spelling correction when only that finds
        anything; decided once, on the first (fully filtered) search, and
        kept in the result cache with the other filters."""

        def decide() -> tuple[str, str | None]:
            if search_initiatives(queryset, text).exists():
                return text, None
            corrected = suggest_spelling(text, using=queryset.db)
            if corrected and search_initiatives(queryset, corrected).exists():
                return corrected, corrected
            return text, None

        key = self.result_key("search-text", exclude={"ordering"})
        chosen, self.search_correction = cached(key, decide)
        return chosen

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        return queryset  # applied last, by filter_queryset

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

    def filter_start_year_min(self, queryset, name, value):
        return queryset.filter(start_date__gte=datetime.date(value, 1, 1))

    def filter_start_year_max(self, queryset, name, value):
        return queryset.filter(start_date__lte=datetime.date(value, 12, 31))

    def filter_briefing(self, queryset, name, value):
        mentioned = BriefingMention.objects.filter(briefing=value)
        return queryset.filter(pk__in=mentioned.values("initiative_id"))

    def filter_organisation(self, queryset, name, value):
        roles = InitiativeOrganisation.objects.filter(organisation=value)
        return queryset.filter(pk__in=roles.values("initiative_id"))
