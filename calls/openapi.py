"""How the calls app describes itself in OpenAPI (drf-spectacular), aligned with the contract.

Serializers give the properties; what they cannot say (the contract's required lists,
``additionalProperties``, examples, the ``error`` union) is laid over them here.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme

BEARER_AUTH = "bearerAuth"

_TOKEN_EXAMPLE = {
    "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.example.twilio",
    "identity": "+14165550100",
    "userId": "64f0a1b2c3d4e5f6a7b8c9d4",
}
_MISSING_EXAMPLE = {
    "error": "Twilio credentials missing",
    "missing": {
        "accountSid": False,
        "apiKeySid": True,
        "apiKeySecret": True,
        "twimlAppSid": False,
    },
}
_ERROR_UNION = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {"type": "object", "additionalProperties": True},
                },
            },
            "additionalProperties": True,
        },
    ]
}

# Component name -> keys laid over the generated schema (None removes the key).
CONTRACT_OVERLAYS = {
    "CallsTwilioTokenResponse": {
        "required": ["token", "identity", "userId"],
        "additionalProperties": True,
        "example": _TOKEN_EXAMPLE,
    },
    "CallsTwilioTokenErrorResponse": {
        "description": "Twilio-credentials-missing error includes a `missing` map so the UI "
        "can show which fields are unset.",
        "required": None,
        "additionalProperties": True,
        "example": _MISSING_EXAMPLE,
    },
    "MissingCredentials": {"required": None, "additionalProperties": True},
    "CallsErrorResponse": {
        "description": "Error envelope used across most calls endpoints. Some endpoints wrap a "
        "string error; validation endpoints (parseContractInput) return a structured `error` "
        "object with `code` and `details`.",
        "required": None,
        "additionalProperties": True,
        "example": {"success": False, "error": "Call not found"},
    },
}
PROPERTY_OVERLAYS = {
    ("CallsErrorResponse", "success"): {"type": "boolean", "enum": [False]},
    ("CallsErrorResponse", "error"): _ERROR_UNION,
    ("CallsErrorResponse", "code"): {
        "type": "string",
        "description": "Stable error code on certain errors (e.g. `NUMBER_NOT_ON_TRUNK`, "
        "`AGENT_NOT_SYNCED`, `OUTBOUND_IN_FLIGHT`).",
    },
}


def align_with_contract(result, generator, request, public):
    """drf-spectacular post-processing hook: lay the contract's details over our components."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, overlay in CONTRACT_OVERLAYS.items():
        if name in schemas:
            _overlay(schemas[name], overlay)
    for (name, prop), schema in PROPERTY_OVERLAYS.items():
        if name in schemas:
            schemas[name]["properties"][prop] = schema
    return result


def _overlay(target: dict, overlay: dict) -> None:
    for key, value in overlay.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


class BearerAuthScheme(SimpleJWTScheme):
    """SimpleJWT bearer tokens, under the contract's scheme name ``bearerAuth``."""

    target_class = "rest_framework_simplejwt.authentication.JWTAuthentication"
    match_subclasses = True
    name = BEARER_AUTH
    priority = 1
