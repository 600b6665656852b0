"""What needs a curator: the data-quality report behind the admin page.

Each check is one query, whatever the size of the library: the rows shown
(at most ``ROW_LIMIT``) carry the total count in a window column. Demo data is
left out: nobody curates it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.urls import reverse
from django.utils import timezone

from initiatives.models import (
    BriefingMention,
    EditorialState,
    Funding,
    Initiative,
    InitiativeSource,
    PoliceArea,
    Source,
)

ROW_LIMIT = 100
STALE_DRAFT_AGE = datetime.timedelta(days=30)


@dataclass
class QualityRow:
    label: str
    detail: str
    admin_url: str


@dataclass
class QualityCheck:
    key: str
    title: str
    explanation: str
    rows: list[QualityRow]
    total: int


def _initiative_rows(queryset: QuerySet[Initiative], detail) -> tuple[list, int]:
    rows = list(
        queryset.annotate(total=Window(Count("pk"))).order_by("title", "pk")[:ROW_LIMIT]
    )
    return (
        [
            QualityRow(
                initiative.title,
                detail(initiative),
                reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
            )
            for initiative in rows
        ],
        rows[0].total if rows else 0,
    )


def _updated(initiative: Initiative) -> str:
    return f"{initiative.get_state_display()}, last changed {initiative.updated_at:%d %b %Y}"


def _reviewed(initiative: Initiative) -> str:
    if initiative.last_reviewed_at:
        return f"Last reviewed {initiative.last_reviewed_at:%d %b %Y}"
    return f"Never reviewed; published {initiative.published_at:%d %b %Y}"


def data_quality_report(now: datetime.datetime | None = None) -> list[QualityCheck]:
    """Every check, in the order a curator would work through them."""
    now = now or timezone.now()
    published = Initiative.objects.curated().published()
    checks = [
        (
            "no-themes",
            "Published initiatives without a theme",
            "Themes are how most readers browse; give each entry at least one.",
            published.filter(themes__isnull=True),
            _updated,
        ),
        (
            "no-source",
            "Published initiatives without a source",
            "They cite no source and no published briefing features them: a "
            "reader cannot check them. This should be none.",
            published.exclude(
                Exists(InitiativeSource.objects.filter(initiative=OuterRef("pk")))
            ).exclude(
                Exists(
                    BriefingMention.objects.filter(
                        initiative=OuterRef("pk"),
                        briefing__state=EditorialState.PUBLISHED,
                    )
                )
            ),
            _updated,
        ),
        (
            "no-evidence",
            "Published initiatives without evidence information",
            "No stage of practice, no outcome and no note: say what is known, "
            "even that it is untested.",
            published.filter(evidence_stage="", evidence_outcome="", evidence_note=""),
            _updated,
        ),
        (
            "stale-drafts",
            "Drafts and entries in review untouched for 30 days",
            "Publish them, return them to their author, or delete them.",
            Initiative.objects.curated().filter(
                state__in=[EditorialState.DRAFT, EditorialState.IN_REVIEW],
                updated_at__lt=now - STALE_DRAFT_AGE,
            ),
            _updated,
        ),
        (
            "review-due",
            "Published initiatives not reviewed for 12 months",
            "Check that each is still right, then mark it as reviewed.",
            Initiative.objects.curated().review_due(now),
            _reviewed,
        ),
    ]
    report = []
    for key, title, explanation, queryset, detail in checks:
        rows, total = _initiative_rows(queryset, detail)
        report.append(QualityCheck(key, title, explanation, rows, total))
    report.append(_areas_without_published_initiatives())
    report.append(_sources_not_cited())
    return report


def _areas_without_published_initiatives() -> QualityCheck:
    public_curated = Q(initiatives__state=EditorialState.PUBLISHED) & ~Q(
        initiatives__origin=Initiative.Origin.DEMO
    )
    # Annotated with ``total``, which the type checker cannot see.
    areas: list[Any] = list(
        PoliceArea.objects.annotate(
            published=Count("initiatives", filter=public_curated)
        )
        .filter(published=0)
        .annotate(total=Window(Count("pk")))
        .order_by("name")[:ROW_LIMIT]
    )
    return QualityCheck(
        "empty-areas",
        "Police areas with no published initiative",
        "Gaps in the map: look for work in these areas.",
        [
            QualityRow(
                area.name,
                area.get_region_display(),
                reverse("admin:initiatives_policearea_change", args=[area.pk]),
            )
            for area in areas
        ],
        areas[0].total if areas else 0,
    )


def _sources_not_cited() -> QualityCheck:
    """For information: sources no initiative cites, directly or for its
    funding (kept for a reason, or left over)."""
    sources: list[Any] = list(
        Source.objects.exclude(
            Exists(InitiativeSource.objects.filter(source=OuterRef("pk")))
        )
        .exclude(Exists(Funding.objects.filter(source=OuterRef("pk"))))
        .annotate(total=Window(Count("pk")))
        .order_by("title", "pk")[:ROW_LIMIT]
    )
    return QualityCheck(
        "uncited-sources",
        "Sources not cited by any initiative",
        "For information: cite them where they support an entry, or delete "
        "them if they were added by mistake.",
        [
            QualityRow(
                source.title,
                source.get_kind_display(),
                reverse("admin:initiatives_source_change", args=[source.pk]),
            )
            for source in sources
        ],
        sources[0].total if sources else 0,
    )
