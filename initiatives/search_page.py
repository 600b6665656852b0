"""One visit to the search page: filters, paging, results, facets and chips.

The view stays thin: it builds an ``InitiativeSearch`` from the query string
and hands it to the template. The results start from ``public_initiatives()``
and are narrowed by the one ``InitiativeFilterSet``; the facet counts come
from ``initiatives.facets``, so the API shows the same numbers.

Bad parameters never raise: they become problems that name the parameter and
the value given, and the page then shows no results.
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from initiatives.facets import FacetOption, facet_counts
from initiatives.filters import InitiativeFilterSet, Ordering
from initiatives.models import Initiative
from initiatives.search import with_snippets
from initiatives.selectors import public_initiatives
from practice_library.paging import Problem, form_problems, page_form, paginate

# Facets in the order the filter panel shows them, with how many options a
# long facet shows before the rest are left to the search box.
FACET_ORDER = (
    "theme",
    "police_area",
    "status",
    "evidence_min",
    "target_group",
    "nation",
    "region",
    "briefing",
    "organisation",
)
MULTIPLE = {"theme", "police_area", "target_group", "status"}
ORGANISATION_OPTIONS = 12
# Facets open by default: the short list a visitor scans first. The rest
# open when chosen, so that a narrow screen reaches the results sooner.
OPEN_FACETS = {"theme"}
ANY_LABELS = {
    "nation": "Any nation",
    "region": "Any region",
    "evidence_min": "Any evidence, including none recorded",
    "briefing": "Any briefing, or none",
    "organisation": "Any organisation",
}
PAGE_SIZES = (20, 50, 100)
# Parameters that are not filters: they never make a chip.
NOT_CHIPS = {"ordering", "page", "page_size"}


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    options: list[FacetOption]
    multiple: bool
    any_label: str = ""
    hidden_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return (
            self.name in OPEN_FACETS
            or any(option.selected for option in self.options)
            or bool(self.problems)
        )

    @property
    def nothing_selected(self) -> bool:
        return not any(option.selected for option in self.options)


@dataclass(frozen=True)
class Chip:
    """An active filter value, with the address that removes it."""

    label: str
    value: str
    remove_query: str


def _query(params: QueryDict) -> str:
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def without_empty_values(params: QueryDict) -> QueryDict | None:
    """The parameters less empty values, or None when there are none to drop.

    A form without JavaScript sends every field, filled or not; the page
    redirects to the shorter address so that shared links stay readable.
    """
    if all("" not in params.getlist(key) for key in params):
        return None
    cleaned = QueryDict(mutable=True)
    for key in params:
        values = [value for value in params.getlist(key) if value != ""]
        if values:
            cleaned.setlist(key, values)
    return cleaned


class InitiativeSearch:
    """The search page's state for one query string."""

    def __init__(self, params: QueryDict):
        self.params = params
        self.filterset = InitiativeFilterSet(params, queryset=public_initiatives())
        self.paging = page_form(params)
        self.problems: list[Problem] = []
        self.page: Page | None = None
        if not self.filterset.is_valid():
            self.problems += form_problems(self.filterset.form, params)
        if not self.paging.is_valid():
            self.problems += form_problems(self.paging, params)
        if not self.problems:
            self.page, self.problems = paginate(
                self._rows(),
                self.paging,
                result_key=self.filterset.result_key("page"),
            )

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @cached_property
    def results(self) -> QuerySet[Initiative]:
        # Reading .qs makes the search decision (and any spelling correction).
        return self.filterset.qs

    @property
    def search_text(self) -> str:
        return self.filterset.search_text

    @property
    def search_correction(self) -> str | None:
        return self.filterset.search_correction if self.is_valid else None

    @property
    def count(self) -> int:
        return self.page.paginator.count if self.page is not None else 0

    @property
    def ordering(self) -> str:
        return self.filterset.ordering_value if self.is_valid else Ordering.TITLE

    @property
    def page_size(self) -> int:
        if self.page is not None:
            return self.page.paginator.per_page
        return PAGE_SIZES[0]

    def _rows(self) -> QuerySet[Initiative]:
        """The results, with highlighted snippets when searching. ts_headline
        is costly, but PostgreSQL only runs it for the rows of the page."""
        if not self.search_text:
            return self.results
        return with_snippets(self.results, self.filterset.effective_search_text or "")

    # Facets ---------------------------------------------------------------

    @cached_property
    def facets(self) -> list[FacetGroup]:
        """Facet groups with counts; after bad input, counts for the valid part."""
        filterset = self.filterset
        if not self.filterset.is_valid():
            filterset = self._filterset_without_problems()
        if filterset.is_valid():
            filterset.qs  # noqa: B018 (the search decision is made on the results)
            counted = facet_counts(filterset, public_initiatives(), FACET_ORDER)
        else:
            counted = {name: [] for name in FACET_ORDER}
        groups = []
        for name in FACET_ORDER:
            options = counted[name]
            hidden = 0
            if name == "organisation" and len(options) > ORGANISATION_OPTIONS:
                kept = options[:ORGANISATION_OPTIONS]
                kept += [o for o in options[ORGANISATION_OPTIONS:] if o.selected]
                hidden = len(options) - len(kept)
                options = kept
            groups.append(
                FacetGroup(
                    name=name,
                    label=str(self.filterset.filters[name].label),
                    options=options,
                    multiple=name in MULTIPLE,
                    any_label=ANY_LABELS.get(name, ""),
                    hidden_count=hidden,
                    problems=[p for p in self.problems if p.name == name],
                )
            )
        return groups

    def _filterset_without_problems(self) -> InitiativeFilterSet:
        params = self.params.copy()
        for problem in self.problems:
            params.pop(problem.name, None)
        return InitiativeFilterSet(params, queryset=public_initiatives())

    # Chips ----------------------------------------------------------------

    @cached_property
    def chips(self) -> list[Chip]:
        """Each active filter value, removable on its own."""
        if not self.filterset.is_valid():
            return []
        chips = []
        cleaned = self.filterset.form.cleaned_data
        for name, filter_ in self.filterset.filters.items():
            value = cleaned.get(name)
            if name in NOT_CHIPS or value in (None, "", [], ()):
                continue
            label = str(filter_.label)
            if name in MULTIPLE:
                for item in value:
                    chips.append(
                        Chip(label, _display(filter_, item), self._remove(name, item))
                    )
            else:
                chips.append(Chip(label, _display(filter_, value), self._remove(name)))
        return chips

    def _remove(self, name: str, item=None) -> str:
        params = self.params.copy()
        params.pop("page", None)
        if item is None:
            params.pop(name, None)
        else:
            value = getattr(item, "slug", item)
            params.setlist(name, [v for v in params.getlist(name) if v != value])
        return _query(params)

    @property
    def page_sizes(self) -> list[int]:
        """The sizes offered, with the one in use even if it is not a usual one."""
        return sorted({*PAGE_SIZES, self.page_size})

    @property
    def orderings(self) -> list[tuple[str, str]]:
        return Ordering.choices


def _display(filter_, value) -> str:
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value)
        shown = f"{moment.day} {moment:%B %Y}"
        return shown if moment.time() == datetime.time() else f"{shown}, {moment:%H:%M}"
    choices = dict(getattr(filter_, "extra", {}).get("choices", []) or [])
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    return str(value)
