from django.urls import path

from practice_library.conditional import conditional_on_content
from themes import views
from themes.feeds import ThemeInitiativesFeed

public = conditional_on_content()

app_name = "themes"

urlpatterns = [
    path("", public(views.ThemeListView.as_view()), name="list"),
    path("<slug:slug>/", public(views.ThemeDetailView.as_view()), name="detail"),
    path("<slug:slug>/feed.atom", public(ThemeInitiativesFeed()), name="feed"),
]
