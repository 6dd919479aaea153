"""The floor: the token endpoint's work with no framework at all, as one WSGI callable.

Exactly the work this service does for a token, and nothing around it: verify the HS256
bearer (signature, expiry, audience, issuer, token type), read the user and the organization in
one query, count the request per user in process memory, decrypt the API key secret with
MultiFernet, sign Twilio's AccessToken with its VoiceGrant, write a JSON audit line to stderr,
answer JSON with ``Cache-Control: no-store``. Over the same database, with the same
environment (``DATABASE_URL``, ``JWT_SIGNING_KEY``, ``JWT_AUDIENCE``, ``JWT_ISSUER``,
``FIELD_ENCRYPTION_KEYS``). ``make bench`` serves it with gunicorn as ``bench.floor:application``
so that every report shows how far the framework's costs are from the work itself.
"""

import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import jwt
from cryptography.fernet import Fernet, MultiFernet
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

SQL = (
    "SELECT u.id, u.is_active, u.twilio_phone_number, o.id, o.twilio_account_sid, "
    "o.twilio_api_key_sid, o.twilio_api_key_secret, o.twilio_twiml_app_sid, o.twilio_token_ttl, "
    "o.twilio_incoming_allow FROM users_user u "
    "LEFT JOIN orgs_organization o ON o.id = u.organization_id WHERE u.id = {}"
)
JSON_HEADERS = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]

_SIGNING_KEY = os.environ["JWT_SIGNING_KEY"]
_AUDIENCE = os.environ.get("JWT_AUDIENCE", "tether-relay-api")
_ISSUER = os.environ.get("JWT_ISSUER", "tether-relay")
_KEYRING = MultiFernet(
    [Fernet(key.strip()) for key in os.environ["FIELD_ENCRYPTION_KEYS"].split(",") if key.strip()]
)
_COUNTS: dict[str, list] = {}  # user id -> [window start, requests in it]
_WINDOW, _LIMIT = 60.0, 10_000_000
_local = threading.local()


def _connect():
    url = urlsplit(os.environ["DATABASE_URL"])
    if url.scheme == "sqlite":
        return sqlite3.connect(unquote(url.path)[1:] or ":memory:"), "?"
    import psycopg

    connection = psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=unquote(url.username or ""),
        password=unquote(url.password or "") or None,
        dbname=url.path.lstrip("/"),
        autocommit=True,
    )
    return connection, "%s"


def _row(user_id):
    if not hasattr(_local, "connection"):
        _local.connection, marker = _connect()
        _local.sql = SQL.format(marker)
    cursor = _local.connection.execute(_local.sql, (user_id,))
    return cursor.fetchone()


def _answer(start_response, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [*JSON_HEADERS, ("Content-Length", str(len(data)))])
    return [data]


def _unauthorized(start_response, message: str) -> list[bytes]:
    return _answer(
        start_response,
        "401 Unauthorized",
        {"success": False, "error": message, "code": "token_not_valid"},
    )


def _counted(user_id: str) -> bool:
    now = time.monotonic()
    window = _COUNTS.get(user_id)
    if window is None or now - window[0] >= _WINDOW:
        _COUNTS[user_id] = [now, 1]
        return True
    window[1] += 1
    return window[1] <= _LIMIT


def application(environ, start_response):
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return _unauthorized(start_response, "Authentication credentials were not provided.")
    try:
        claims = jwt.decode(
            header[7:],
            _SIGNING_KEY,
            algorithms=["HS256"],
            audience=_AUDIENCE,
            issuer=_ISSUER,
            leeway=10,
        )
    except jwt.InvalidTokenError:
        return _unauthorized(start_response, "Given token not valid for any token type")
    if claims.get("token_type") != "access" or "user_id" not in claims:
        return _unauthorized(start_response, "Given token not valid for any token type")
    row = _row(int(claims["user_id"]))
    if row is None or not row[1]:
        return _unauthorized(start_response, "User not found")
    user_id, _, number, organization_id, account, key, sealed, app, ttl, incoming = row
    if not _counted(str(user_id)):
        return _answer(start_response, "429 Too Many Requests", {"success": False})
    secret = _KEYRING.decrypt(sealed.encode()).decode()
    token = AccessToken(account, key, secret, identity=number, ttl=ttl)
    token.add_grant(VoiceGrant(outgoing_application_sid=app, incoming_allow=bool(incoming)))
    jwt_text = token.to_jwt()
    expires = datetime.fromtimestamp(int(time.time()) + ttl, UTC)
    sys.stderr.write(
        json.dumps(
            {
                "event": "voice_token",
                "request_id": uuid.uuid4().hex,
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "status": 200,
                "outcome": "TOKEN_ISSUED",
                "user_id": str(user_id),
                "organization_id": str(organization_id),
                "token_sha256": hashlib.sha256(jwt_text.encode()).hexdigest()[:32],
                "client_ip": environ.get("REMOTE_ADDR"),
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    body = {
        "token": jwt_text,
        "identity": number,
        "userId": str(user_id),
        "expiresAt": expires.isoformat().replace("+00:00", "Z"),
    }
    return _answer(start_response, "200 OK", body)
