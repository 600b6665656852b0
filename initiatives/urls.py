from django.urls import path

from initiatives import feeds, views
from practice_library.conditional import conditional_on_content

app_name = "initiatives"

# Pages that read only published content answer conditional GETs (ETag,
# Last-Modified, 304) from the content version; the suggestion and
# report-a-problem forms, which carry a CSRF token, do not.
public = conditional_on_content()

urlpatterns = [
    path("", public(views.HomeView.as_view()), name="home"),
    path("initiatives/", public(views.InitiativeListView.as_view()), name="list"),
    # Dotted names cannot clash with slugs, which never contain a dot.
    path(
        "initiatives/export.csv",
        public(views.CsvExportView.as_view()),
        name="export-csv",
    ),
    path(
        "initiatives/export.json",
        public(views.JsonExportView.as_view()),
        name="export-json",
    ),
    # The whole library as files, built ahead (initiatives.downloads): agreed
    # addresses that partners and the API's documentation link to.
    path(
        "downloads/initiatives.csv",
        views.bulk_download,
        {"name": "initiatives.csv"},
        name="download-csv",
    ),
    path(
        "downloads/initiatives.jsonl",
        views.bulk_download,
        {"name": "initiatives.jsonl"},
        name="download-jsonl",
    ),
    path("initiatives/feed.atom", public(feeds.InitiativesFeed()), name="feed"),
    # Before the initiative pattern: "compare" is reserved (initiatives.slugs).
    path(
        "initiatives/compare/",
        public(views.InitiativeCompareView.as_view()),
        name="compare",
    ),
    path("evidence/", public(views.EvidenceView.as_view()), name="evidence"),
    path(
        "initiatives/<slug:slug>/",
        public(views.InitiativeDetailView.as_view()),
        name="detail",
    ),
    path(
        "police-areas/",
        public(views.PoliceAreaListView.as_view()),
        name="police-area-list",
    ),
    # Before the area pattern: no data.police.uk force id is "compare".
    path(
        "police-areas/compare/",
        public(views.PoliceAreaCompareView.as_view()),
        name="police-area-compare",
    ),
    path(
        "police-areas/<slug:slug>/",
        public(views.PoliceAreaDetailView.as_view()),
        name="police-area-detail",
    ),
    path(
        "police-areas/<slug:slug>/feed.atom",
        public(feeds.PoliceAreaInitiativesFeed()),
        name="police-area-feed",
    ),
    path("briefings/", public(views.BriefingListView.as_view()), name="briefing-list"),
    path(
        "briefings/<slug:slug>/",
        public(views.BriefingDetailView.as_view()),
        name="briefing-detail",
    ),
    path("sources/", public(views.SourceListView.as_view()), name="source-list"),
    path(
        "sources/<slug:slug>/",
        public(views.SourceDetailView.as_view()),
        name="source-detail",
    ),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("suggest/thanks/", views.SuggestThanksView.as_view(), name="suggest-thanks"),
    path(
        "report-a-problem/",
        views.ProblemReportView.as_view(),
        name="report-problem",
    ),
    path(
        "report-a-problem/thanks/",
        views.ProblemReportThanksView.as_view(),
        name="report-problem-thanks",
    ),
    path(
        "organisations/",
        public(views.OrganisationListView.as_view()),
        name="organisation-list",
    ),
    path(
        "organisations/<slug:slug>/",
        public(views.OrganisationDetailView.as_view()),
        name="organisation-detail",
    ),
]
