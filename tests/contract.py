"""Validation of responses against the contract and against the project's own OpenAPI document.

The contract is ``../shared/contract/openapi.yaml``; the project's document is the committed
``openapi.yaml`` (``make openapi``), which test_openapi.py keeps equal to what the code generates.
"""

import functools
import os
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_PATH = Path(
    os.environ.get("CONTRACT_PATH", ROOT.parent / "shared" / "contract" / "openapi.yaml")
)
PROJECT_SCHEMA_PATH = ROOT / "openapi.yaml"
TOKEN_PATH = "/api/calls/token/twilio"

# Statuses a document leaves open, decided in ../shared/contract/README.md.
DECIDED = {
    "405": "#/components/schemas/CallsErrorResponse",
    "429": "#/components/schemas/CallsErrorResponse",
    "503": "#/components/schemas/CallsErrorResponse",
}


def _load(path: Path) -> dict:
    # A missing document fails the tests; it never skips them.
    with path.open() as handle:
        return yaml.safe_load(handle)


@functools.cache
def contract() -> dict:
    """The published contract."""
    return _load(CONTRACT_PATH)


@functools.cache
def project_schema() -> dict:
    """The project's own committed OpenAPI document."""
    return _load(PROJECT_SCHEMA_PATH)


def schema_for(status: int, document: dict, path: str = TOKEN_PATH, method: str = "get") -> dict:
    """The JSON schema a document gives the response with this status."""
    responses = document["paths"][path][method]["responses"]
    key = str(status)
    if key in responses:
        ref = responses[key]["content"]["application/json"]["schema"]["$ref"]
    elif key in DECIDED:
        ref = DECIDED[key]
    else:
        raise AssertionError(f"status {status} is neither documented nor decided for {path}")
    return {"$ref": ref, "components": document["components"]}


def assert_matches_contract(response) -> dict:
    """Validate the token endpoint's JSON body against both documents and return it."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    for document in (contract(), project_schema()):
        OAS30Validator(schema_for(response.status_code, document)).validate(body)
    return body


def assert_matches_project_schema(response, path: str, method: str = "post") -> dict:
    """Validate another endpoint's JSON body against the project's own document."""
    body = response.json()
    OAS30Validator(schema_for(response.status_code, project_schema(), path, method)).validate(body)
    return body
