"""Root URLs: public pages, the admin."""

from django.contrib import admin
from django.urls import include, path

from practice_library.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("themes/", include("themes.urls")),
    path("", include("initiatives.urls")),
]
