"""The monolith's URLs: its admin, JWT sign-in, and the voice apps under /relay/."""

from django.contrib import admin
from django.urls import include, path
from rest_framework_simplejwt.views import TokenObtainPairView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/token", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("relay/", include("calls.urls")),
    path("relay/webhook/", include("calls.webhooks.urls")),
]
