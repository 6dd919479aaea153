"""Root URLs of the host project."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tether_relay import health, softphone
from tether_relay.signin.views import (
    LogoutView,
    TokenObtainPairView,
    TokenRefreshView,
    admin_login,
)

_READ = ["get", "head"]  # the schema and its page only answer reads

urlpatterns = [
    # First: the token endpoint is what is asked most, and Django tries patterns in order.
    path("api/calls/", include("calls.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/login/", admin_login),  # the failure limits, then the admin's own view
    path("admin/", admin.site.urls),
    path("api/auth/token", TokenObtainPairView.as_view(), name="token-obtain"),
    path("api/auth/token/refresh", TokenRefreshView.as_view(), name="token-refresh"),
    path("api/auth/logout", LogoutView.as_view(), name="logout"),
    path("api/webhook/calls/", include("calls.webhooks.urls")),
    path("api/schema/", SpectacularAPIView.as_view(http_method_names=_READ), name="schema"),
    path("softphone/", softphone.softphone, name="softphone"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", http_method_names=_READ),
        name="docs",
    ),
]
