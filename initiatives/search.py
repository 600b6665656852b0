"""The one search path: what the search page, its downloads and the API list.

Both entry points build an ``InitiativeFilterSet`` through django-filter (the
page's ``FilterMixin``, the API's filter backend), refuse it when it is not
valid, and hand the valid one to ``search_initiatives``, which decides
everything else once, for both:

- what is searched for: the words as typed, or their spelling correction
  when only that finds anything under the other filters (the decision is
  kept in the result cache);
- the results, filtered, searched and ordered, with highlighted snippets
  when asked for;
- the key under which the result cache keeps their count and pages;
- the facet counts asked for.

Nothing here changes the filterset: it can be read in any order.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from initiatives.facets import FacetOption, facet_counts
from initiatives.filters import InitiativeFilterSet
from initiatives.full_text import suggest_spelling, with_snippets
from initiatives.models import Initiative
from practice_library.content_version import current_version
from practice_library.result_cache import cached, result_key


@dataclass(frozen=True)
class InitiativeSearch:
    """The answer to one search, as pages and the API show it."""

    results: QuerySet[Initiative]
    # Names ``results`` in the result cache (their count and pages).
    result_key: str
    # The words as typed, and what was searched: the same, or a correction.
    search_text: str = ""
    searched_text: str = ""
    correction: str | None = None
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)


def search_initiatives(
    filterset: InitiativeFilterSet,
    *,
    facets: Iterable[str] = (),
    snippets: bool = True,
) -> InitiativeSearch:
    """Search with a valid filterset over the public selector it was given.

    ``facets`` names the facets to count; ``snippets`` whether each result
    carries a highlighted ``search_snippet`` when searching (costly, but
    PostgreSQL only works it out for the rows of the page shown).
    """
    base = filterset.queryset
    version = current_version()[0]

    def key(kind: str, exclude: Collection[str] = ()) -> str:
        return result_key(
            kind, filterset.canonical_parameters(exclude), version=version
        )

    text = filterset.search_text
    searched, correction = text, None
    if text:
        searched, correction = cached(
            key("search-text", exclude={"ordering"}),
            lambda: _text_to_search(filterset, base, text),
        )
    results = filterset.order(filterset.narrow(base, search_text=searched))
    if snippets and searched:
        results = with_snippets(results, searched)
    counted = (
        facet_counts(filterset, base, facets, search_text=searched, version=version)
        if facets
        else {}
    )
    return InitiativeSearch(
        results=results,
        result_key=key("page"),
        search_text=text,
        searched_text=searched,
        correction=correction,
        facets=counted,
    )


def _text_to_search(
    filterset: InitiativeFilterSet, base: QuerySet[Initiative], text: str
) -> tuple[str, str | None]:
    """The words as typed, or their spelling correction when only that finds
    anything under the other filters; with the correction, if used."""
    if filterset.narrow(base).exists():
        return text, None
    corrected = suggest_spelling(text, using=base.db)
    if corrected and filterset.narrow(base, search_text=corrected).exists():
        return corrected, corrected
    return text, None
