"""The audit trail: one JSON line per token request, on the ``calls.audit`` logger.

It records who asked, for which organization, what came of it, and from where; never a token,
a secret or the Authorization header.
"""

import json
import logging
from datetime import UTC, datetime

from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("calls.audit")

ISSUED = "TOKEN_ISSUED"


def token_request_audit(*, request, response, caller, jti: str | None) -> None:
    """Log one token request with its outcome code (``TOKEN_ISSUED`` or the error's code).

    ``caller`` is the authenticated VoiceCaller, or None when authentication did not succeed.
    """
    authenticated = bool(getattr(caller, "is_authenticated", False))
    data = response.data if isinstance(response.data, dict) else {}
    entry = {
        "event": "voice_token",
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "status": response.status_code,
        "outcome": ISSUED if response.status_code == 200 else _outcome(data, response),
        "user_id": getattr(caller, "user_id", None) if authenticated else None,
        "organization_id": getattr(caller, "organization_id", None) if authenticated else None,
        "jti": jti,
        "client_ip": BaseThrottle().get_ident(request),
    }
    logger.info(json.dumps(entry, separators=(",", ":")))


def _outcome(data: dict, response) -> str:
    if code := data.get("code"):
        return str(code)
    return "token_generation_failed" if response.status_code >= 500 else "error"
