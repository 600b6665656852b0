from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="list"),
    path(
        "initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="detail"
    ),
    path("police-areas/", views.PoliceAreaListView.as_view(), name="police-area-list"),
    path(
        "police-areas/<slug:slug>/",
        views.PoliceAreaDetailView.as_view(),
        name="police-area-detail",
    ),
    path("briefings/", views.BriefingListView.as_view(), name="briefing-list"),
    path(
        "briefings/<slug:slug>/",
        views.BriefingDetailView.as_view(),
        name="briefing-detail",
    ),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("suggest/thanks/", views.SuggestThanksView.as_view(), name="suggest-thanks"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
]
