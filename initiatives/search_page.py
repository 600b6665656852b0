"""What the search page shows for one query string: problems, results, facets
and chips.

The view builds the ``InitiativeFilterSet`` through django-filter's
``FilterMixin``; the results, the spelling correction and the facet counts
come from ``initiatives.search.search_initiatives``, as in the API. This
module only arranges them for the template.

Bad parameters never raise: they become problems that name the parameter and
the value given, and the page then shows no results, with facet counts for
the parameters that were valid.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.core.paginator import Page
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from initiatives.facets import LISTS_ONLY_MATCHES, FacetOption
from initiatives.filters import InitiativeFilterSet, Ordering
from initiatives.search import InitiativeSearch, search_initiatives
from practice_library.paging import (
    PAGING_PARAMETERS,
    PageForm,
    Problem,
    form_problems,
    paginate,
    unknown_parameter_problems,
)
from practice_library.parameters import takes_many

# How many options the organisation facet shows before the rest are left to
# the search box.
ORGANISATION_OPTIONS = 12
# Facets open by default: the short list a visitor scans first. The rest
# open when chosen, so that a narrow screen reaches the results sooner.
OPEN_FACETS = {"theme"}
PAGE_SIZES = (20, 50, 100)
# Facets the page does not offer: "evidence at least" a stage is what the
# per-stage checkboxes of evidence_stage already give. It still filters
# (old addresses, the API) and shows as a removable chip.
NOT_ON_PAGE = {"evidence_min"}
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


class SearchPage:
    """The search page's state for one query string and its filterset."""

    def __init__(self, filterset: InitiativeFilterSet, params: QueryDict):
        self.filterset = filterset
        self.params = params
        self.paging = PageForm(params)
        self.problems: list[Problem] = []
        self.page: Page | None = None
        self.search: InitiativeSearch | None = None
        # A misspelt parameter first, alone, as the API reports it: the
        # visitor may have meant it for a value reported as wrong.
        self.problems += unknown_parameter_problems(
            params, [*filterset.filters, *PAGING_PARAMETERS]
        )
        if not self.problems:
            if not filterset.is_valid():
                self.problems += form_problems(filterset.form, params)
            if not self.paging.is_valid():
                self.problems += form_problems(self.paging, params)
        if not self.problems:
            self.search = search_initiatives(filterset, facets=self.facet_names)
            self.page, self.problems = paginate(
                self.search.results, self.paging, result_key=self.search.result_key
            )

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def past_the_last_page(self) -> bool:
        """Whether all that is wrong is a page past the last: not found."""
        return self.search is not None and self.page is None

    @property
    def search_text(self) -> str:
        return self.filterset.search_text

    @property
    def searched_text(self) -> str:
        return self.search.searched_text if self.search is not None else ""

    @property
    def search_correction(self) -> str | None:
        return self.search.correction if self.search and self.is_valid else None

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

    # Facets ---------------------------------------------------------------

    @property
    def facet_names(self) -> tuple[str, ...]:
        names = self.filterset.facet_names()
        return tuple(name for name in names if name not in NOT_ON_PAGE)

    @cached_property
    def facets(self) -> list[FacetGroup]:
        """Facet groups with counts; after bad input, counts for the valid part."""
        names = self.facet_names
        if self.search is not None:
            counted = self.search.facets
        else:
            counted = self._facets_of_the_valid_part(names)
        form = self.filterset.form
        groups = []
        for name in names:
            options = counted.get(name, [])
            hidden = 0
            if name in LISTS_ONLY_MATCHES and len(options) > ORGANISATION_OPTIONS:
                kept = options[:ORGANISATION_OPTIONS]
                kept += [o for o in options[ORGANISATION_OPTIONS:] if o.selected]
                hidden = len(options) - len(kept)
                options = kept
            filter_ = self.filterset.filters[name]
            groups.append(
                FacetGroup(
                    name=name,
                    label=str(filter_.label),
                    options=options,
                    multiple=takes_many(form.fields[name]),
                    any_label=str(filter_.extra.get("empty_label") or ""),
                    hidden_count=hidden,
                    problems=[p for p in self.problems if p.name == name],
                )
            )
        return groups

    def _facets_of_the_valid_part(
        self, names: tuple[str, ...]
    ) -> dict[str, list[FacetOption]]:
        params = self.params.copy()
        for problem in self.problems:
            params.pop(problem.name, None)
        valid = InitiativeFilterSet(params, queryset=self.filterset.queryset)
        if not valid.is_valid():
            return {}
        return search_initiatives(valid, facets=names, snippets=False).facets

    # Chips ----------------------------------------------------------------

    @cached_property
    def chips(self) -> list[Chip]:
        """Each active filter value, removable on its own."""
        if not self.filterset.is_valid():
            return []
        chips = []
        form = self.filterset.form
        for name, filter_ in self.filterset.filters.items():
            value = form.cleaned_data.get(name)
            if name in NOT_CHIPS or value in (None, "", [], ()):
                continue
            label = str(filter_.label)
            if takes_many(form.fields[name]):
                for item in value:
                    chips.append(
                        Chip(label, _display(filter_, item), self._remove(name, item))
                    )
            else:
                chips.append(Chip(label, _display(filter_, value), self._remove(name)))
        return chips

    def _remove(self, name: str, item: Any = None) -> str:
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
    def orderings(self) -> list[tuple[str, str, bool]]:
        """The sort options as (value, label, selected).

        The first has no value: the default order, relevance with a search
        and title without. Sending it empty (and so dropping it from the
        address) lets a visitor who types a search on a page sorted by
        default get the results by relevance, not by the order the page had.
        """
        searching = bool(self.search_text)
        default = Ordering.RELEVANCE if searching else Ordering.TITLE
        raw = self.params.get("ordering", "")
        chosen = raw if raw in {value for value, _ in Ordering.choices} else ""
        if chosen in {Ordering.RELEVANCE, default}:
            chosen = ""
        options = [("", "Relevance" if searching else "Title", not chosen)]
        options += [
            (value, label, value == chosen)
            for value, label in Ordering.choices
            if value not in {Ordering.RELEVANCE, default}
        ]
        return options


def _display(filter_: django_filters.Filter, value: Any) -> str:
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value)
        shown = f"{moment.day} {moment:%B %Y}"
        return shown if moment.time() == datetime.time() else f"{shown}, {moment:%H:%M}"
    choices = dict(getattr(filter_, "extra", {}).get("choices", []) or [])
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    return str(value)
