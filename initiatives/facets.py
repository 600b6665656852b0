"""Facet counts for a search: how many results each filter option would give.

The standard disjunctive rule: a facet's counts take every active filter into
account except the facet's own, so choosing "Lancashire" does not make the
other areas' counts drop to zero and a visitor can widen as well as narrow.
Pages and API share this module, so their numbers are the same.

When searching, the words are matched once (``full_text.matching_ids``) and
every facet starts from those ids, with its other filters, instead of
matching the words again in a subquery of its own (issue 16: the facet that
ignores a selective filter matched them against every row). The entries a
facet counts among are then found once for all facets whose own filter is
not chosen (they are the results), and once more for each facet whose own
filter is, as a list of ids. Each facet's counts take one query among those
ids (one array parameter), which starts from the link rows of those
initiatives (an index lookup each, or one hashed pass) rather than from
every link row in the library, so its cost follows the size of the results;
facets whose
options are rows (themes, areas, target groups, briefings) read those rows in
one more, small query. The counts are kept in the result cache
(``practice_library.result_cache``) under the content version and every filter but
its own, so a repeated or related search is counted once.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.validators import slug_re
from django.db.models import Count, Model, QuerySet
from django.utils.text import slugify

from initiatives.full_text import among, matching_ids
from initiatives.models import (
    Briefing,
    BriefingMention,
    Initiative,
    InitiativeOrganisation,
    PoliceArea,
    TargetGroup,
    ToolkitLink,
)
from initiatives.selectors import public_organisations
from practice_library.result_cache import cached_many, result_key
from themes.models import Theme

if TYPE_CHECKING:
    from initiatives.filters import InitiativeFilterSet

EVIDENCE_STAGES = [stage for stage, _ in Initiative.EvidenceStage.choices]
ANY_TOOLKIT = "any"
# Chosen options a facet lists only when they have matches, added back
# when chosen so that they can be unchosen.
LISTS_ONLY_MATCHES = {"organisation", "toolkit_rating"}


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool

    @property
    def id_part(self) -> str:
        """The value as it may stand in an HTML id: itself when it is a slug,
        as almost every value is. A toolkit's rating is free text ("High",
        "Effect: ...; quality of evidence: very strong"), and an id may hold
        no space: it is made a slug, with a digest of the value so that two
        ratings never share an id."""
        if slug_re.fullmatch(self.value):
            return self.value
        digest = hashlib.sha256(self.value.encode()).hexdigest()[:8]
        return f"{slugify(self.value)}-{digest}"


def facet_counts(
    filterset: "InitiativeFilterSet",
    queryset: QuerySet[Initiative],
    names: Iterable[str],
    *,
    search_text: str,
    version: int,
) -> dict[str, list[FacetOption]]:
    """Counts per option of each named facet, for the filterset's search.

    ``queryset`` is the public selector the results came from (the cache keys
    assume it); the filterset must be valid; ``search_text`` is what was
    searched for (the words typed, or their spelling correction) and
    ``version`` the content version the counts are kept under.
    """
    names = list(names)
    keys = {
        name: result_key(
            f"facet-{name}",
            filterset.canonical_parameters(exclude={name, "ordering"}),
            version=version,
        )
        for name in names
    }

    def count(missing: Iterable[str]) -> dict[str, list[FacetOption]]:
        missing = list(missing)
        # The words are matched once for every facet: each facet then starts
        # from those ids instead of matching them again in its own subquery
        # (for a facet that ignores its own, selective filter, against every
        # row of the library).
        matched = matching_ids(queryset, search_text) if search_text else None

        def narrowed(name: str) -> QuerySet[Initiative]:
            if matched is None:
                return filterset.narrow(
                    queryset, without={name}, search_text=search_text
                )
            return among(filterset.narrow(queryset, without={name, "q"}), matched)

        # When searching, every facet whose own filter is not chosen counts
        # among the same entries, the results: they are found once, and each
        # facet counts among their ids (an array: an index lookup per id, or
        # one hashed pass) instead of a subquery of its own, which PostgreSQL
        # joined against every initiative. Without words, a subquery: the
        # ids of a whole library are not worth sending back and forth.
        results: list[list[int]] = []

        def ids(name: str) -> list[int] | QuerySet:
            if matched is None:
                return narrowed(name).order_by().values("pk")
            if filterset.chosen(name):
                return _ids(narrowed(name))
            if not results:
                results.append(_ids(narrowed(name)))
            return results[0]

        return {name: filterset.filters[name].count(ids(name)) for name in missing}

    counted = cached_many(keys, count)
    return {name: _with_selection(name, counted[name], filterset) for name in names}


def _ids(initiatives: QuerySet[Initiative]) -> list[int]:
    return list(initiatives.order_by().values_list("pk", flat=True))


def _with_selection(
    name: str, options: list[FacetOption], filterset: "InitiativeFilterSet"
) -> list[FacetOption]:
    """Mark the visitor's own choices; a chosen organisation with no matches
    (left out of the counted list) is added back so it can be unchosen."""
    selected = set(filterset.data.getlist(name)) if filterset.data else set()
    marked = [replace(option, selected=option.value in selected) for option in options]
    missing = selected - {option.value for option in options}
    if name == "organisation" and missing:
        marked += [
            FacetOption(organisation.slug, str(organisation), 0, True)
            for organisation in public_organisations().filter(slug__in=missing)
        ]
    if name == "toolkit_rating":
        marked += [FacetOption(rating, rating, 0, True) for rating in sorted(missing)]
    return marked


def _link_counts(
    links: type[Model], option: str, matching, *, distinct: bool = False
) -> dict[Any, int]:
    """Matching initiatives per value of ``option``, counted from ``links``.

    ``links`` is a model with a foreign key to the initiative and one to the
    option (``option`` may follow it further, e.g. ``policearea__nation``).
    ``distinct`` when one initiative may link to an option more than once.
    """
    rows = (
        among(links._default_manager.all(), matching, "initiative_id")
        .order_by()
        .values(option)
        .annotate(matching_count=Count("initiative", distinct=distinct))
    )
    return {row[option]: row["matching_count"] for row in rows}


def _by_option_rows(options: QuerySet, counted: dict[Any, int]) -> list[FacetOption]:
    return [
        FacetOption(row.slug, str(row), counted.get(row.pk, 0), False)
        for row in options
    ]


def _by_choice(choices, counted: dict[str, int]) -> list[FacetOption]:
    return [
        FacetOption(value, str(label), counted.get(value, 0), False)
        for value, label in choices
    ]


def themes(matching):
    counted = _link_counts(Initiative.themes.through, "theme", matching)
    return _by_option_rows(Theme.objects.in_order(), counted)


def police_areas(matching):
    counted = _link_counts(Initiative.police_areas.through, "policearea", matching)
    return _by_option_rows(PoliceArea.objects.order_by("name"), counted)


def target_groups(matching):
    counted = _link_counts(Initiative.target_groups.through, "targetgroup", matching)
    return _by_option_rows(TargetGroup.objects.all(), counted)


def area_attribute(attribute: str, choices):
    def count(matching):
        counted = _link_counts(
            Initiative.police_areas.through,
            f"policearea__{attribute}",
            matching,
            distinct=True,  # an initiative in two areas of one nation
        )
        return _by_choice(choices, counted)

    return count


def statuses(matching):
    rows = (
        among(Initiative.objects.all(), matching)
        .order_by()
        .values("status")
        .annotate(matching_count=Count("pk"))
    )
    counted = {row["status"]: row["matching_count"] for row in rows}
    return _by_choice(Initiative.Status.choices, counted)


def evidence(matching):
    rows = (
        among(Initiative.objects.all(), matching)
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
    return _by_choice(Initiative.EvidenceStage.choices, at_least)


def _by_field(matching, field: str, choices) -> list[FacetOption]:
    rows = (
        among(Initiative.objects.all(), matching)
        .order_by()
        .values(field)
        .annotate(matching_count=Count("pk"))
    )
    return _by_choice(choices, {row[field]: row["matching_count"] for row in rows})


def evidence_stages(matching):
    return _by_field(matching, "evidence_stage", Initiative.EvidenceStage.choices)


def evidence_outcomes(matching):
    return _by_field(matching, "evidence_outcome", Initiative.EvidenceOutcome.choices)


def _toolkit_links(matching, *fields: str) -> list[tuple]:
    """Distinct (fields..., initiative) of the matching initiatives' toolkit
    links: a few rows per initiative at most, counted here, so that "any
    toolkit" and each toolkit come from one query."""
    return list(
        among(ToolkitLink.objects.all(), matching, "initiative_id")
        .order_by()
        .values_list(*fields, "initiative_id")
        .distinct()
    )


