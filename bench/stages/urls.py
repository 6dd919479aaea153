"""The token endpoint cut off after each stage, beside the whole of it and the baseline.

Each stage is the real endpoint's class with the later stages taken out, so that the
differences between rows are what each stage costs.
"""

from django.http import JsonResponse
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.plain_drf.views import PlainTwilioTokenView
from calls.apis import TwilioVoiceTokenApi


def django_view(request):
    return JsonResponse({"token": "constant"})


class DrfView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"token": "constant"})


class Authenticated(TwilioVoiceTokenApi):
    throttle_classes = []

    def get(self, request):
        return Response({"token": "constant"})

    def finalize_response(self, request, response, *args, **kwargs):
        return APIView.finalize_response(self, request, response, *args, **kwargs)


class Throttled(Authenticated):
    throttle_classes = TwilioVoiceTokenApi.throttle_classes


class Minted(Throttled):
    get = TwilioVoiceTokenApi.get


urlpatterns = [
    path("api/stage/django", django_view),
    path("api/stage/drf", DrfView.as_view()),
    path("api/stage/authenticated", Authenticated.as_view()),
    path("api/stage/throttled", Throttled.as_view()),
    path("api/stage/minted", Minted.as_view()),
    path("api/stage/full/", include("calls.urls")),
    path("api/stage/plain", PlainTwilioTokenView.as_view()),
]
