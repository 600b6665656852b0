"""Facet counts for a search: how many results each filter option would give.

The standard disjunctive rule: a facet's counts take every active filter into
account except the facet's own, so choosing "Lancashire" does not make the
other areas' counts drop to zero and a visitor can widen as well as narrow.
Pages and API share this module, so their numbers are the same.

Each facet costs one query, whatever the number of results.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from initiatives.filters import EVIDENCE_STAGES, InitiativeFilterSet
from initiatives.models import (
    Briefing,
    Initiative,
    Nation,
    Organisation,
    PoliceArea,
    Region,
    TargetGroup,
)
from themes.models import Theme

FACET_NAMES = InitiativeFilterSet.FACETS


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def facet_counts(
    filterset: InitiativeFilterSet,
    queryset: QuerySet[Initiative],
    names: Iterable[str] = FACET_NAMES,
) -> dict[str, list[FacetOption]]:
    """Counts per option of each named facet, for the filterset's search.

    ``queryset`` is the public selector the results came from; the filterset
    must be valid.
    """
    counts = {}
    for name in names:
        matching = (
            filterset.filter_queryset(queryset, exclude={name}).order_by().values("pk")
        )
        selected = set(filterset.data.getlist(name)) if filterset.data else set()
        counts[name] = _COUNTERS[name](matching, selected)
    return counts


def _by_linked_rows(
    rows: QuerySet, relation: str, matching, selected, *, distinct=False
):
    counted = rows.annotate(
        matching_count=Count(
            relation, filter=Q(**{f"{relation}__in": matching}), distinct=distinct
        )
    )
    return [
        FacetOption(row.slug, str(row), row.matching_count, row.slug in selected)
        for row in counted
    ]


def _by_choice(choices, counted: dict[str, int], selected) -> list[FacetOption]:
    return [
        FacetOption(value, str(label), counted.get(value, 0), value in selected)
        for value, label in choices
    ]


def _themes(matching, selected):
    return _by_linked_rows(Theme.objects.in_order(), "initiatives", matching, selected)


def _police_areas(matching, selected):
    return _by_linked_rows(
        PoliceArea.objects.order_by("name"), "initiatives", matching, selected
    )


def _target_groups(matching, selected):
    return _by_linked_rows(TargetGroup.objects.all(), "initiatives", matching, selected)


def _area_attribute(attribute: str, choices):
    def count(matching, selected):
        rows = (
            PoliceArea.objects.order_by()
            .values(attribute)
            .annotate(
                matching_count=Count(
                    "initiatives",
                    filter=Q(initiatives__in=matching),
                    distinct=True,  # an initiative in two areas of one nation
                )
            )
        )
        counted = {row[attribute]: row["matching_count"] for row in rows}
        return _by_choice(choices, counted, selected)

    return count


def _statuses(matching, selected):
    rows = (
        Initiative.objects.filter(pk__in=matching)
        .order_by()
        .values("status")
        .annotate(matching_count=Count("pk"))
    )
    counted = {row["status"]: row["matching_count"] for row in rows}
    return _by_choice(Initiative.Status.choices, counted, selected)


def _evidence(matching, selected):
    rows = (
        Initiative.objects.filter(pk__in=matching)
        .order_by()
        .values("evidence_stage")
        .annotate(matching_count=Count("pk"))
    )
    counted = {row["evidence_stage"]: row["matching_count"] for row in rows}
    # "At least" a stage: each option counts its stage and every stage above.
    at_least = {
        stage: sum(counted.get(higher, 0) for higher in EVIDENCE_STAGES[i:])
        for i, stage in enumerate(EVIDENCE_STAGES)
    }
    return _by_choice(Initiative.EvidenceStage.choices, at_least, selected)


def _briefings(matching, selected):
    return _by_linked_rows(
        Briefing.objects.published(), "initiatives", matching, selected
    )


def _organisations(matching, selected):
    counted = (
        Organisation.objects.annotate(
            matching_count=Count(
                "initiatives", filter=Q(initiatives__in=matching), distinct=True
            )
        )
        .filter(Q(matching_count__gt=0) | Q(slug__in=selected))
        .order_by("-matching_count", "name")
    )
    return [
        FacetOption(row.slug, str(row), row.matching_count, row.slug in selected)
        for row in counted
    ]


_COUNTERS = {
    "theme": _themes,
    "police_area": _police_areas,
    "nation": _area_attribute("nation", Nation.choices),
    "region": _area_attribute("region", Region.choices),
    "target_group": _target_groups,
    "status": _statuses,
    "evidence_min": _evidence,
    "briefing": _briefings,
    "organisation": _organisations,
}