def toolkits(matching):
    """Each toolkit, and first "any toolkit": initiatives it rates."""
    links = _toolkit_links(matching, "toolkit")
    counted = Counter(toolkit for toolkit, _ in links)
    counted[ANY_TOOLKIT] = len({initiative for _, initiative in links})
    return _by_choice(
        [(ANY_TOOLKIT, "Any national toolkit"), *ToolkitLink.Toolkit.choices], counted
    )


def toolkit_ratings(matching):
    """The ratings in use among the matches, as the toolkits word them, the
    most first; a rating given by two toolkits counts its initiatives once."""
    links = _toolkit_links(matching, "toolkit", "rating")
    names = dict(ToolkitLink.Toolkit.choices)
    initiatives: dict[str, set[int]] = {}
    toolkits_of: dict[str, set[str]] = {}
    for toolkit, rating, initiative in links:
        if rating:
            initiatives.setdefault(rating, set()).add(initiative)
            toolkits_of.setdefault(rating, set()).add(str(names.get(toolkit, toolkit)))
    options = [
        FacetOption(
            rating,
            f"{' / '.join(sorted(toolkits_of[rating]))}: {rating}",
            len(ids),
            False,
        )
        for rating, ids in initiatives.items()
    ]
    return sorted(options, key=lambda option: (-option.count, option.label))


def briefings(matching):
    counted = _link_counts(BriefingMention, "briefing", matching)
    return _by_option_rows(Briefing.objects.published(), counted)


def organisations(matching):
    """Only the organisations with matches, the most first."""
    rows = (
        among(InitiativeOrganisation.objects.all(), matching, "initiative_id")
        .order_by()
        .values_list("organisation__slug", "organisation__name")
        .annotate(
            # An organisation may play several parts in one initiative.
            matching_count=Count("initiative", distinct=True)
        )
        .order_by("-matching_count", "organisation__name")
    )
    return [FacetOption(slug, name, count, False) for slug, name, count in rows]
