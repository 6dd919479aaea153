"""Root URLs of the host: the token endpoint and the voice webhooks under /relay/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("relay/", include("calls.urls")),
    path("relay/webhook/", include("calls.webhooks.urls")),
]
