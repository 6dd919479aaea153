"""The project's OpenAPI document: served, committed, current, and compatible with the contract."""

import json
import re
from http import HTTPStatus
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.compat import incompatibilities, mutated
from tests.contract import TOKEN_PATH, contract, project_schema

pytestmark = pytest.mark.django_db


def _generated() -> dict:
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_committed_openapi_yaml_is_current():
    assert _generated() == project_schema(), "openapi.yaml is stale: run `make openapi`"


def test_schema_is_served_as_yaml_and_json(client):
    as_yaml = client.get("/api/schema/")
    as_json = client.get("/api/schema/", {"format": "json"})

    assert as_yaml.status_code == HTTPStatus.OK
    assert yaml.safe_load(as_yaml.content) == project_schema()
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(as_json.content) == project_schema()


def test_docs_are_served_without_any_cdn(client):
    response = client.get("/api/docs/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    # No URL of another host anywhere in the page (its nonce and CSRF token are random text,
    # so a word such as "cdn" may turn up in them by chance).
    assert re.findall(r"(?:https?:)?//[\w.-]+", html) == []


def test_project_schema_is_compatible_with_the_contract():
    assert incompatibilities(contract(), project_schema()) == []


def test_token_operation_matches_the_contract():
    ours = project_schema()["paths"][TOKEN_PATH]["get"]
    theirs = contract()["paths"][TOKEN_PATH]["get"]

    for key in ("operationId", "summary", "description", "security"):
        assert ours[key] == theirs[key]
    assert ours["tags"] == ["Calls"]
    assert set(ours["responses"]) == {*theirs["responses"], "429", "503"}


@pytest.mark.parametrize(
    "name", ["CallsTwilioTokenResponse", "CallsTwilioTokenErrorResponse", "CallsErrorResponse"]
)
def test_components_keep_the_contracts_required_lists_and_examples(name):
    ours = project_schema()["components"]["schemas"][name]
    theirs = contract()["components"]["schemas"][name]

    assert ours.get("required") == theirs.get("required")
    assert ours["example"] == theirs["example"]
    assert ours["additionalProperties"] is True
    assert set(theirs["properties"]) <= set(ours["properties"])


def test_decided_additions_are_described():
    schemas = project_schema()["components"]["schemas"]

    assert schemas["CallsTwilioTokenResponse"]["properties"]["expiresAt"]["format"] == "date-time"
    assert "code" in schemas["CallsTwilioTokenErrorResponse"]["properties"]


def _rename_user_id(document):
    schema = document["components"]["schemas"]["CallsTwilioTokenResponse"]
    schema["properties"]["user_id"] = schema["properties"].pop("userId")
    schema["required"] = ["token", "identity", "user_id"]


def _retype_success(document):
    document["components"]["schemas"]["CallsErrorResponse"]["properties"]["success"] = {
        "type": "string"
    }


def _drop_401(document):
    del document["paths"][TOKEN_PATH]["get"]["responses"]["401"]


def _close_missing_map(document):
    schema = document["components"]["schemas"]["MissingCredentials"]
    schema["additionalProperties"] = False


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_rename_user_id, "CallsTwilioTokenResponse.userId: missing"),
        (_retype_success, "CallsErrorResponse.success: type is 'string', not 'boolean'"),
        (_drop_401, "GET /api/calls/token/twilio 401: missing"),
        (_close_missing_map, "missing: forbids additional properties"),
    ],
)
def test_the_compatibility_check_catches_a_broken_schema(change, expected):
    problems = incompatibilities(contract(), mutated(project_schema(), change))

    assert any(expected in problem for problem in problems), problems
