"""Hit the live server as each seeded user and check every documented response.

Usage: ``python -m tests.contract_run.probe BASE_URL TOKENS_JSON``. Exits non-zero on any
mismatch of status or body (validated against the contract and against openapi.yaml).
"""

import json
import sys
import urllib.error
import urllib.request

from openapi_schema_validator import OAS30Validator

from tests.contract import TOKEN_PATH, contract, project_schema, schema_for

# Each case: the seeded user whose token is sent, the query string, the expected status.
EXPECTED = {
    "200": ("200", "", 200),
    "200-ios": ("200", "?platform=ios", 200),
    "200-web": ("200", "?platform=web", 200),
    "400-missing": ("400-missing", "", 400),
    "400-push": ("400-push", "?platform=android", 400),
    "400-platform": ("200", "?platform=windows", 400),
    "400-number": ("400-number", "", 400),
    "401-inactive": ("401-inactive", "", 401),
    "500": ("500", "", 500),
    "401-none": ("401-none", "", 401),
}


def _get(url: str, token: str | None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url)  # noqa: S310 - a loopback URL given by the caller
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def main(base_url: str, tokens: dict) -> int:
    failures = 0
    for case, (user, query, status) in EXPECTED.items():
        got, headers, body = _get(base_url + TOKEN_PATH + query, tokens.get(user))
        try:
            assert got == status, f"status {got}, expected {status}"
            assert headers.get("Cache-Control") == "no-store", "no Cache-Control: no-store"
            for document in (contract(), project_schema()):
                OAS30Validator(schema_for(got, document)).validate(body)
            print(f"ok   {case:14} {got} {body.get('code', '')}")
        except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
            failures += 1
            print(f"FAIL {case:14} {error}")
    return failures


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1], json.loads(sys.argv[2])) else 0)
