"""The audit trail: one JSON line per token request, on the ``calls.audit`` logger.

It records who asked, for which organization, what came of it, and from where; never a token,
a secret or the Authorization header.
"""

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime

from rest_framework.settings import api_settings

logger = logging.getLogger("calls.audit")

ISSUED = "TOKEN_ISSUED"
# A successful answer that carries no token (an OPTIONS request that reached the view).
NO_TOKEN = "NO_TOKEN"  # noqa: S105 - an outcome code, not a secret
# What json.dumps(entry, separators=...) would build for every line, built once.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def token_request_audit(*, request, response, caller, minted) -> None:
    """Log one token request with its outcome code (``TOKEN_ISSUED`` or the error's code).

    ``caller`` is the authenticated VoiceCaller, or None when authentication did not succeed;
    ``minted`` the MintedToken the response carries, or None. ``TOKEN_ISSUED`` only with a
    token in the body (a HEAD request's token is made but never sent). Twilio's jti
    (``SK…-<second>``) repeats for tokens of one API key minted in the same second;
    ``token_sha256`` (a digest, never the token) names the token itself, and ``request_id``
    each line, even for a token minted twice in one second, byte for byte the same.
    """
    if request.method == "HEAD":
        minted = None
    if not logger.isEnabledFor(logging.INFO):
        return
    authenticated = bool(getattr(caller, "is_authenticated", False))
    data = response.data if isinstance(response.data, dict) else {}
    entry = {
        "event": "voice_token",
        "request_id": uuid.uuid4().hex,
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "status": response.status_code,
        "outcome": ISSUED if minted is not None else _outcome(data, response),
        "user_id": getattr(caller, "user_id", None) if authenticated else None,
        "organization_id": getattr(caller, "organization_id", None) if authenticated else None,
        "jti": None if minted is None else minted.jti,
        "token_sha256": None if minted is None else _digest(minted.token),
        "client_ip": _client_ip(request.META),
    }
    # As logger.info() would, but naming this function rather than walking the stack to find
    # the calling line: the walk costs more than the rest of the line.
    message = _COMPACT_JSON.encode(entry)
    logger.handle(logger.makeRecord(logger.name, logging.INFO, *_SOURCE, message, (), None, _FUNC))


_SOURCE = (__file__, token_request_audit.__code__.co_firstlineno)
_FUNC = token_request_audit.__name__


def _client_ip(meta) -> str | None:
    """The client's address by DRF's throttle rule (``BaseThrottle.get_ident``).

    Read from META: ``request.headers``, which that rule reads, builds a mapping of every
    header on first use, and nothing else on this endpoint uses it.
    """
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    remote_addr = meta.get("REMOTE_ADDR")
    num_proxies = api_settings.NUM_PROXIES
    if num_proxies is not None:
        if num_proxies == 0 or forwarded is None:
            return remote_addr
        addresses = forwarded.split(",")
        return addresses[-min(num_proxies, len(addresses))].strip()
    return "".join(forwarded.split()) if forwarded else remote_addr


def _digest(token: str) -> str:
    """The first 128 bits of the token's SHA-256: enough to tell every issuance apart."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _outcome(data: dict, response) -> str:
    if code := data.get("code"):
        return str(code)
    if response.status_code < 400:
        return NO_TOKEN
    return "token_generation_failed" if response.status_code >= 500 else "error"
