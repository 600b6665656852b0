"""Root URLs: public pages, the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("themes/", include("themes.urls")),
    path("", include("initiatives.urls")),
]
