from django.urls import path

from initiatives import feeds, views

app_name = "initiatives"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="list"),
    # Dotted names cannot clash with slugs, which never contain a dot.
    path("initiatives/export.csv", views.export_csv, name="export-csv"),
    path("initiatives/export.json", views.export_json, name="export-json"),
    path("initiatives/feed.atom", feeds.InitiativesFeed(), name="feed"),
    path(
        "initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="detail"
    ),
    path("police-areas/", views.PoliceAreaListView.as_view(), name="police-area-list"),
    # Before the area pattern: no data.police.uk force id is "compare".
    path(
        "police-areas/compare/",
        views.PoliceAreaCompareView.as_view(),
        name="police-area-compare",
    ),
    path(
        "police-areas/<slug:slug>/",
        views.PoliceAreaDetailView.as_view(),
        name="police-area-detail",
    ),
    path(
        "police-areas/<slug:slug>/feed.atom",
        feeds.PoliceAreaInitiativesFeed(),
        name="police-area-feed",
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
        "organisations/",
        views.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
]
