"""A successful GET of the token endpoint skips DRF's request and response objects, and answers
exactly what the APIView answers; everything else is the APIView's own."""

import json
from http import HTTPStatus

import jwt
import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from calls import apis
from tests.conftest import TOKEN_URL, bearer

pytestmark = pytest.mark.django_db


def _both(user, **extra):
    """The same GET answered by the fast view and by the APIView alone."""
    factory = RequestFactory()
    fast = apis.twilio_token(factory.get(TOKEN_URL, **bearer(user), **extra))
    drf = apis.TwilioVoiceTokenApi.as_view()(factory.get(TOKEN_URL, **bearer(user), **extra))
    return _rendered(fast), _rendered(drf)


def _rendered(response):
    """As Django's handler leaves it: a DRF Response rendered."""
    if hasattr(response, "render"):
        response.render()
    return response


def _unsigned(body: dict) -> dict:
    return {**body, "token": jwt.decode(body["token"], options={"verify_signature": False})}


def test_a_token_is_answered_without_drfs_request(get_token, user, monkeypatch):
    header = bearer(user)

    def unused(*args, **kwargs):
        raise AssertionError("a DRF Request was built")

    monkeypatch.setattr(Request, "__init__", unused)

    assert get_token(**header).status_code == HTTPStatus.OK


def test_the_200_is_the_api_views_200(user):
    fast, drf = _both(user)

    assert fast.status_code == drf.status_code == HTTPStatus.OK
    assert dict(fast.items()) == dict(drf.items())
    fast_body, drf_body = json.loads(fast.content), drf.data
    assert set(fast_body) == set(drf_body)
    assert fast_body["identity"] == drf_body["identity"]
    assert fast_body["userId"] == drf_body["userId"]
    assert _unsigned(fast_body)["token"]["grants"] == _unsigned(drf_body)["token"]["grants"]


@pytest.mark.parametrize("query", ["platform=windows", "platform=ios"])
def test_an_error_is_the_api_views_error(user, query):
    fast, drf = _both(user, QUERY_STRING=query)

    assert fast.status_code == drf.status_code == HTTPStatus.BAD_REQUEST
    assert fast.content == drf.content
    assert dict(fast.items()) == dict(drf.items())


def test_an_authentication_error_is_the_api_views(user):
    factory = RequestFactory()
    header = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    fast = _rendered(apis.twilio_token(factory.get(TOKEN_URL, **header)))
    drf = _rendered(apis.TwilioVoiceTokenApi.as_view()(factory.get(TOKEN_URL, **header)))

    assert fast.status_code == drf.status_code == HTTPStatus.UNAUTHORIZED
    assert fast.content == drf.content
    assert dict(fast.items()) == dict(drf.items())


@pytest.mark.parametrize("method", ["head", "options", "post"])
def test_other_methods_are_the_api_views(api_client, user, method):
    response = getattr(api_client, method)(TOKEN_URL, **bearer(user))

    expected = {"head": 200, "options": 200, "post": 405}[method]
    assert response.status_code == expected
    assert response["Cache-Control"] == "no-store"


def test_the_view_is_marked_as_as_view_marks_an_api_view():
    assert apis.twilio_token.cls is apis.twilio_token.view_class is apis.TwilioVoiceTokenApi
    assert apis.twilio_token.login_required is False
    assert apis.twilio_token.csrf_exempt is True


def test_forced_authentication_of_a_test_client_is_the_api_views(api_client, user):
    api_client.force_authenticate(user=None, token=None)
    api_client.force_authenticate(user=_caller(user))

    assert api_client.get(TOKEN_URL).status_code == HTTPStatus.OK


def test_api_versioning_is_left_to_the_api_view(get_token, user, monkeypatch):
    from rest_framework.versioning import QueryParameterVersioning

    class OnlyVersionOne(QueryParameterVersioning):
        allowed_versions = ["1"]

    monkeypatch.setattr(apis.TwilioVoiceTokenApi, "versioning_class", OnlyVersionOne)

    assert get_token(user, QUERY_STRING="version=2").status_code == HTTPStatus.NOT_FOUND
    assert get_token(user, QUERY_STRING="version=1").status_code == HTTPStatus.OK


def _caller(user):
    from users.selectors import voice_caller_get

    return voice_caller_get(user_id=user.pk)
