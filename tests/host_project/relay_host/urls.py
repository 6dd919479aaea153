"""Root URLs of the host: the token endpoint under /relay/ instead of /api/calls/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("relay/", include("calls.urls")),
]
