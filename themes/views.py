from django.db.models import QuerySet
from django.views.generic import DetailView, ListView

from initiatives.selectors import public_initiatives
from themes.models import Theme


class ThemeListView(ListView):
    template_name = "themes/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self) -> QuerySet[Theme]:
        return Theme.objects.in_order()


class ThemeDetailView(DetailView):
    template_name = "themes/theme_detail.html"
    context_object_name = "theme"

    def get_queryset(self) -> QuerySet[Theme]:
        return Theme.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiatives"] = public_initiatives().filter(themes=self.object)
        return context
