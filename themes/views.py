"""Theme pages. They read initiatives only through ``initiatives.selectors``;
the pictures are drawn by the library's template tags."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.views.generic import DetailView, ListView

from initiatives.selectors import (
    police_areas_with_counts,
    public_briefings,
    public_initiatives,
)
from practice_library.paging import paginate_params
from themes.models import Theme
from themes.selectors import themes_with_counts

SCHEMA = "https://schema.org"


class ThemeListView(ListView):
    template_name = "themes/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self) -> QuerySet[Theme]:
        return themes_with_counts()


class ThemeDetailView(DetailView):
    template_name = "themes/theme_detail.html"
    context_object_name = "theme"

    def get_queryset(self) -> QuerySet[Theme]:
        return Theme.objects.all()

    def get_context_data(self, **kwargs):
        theme = self.object
        page, problems = paginate_params(
            public_initiatives().filter(themes=theme), self.request.GET
        )
        url = self.request.build_absolute_uri(theme.get_absolute_url())
        set_url = self.request.build_absolute_uri(reverse("themes:list"))
        return super().get_context_data(
            page_obj=page,
            problems=problems,
            briefings=public_briefings().filter(themes=theme),
            police_areas=police_areas_with_counts(theme=theme),
            structured_data=theme_json_ld(theme, url, set_url),
            **kwargs,
        )


def theme_json_ld(theme: Theme, url: str, set_url: str) -> dict[str, Any]:
    """A schema.org DefinedTerm in the library's set of themes."""
    return {
        "@context": SCHEMA,
        "@type": "DefinedTerm",
        "@id": url,
        "url": url,
        "name": theme.name,
        "description": theme.description,
        "termCode": theme.slug,
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": set_url,
            "name": "Themes of prevention work",
            "url": set_url,
        },
    }
