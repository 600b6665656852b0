"""Root URLs: public pages, the API (its page, docs, schema and v1), the admin,
and what crawlers read."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.http import conditional_page
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from initiatives import api as initiatives_api
from initiatives.sitemaps import SITEMAPS
from initiatives.views import AccessibilityView, robots_txt
from practice_library.conditional import conditional_on_content
from practice_library.health import healthz
from practice_library.viewsets import ApiRouter
from themes import api as themes_api


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever a page links: the static icon."""

    permanent = True
    http_method_names = ["get", "head", "options"]

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")


router = ApiRouter()
router.register("initiatives", initiatives_api.InitiativeViewSet, "initiative")
router.register("police-areas", initiatives_api.PoliceAreaViewSet, "police-area")
router.register("themes", themes_api.ThemeViewSet, "theme")
router.register("briefings", initiatives_api.BriefingViewSet, "briefing")
router.register("organisations", initiatives_api.OrganisationViewSet, "organisation")
router.register("sources", initiatives_api.SourceViewSet, "source")
router.register("target-groups", initiatives_api.TargetGroupViewSet, "target-group")
router.register("changes", initiatives_api.ChangesViewSet, "change")
router.register("suggestions", initiatives_api.SuggestionViewSet, "suggestion")

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("", initiatives_api.ApiIndexView.as_view(), name="index"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("v1/schema/", conditional_page(SpectacularAPIView.as_view()), name="schema"),
    path("v1/", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include((api_urlpatterns, "api"))),
    path("themes/", include("themes.urls")),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path(
        "sitemap.xml",
        conditional_on_content()(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        conditional_on_content()(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("", include("initiatives.urls")),
]
