"""Under /api/ every error is JSON, in its endpoint's shape; elsewhere Django's pages stay."""

from http import HTTPStatus

import pytest

from tests.conftest import TOKEN_URL, bearer

pytestmark = pytest.mark.django_db

NESTED = "[" * 50_000 + "]" * 50_000  # 100 KB


@pytest.mark.parametrize("path", ["/api/auth/token", "/api/auth/token/refresh", "/api/auth/logout"])
@pytest.mark.parametrize("body", [NESTED, "{not json", '{"username": "ada"', "\xff\xfe"])
def test_malformed_or_deeply_nested_json_is_a_json_400(client, path, body):
    response = client.post(path, body, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/api/nothing-here", {"detail": "Not Found", "code": "not_found"}),
        ("/api/calls/nothing-here", {"success": False, "error": "Not Found", "code": "not_found"}),
        ("/api/auth/", {"detail": "Not Found", "code": "not_found"}),
        ("/api", {"detail": "Not Found", "code": "not_found"}),
    ],
)
def test_an_unknown_api_path_is_a_json_404(client, path, shape):
    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == shape


def test_a_method_a_webhook_refuses_is_a_json_405_with_allow(client):
    response = client.get("/api/webhook/calls/twilio/inbound")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json() == {"detail": "Method Not Allowed", "code": "method_not_allowed"}
    assert response["Allow"] == "POST"


def test_the_webhooks_keep_their_plain_403_for_twilio(client):
    response = client.post("/api/webhook/calls/twilio/inbound", {"AccountSid": "AC" + "0" * 32})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("path", ["/api/auth/token", TOKEN_URL])
def test_a_body_over_the_limit_is_a_json_413_before_it_is_read(client, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post(path, "x" * 1001, content_type="application/json")

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["code"] == "request_too_large"


def test_an_unexpected_error_outside_a_view_is_a_json_500(client, monkeypatch):
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tether_relay.signin.views.TokenObtainPairView.post", broken)

    response = client.post("/api/auth/token", {}, content_type="application/json")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {"detail": "Internal Server Error", "code": "server_error"}
    assert "boom" not in response.content.decode()


def test_the_token_endpoint_500_keeps_the_contracts_body(client, user, monkeypatch):
    client.raise_request_exception = False
    # An error that escapes the view and its own handler: here, in writing the audit line.
    monkeypatch.setattr("calls.apis.token_request_audit", _raise)

    response = client.get(TOKEN_URL, **bearer(user))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {"success": False, "error": "Failed to generate token"}


def _raise(*args, **kwargs):
    raise RuntimeError("boom")


@pytest.mark.parametrize("path", ["/admin/nothing-here/", "/nothing-here"])
def test_the_rest_of_the_host_keeps_djangos_pages(client, path, admin_user):
    client.force_login(admin_user)

    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("body", ["[]", "42", '"ada"', "null", '{"username": ["ada"]}'])
def test_a_sign_in_body_of_another_shape_is_a_400(client, body):
    response = client.post("/api/auth/token", body, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/api/schema/", HTTPStatus.METHOD_NOT_ALLOWED),
        ("options", "/api/docs/", HTTPStatus.METHOD_NOT_ALLOWED),
        ("get", "/api/schema/?format=xml", HTTPStatus.NOT_FOUND),
    ],
)
def test_the_schema_and_its_page_answer_errors_as_json(client, method, path, status):
    response = getattr(client, method)(path)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/api/calls/token/twilio"])
def test_a_host_not_allowed_is_a_json_400_on_the_health_checks_and_the_api(client, path):
    response = client.get(path, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "ada", "password": "\\udfff"}',
        '{"username": "\\ud800\\udfff\\ud800", "password": "\\ud800"}',
    ],
)
def test_a_lone_surrogate_in_a_sign_in_is_a_json_400_not_a_500(client, body):
    response = client.post("/api/auth/token", body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
