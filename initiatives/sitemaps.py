"""sitemap.xml: every public page, so search engines find every entry.

Sections start from the same selectors as the pages, so a draft is never
listed.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from initiatives.models import Briefing, Initiative, Organisation, PoliceArea, Source
from initiatives.selectors import (
    public_briefings,
    public_initiatives,
    public_organisations,
    public_sources,
)
from themes.models import Theme


class PagesSitemap(Sitemap):
    def items(self) -> list[str]:
        return [
            "initiatives:home",
            "initiatives:list",
            "themes:list",
            "initiatives:police-area-list",
            "initiatives:police-area-compare",
            "initiatives:briefing-list",
            "initiatives:organisation-list",
            "initiatives:source-list",
            "initiatives:evidence",
            "accessibility",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class DatedSitemap(Sitemap):
    """A section whose items have ``updated_at``, their last change."""

    def items(self) -> QuerySet:
        raise NotImplementedError

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every item; one aggregate is enough.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class InitiativeSitemap(DatedSitemap):
    # Fewer than the protocol's 50,000 per file, so that each file renders
    # in a second or two even when the library holds 100,000 initiatives.
    limit = 10_000

    def items(self) -> QuerySet[Initiative]:
        # Addresses and dates only: the list prefetches are not needed here.
        return (
            public_initiatives()
            .prefetch_related(None)
            .only("slug", "updated_at")
            .order_by("pk")
        )


class BriefingSitemap(DatedSitemap):
    def items(self) -> QuerySet[Briefing]:
        return public_briefings().prefetch_related(None).order_by("pk")


class ThemeSitemap(DatedSitemap):
    def items(self) -> QuerySet[Theme]:
        return Theme.objects.in_order()


class PoliceAreaSitemap(Sitemap):
    def items(self) -> QuerySet[PoliceArea]:
        return PoliceArea.objects.order_by("name")


class OrganisationSitemap(DatedSitemap):
    def items(self) -> QuerySet[Organisation]:
        return public_organisations().order_by("name")


class SourceSitemap(DatedSitemap):
    def items(self) -> QuerySet[Source]:
        return public_sources().prefetch_related(None).order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "initiatives": InitiativeSitemap,
    "themes": ThemeSitemap,
    "police-areas": PoliceAreaSitemap,
    "briefings": BriefingSitemap,
    "organisations": OrganisationSitemap,
    "sources": SourceSitemap,
}
