from django.db.models import QuerySet
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from initiatives.filters import InitiativeFilterSet
from initiatives.models import Briefing, Initiative, Organisation, PoliceArea
from initiatives.selectors import (
    public_briefings,
    public_initiative_details,
    public_initiatives,
)


class HomeView(TemplateView):
    template_name = "initiatives/home.html"


class InitiativeListView(FilterView):
    filterset_class = InitiativeFilterSet
    template_name = "initiatives/initiative_list.html"
    paginate_by = 20

    def get_queryset(self) -> QuerySet[Initiative]:
        return public_initiatives()


class InitiativeDetailView(DetailView):
    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self) -> QuerySet[Initiative]:
        return public_initiative_details()


class PoliceAreaListView(ListView):
    template_name = "initiatives/policearea_list.html"
    context_object_name = "police_areas"

    def get_queryset(self) -> QuerySet[PoliceArea]:
        return PoliceArea.objects.with_governance()


class PoliceAreaDetailView(DetailView):
    template_name = "initiatives/policearea_detail.html"
    context_object_name = "police_area"

    def get_queryset(self) -> QuerySet[PoliceArea]:
        return PoliceArea.objects.with_governance()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiatives"] = public_initiatives().filter(police_areas=self.object)
        return context


class BriefingListView(ListView):
    template_name = "initiatives/briefing_list.html"
    context_object_name = "briefings"

    def get_queryset(self) -> QuerySet[Briefing]:
        return public_briefings()


class BriefingDetailView(DetailView):
    template_name = "initiatives/briefing_detail.html"
    context_object_name = "briefing"

    def get_queryset(self) -> QuerySet[Briefing]:
        return public_briefings()


class OrganisationDetailView(DetailView):
    template_name = "initiatives/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.all()
