import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView

from initiatives.filters import InitiativeFilterSet
from initiatives.forms import SuggestionForm
from initiatives.models import Briefing, Initiative, Organisation, PoliceArea
from initiatives.selectors import (
    public_briefings,
    public_initiative_details,
    public_initiatives,
)
from initiatives.services import submit_suggestion


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


def _rate_key(request) -> str:
    # Only a hash of the address is kept, and only for the rate window.
    address = request.META.get("REMOTE_ADDR", "")
    return "suggest-rate:" + hashlib.sha256(address.encode()).hexdigest()


def _suggestions_sent(request) -> int:
    return cache.get(_rate_key(request), 0)


def _count_suggestion(request) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=settings.SUGGESTION_RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=settings.SUGGESTION_RATE_WINDOW)


class SuggestView(FormView):
    """The public form through which the field suggests an initiative.

    Limited per address (SUGGESTION_RATE_LIMIT an hour, through the shared
    cache); a robot that fills the hidden field is thanked and ignored.
    """

    template_name = "initiatives/suggestion_form.html"
    form_class = SuggestionForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "min_seconds": settings.SUGGESTION_MIN_SECONDS,
        }

    def post(self, request, *args, **kwargs):
        if _suggestions_sent(request) >= settings.SUGGESTION_RATE_LIMIT:
            form = SuggestionForm(min_seconds=settings.SUGGESTION_MIN_SECONDS)
            context = self.get_context_data(form=form, rate_limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not form.is_trapped:
            data = form.cleaned_data
            try:
                submit_suggestion(
                    title=data["title"],
                    police_areas=data["police_areas"],
                    summary=data["summary"],
                    description=data["description"],
                    website=data["website"],
                    themes=data["themes"],
                    submitter_name=data["submitter_name"],
                    submitter_email=data["submitter_email"],
                    submitter_organisation=data["submitter_organisation"],
                    consent=data["consent"],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
                return self.form_invalid(form)
        _count_suggestion(self.request)
        return redirect("initiatives:suggest-thanks")


class SuggestThanksView(TemplateView):
    template_name = "initiatives/suggestion_thanks.html"
