"""Root URLs: public pages, the admin, and what crawlers read."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from initiatives.sitemaps import SITEMAPS
from initiatives.views import AccessibilityView, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("themes/", include("themes.urls")),
    path("accessibility/", AccessibilityView.as_view(), name="accessibility"),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("", include("initiatives.urls")),
]
