"""Validation of responses against the published contract (../shared/contract/openapi.yaml)."""

import functools
import os
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_PATH = Path(
    os.environ.get("CONTRACT_PATH", ROOT.parent / "shared" / "contract" / "openapi.yaml")
)
TOKEN_PATH = "/api/calls/token/twilio"

# Statuses the contract leaves open, decided in ../shared/contract/README.md.
DECIDED = {
    "405": "#/components/schemas/CallsErrorResponse",
    "429": "#/components/schemas/CallsErrorResponse",
}


@functools.cache
def contract() -> dict:
    """The contract document; a missing contract fails the tests, it never skips them."""
    with CONTRACT_PATH.open() as handle:
        return yaml.safe_load(handle)


def schema_for(status: int, document: dict | None = None) -> dict:
    """The JSON schema the contract gives the token endpoint's response with this status."""
    document = document or contract()
    responses = document["paths"][TOKEN_PATH]["get"]["responses"]
    key = str(status)
    if key in responses:
        ref = responses[key]["content"]["application/json"]["schema"]["$ref"]
    elif key in DECIDED:
        ref = DECIDED[key]
    else:
        raise AssertionError(f"status {status} is neither in the contract nor decided")
    return {"$ref": ref, "components": document["components"]}


def assert_matches_contract(response) -> dict:
    """Validate the response's JSON body against the contract and return it."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    OAS30Validator(schema_for(response.status_code)).validate(body)
    return body
