"""Theme pages. They read initiatives only through ``initiatives.selectors``."""

from django.db.models import QuerySet
from django.urls import reverse
from django.views.generic import DetailView, ListView

from initiatives.metadata import theme_json_ld
from initiatives.pictures import bar_chart, cartogram
from initiatives.selectors import (
    police_areas_with_counts,
    public_briefings,
    public_initiatives,
    themes_with_counts,
)
from practice_library.paging import paginate_params
from themes.models import Theme


class ThemeListView(ListView):
    template_name = "themes/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self) -> QuerySet[Theme]:
        return themes_with_counts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["theme_bars"] = bar_chart(list(context["themes"]))
        return context


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
            map=cartogram(list(police_areas_with_counts(theme=theme)), theme=theme),
            structured_data=theme_json_ld(theme, url, set_url),
            **kwargs,
        )
