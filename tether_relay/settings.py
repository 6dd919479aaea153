"""Settings for the Tether Relay host project, read from the environment (12-factor).

With ``DJANGO_DEBUG=true`` the project runs in development mode and needs no other
environment. Otherwise (``DJANGO_DEBUG`` unset or false) it is in production mode: every secret
must be set, and a missing one stops start-up with an error that names the variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Production unless told otherwise: a server started with no environment refuses to start,
# naming the secrets it lacks, rather than serving with keys published in this file.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
PRODUCTION = not DEBUG

# Development-only fallbacks. Production mode never uses them: env() without a default raises
# ImproperlyConfigured("Set the <NAME> environment variable").
_DEV_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
_DEV_JWT_SIGNING_KEY = "development-only-jwt-signing-key-never-use-in-production"
_DEV_FIELD_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="


# What production mode cannot start without; all of them are named when any is missing.
_REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "FIELD_ENCRYPTION_KEYS",
    "JWT_SIGNING_KEY",
)
if PRODUCTION and (_missing := [name for name in _REQUIRED if not env.str(name, default="")]):
    _names = ", ".join(_missing[:-1]) + " and " + _missing[-1] if len(_missing) > 1 else _missing[0]
    raise ImproperlyConfigured(
        f"Set the {_names} environment variable{'s' if len(_missing) > 1 else ''} "
        "(production mode; DJANGO_DEBUG=true is development mode)."
    )


def _secret(name: str, dev_default):
    """A secret from the environment: required in production, defaulted in development."""
    if PRODUCTION:
        return env(name)
    return env(name, default=dev_default)


SECRET_KEY = _secret("DJANGO_SECRET_KEY", _DEV_SECRET_KEY)
JWT_SIGNING_KEY = _secret("JWT_SIGNING_KEY", _DEV_JWT_SIGNING_KEY)
if PRODUCTION and len(JWT_SIGNING_KEY) < 32:
    # HS256 wants a key at least as long as its output (RFC 7518, section 3.2).
    raise ImproperlyConfigured("JWT_SIGNING_KEY must be at least 32 characters long.")
FIELD_ENCRYPTION_KEYS = (
    env.list("FIELD_ENCRYPTION_KEYS")
    if PRODUCTION
    else env.list("FIELD_ENCRYPTION_KEYS", default=[_DEV_FIELD_ENCRYPTION_KEY])
)
ALLOWED_HOSTS = (
    env.list("DJANGO_ALLOWED_HOSTS")
    if PRODUCTION
    else env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "orgs",
    "users",
    "calls",
    "tether_relay.signin",
]

MIDDLEWARE = [
    # First: it answers preflights, and adds its headers to every answer below it, errors too.
    "tether_relay.cors.CorsMiddleware",
    # Inside CORS, so that its JSON answers carry the CORS headers too.
    "tether_relay.api_errors.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Sessions, request.user and messages are the admin's; the JSON API under /api/ skips them.
    "tether_relay.browser_only.BrowserSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "tether_relay.browser_only.BrowserAuthenticationMiddleware",
    "tether_relay.browser_only.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tether_relay.urls"
WSGI_APPLICATION = "tether_relay.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tether_relay" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
_conn_max_age = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_MAX_AGE"] = _conn_max_age
# No SELECT 1 before each request's first query: on PostgreSQL, a kept connection that the
# server closed is noticed by that query, which is run again on a new connection when it is a
# read (tether_relay.postgresql); after any other error Django checks the connection anyway.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with each statement's placeholders rewritten once, not on every
    # execution (tether_relay.sqlite3).
    DATABASES["default"]["ENGINE"] = "tether_relay.sqlite3"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every request gets an answer in bounded time, whatever the database does (README,
    # "Recovering from an outage"): the server cancels a statement past its timeout, and a
    # server that has not answered a second after that is not answering (frozen, or the network
    # drops packets): the backend closes the connection, and its breaker answers 503 at once
    # for a few seconds.
    DATABASES["default"]["ENGINE"] = "tether_relay.postgresql"
    _statement_timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=2000)
    _server_settings = {
        "statement_timeout": _statement_timeout_ms,
        # A statement waiting for a lock (a migration's ALTER TABLE queued on the table) gives
        # up sooner than one that works: either opens the backend's breaker.
        "lock_timeout": env.int("DATABASE_LOCK_TIMEOUT_MS", default=1000),
        # The server's side: a client that vanished (its host gone, packets dropped) is
        # noticed by keepalives within about 20 s, and a session idle for longer than any
        # worker keeps its connection is ended, so no orphaned session holds a slot.
        "tcp_keepalives_idle": 10,
        "tcp_keepalives_interval": 3,
        "tcp_keepalives_count": 3,
        "tcp_user_timeout": 10_000,
        "idle_in_transaction_session_timeout": 5_000,
        "idle_session_timeout": (_conn_max_age + 60) * 1000,
    }
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=3),
            "options": " ".join(f"-c {name}={value}" for name, value in _server_settings.items()),
            "deadline": (_statement_timeout_ms + 1000) / 1000 if _statement_timeout_ms else None,
            # A round trip answered after the statement timeout waited on a stalling server
            # or network: it opens the breaker, though its answer is used.
            "stall": _statement_timeout_ms / 1000 if _statement_timeout_ms else None,
            # The token endpoint's caller query planned once per connection, not on every
            # request: for app servers connected to PostgreSQL directly. Off by default: behind
            # a pooler in transaction mode a prepared statement meets other server connections.
            "prepared_statements": env.bool("DATABASE_PREPARED_STATEMENTS", default=False),
            # A connection to a server that went away (a host crash, a path that drops
            # packets) is noticed by keepalives and the user timeout.
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": env.int("DATABASE_TCP_USER_TIMEOUT_MS", default=5000),
        }
    )

AUTH_USER_MODEL = "users.User"
# The admin's sessions: on the server, keyed by a digest of the cookie (tether_relay.sessions).
SESSION_ENGINE = "tether_relay.sessions"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tether_relay" / "static"]

# CORS (django-cors-headers), for softphone pages and apps served from other origins. Only the
# listed origins, only the token and sign-in APIs, no cookies: a bearer token needs none.
# Origins as browsers send them: no white space (a CRLF .env), no trailing slash, lower case.
CORS_ALLOWED_ORIGINS = [
    origin.strip().rstrip("/").lower()
    for origin in env.list("CORS_ALLOWED_ORIGINS", default=[])
    if origin.strip()
]
CORS_URLS_REGEX = r"^/api/(calls|auth)/"
CORS_ALLOW_METHODS = ["GET", "POST"]
CORS_ALLOW_HEADERS = ["authorization", "content-type"]
CORS_ALLOW_CREDENTIALS = False
# So that a page can read how long to wait, and why it was refused.
CORS_EXPOSE_HEADERS = ["Retry-After", "WWW-Authenticate"]
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=600)

# The softphone page's API, when it is not the page's own origin (an absolute URL).
SOFTPHONE_API_BASE_URL = env.str("SOFTPHONE_API_BASE_URL", default="")

PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["tether_relay.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Proxies in front of the app whose X-Forwarded-For entries are trusted (0: none, so a
    # client cannot choose the address it is logged and counted under).
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://tether-relay")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A cache that does not answer must not hold requests up: each call gives up within 0.1 s
    # (Redis answers a loopback or LAN call in well under a millisecond), and after a failure
    # the breaker (calls.breaker) leaves it alone for a few seconds.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.1, "socket_timeout": 0.1}
    )

# Token requests per user, in DRF's rate format; counted in the default cache.
CALLS_TOKEN_THROTTLE_RATE = env("TOKEN_THROTTLE_RATE", default="60/minute")
# Call-history and voicemail requests per user, counted apart from token requests.
CALLS_HISTORY_THROTTLE_RATE = env("HISTORY_THROTTLE_RATE", default="120/minute")
# Days a call's record is kept; manage.py delete_old_calls deletes older ones.
CALLS_CALL_LOG_RETENTION_DAYS = env.int("CALL_LOG_RETENTION_DAYS", default=90)

# The voice webhooks check Twilio's signature over the URL Twilio called: this scheme, host and
# path prefix, when a proxy makes the request's own URL differ from it (blank: the request's).
TWILIO_WEBHOOK_BASE_URL = env("TWILIO_WEBHOOK_BASE_URL", default="")
# false skips the signature check, and only in DEBUG; a system check refuses it in production.
TWILIO_WEBHOOK_VALIDATE = env.bool("TWILIO_WEBHOOK_VALIDATE", default=True)

SPECTACULAR_SETTINGS = {
    "TITLE": "Tether Relay voice tokens",
    "DESCRIPTION": "Twilio Voice access tokens for softphones, and the bearer tokens to get them.",
    "VERSION": "1.0.0",
    "SERVERS": [
        {"url": "https://your-instance.example.com", "description": "Production"},
        {"url": "http://localhost:2212", "description": "Local API service"},
    ],
    "TAGS": [{"name": "Auth"}, {"name": "Calls"}],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "CallsCallDirection": "calls.call_status.CallDirection",
        "CallsCallStatus": "calls.call_status.CallStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "calls.openapi.align_with_contract",
    ],
}

# Sign-in (tether_relay.signin): one sign-in lasts at most this long, whatever the rotations;
# failed sign-ins are limited per username and per client address, in the shared cache.
SIGNIN_SESSION_MAX_AGE = timedelta(seconds=env.int("JWT_SESSION_MAX_AGE", default=30 * 86_400))
SIGNIN_REFRESH_REUSE_WINDOW = env.float("JWT_REFRESH_REUSE_WINDOW", default=10.0)
SIGNIN_FAILURES_PER_USERNAME = env.int("SIGNIN_FAILURES_PER_USERNAME", default=10)
SIGNIN_FAILURES_PER_ADDRESS = env.int("SIGNIN_FAILURES_PER_ADDRESS", default=30)
SIGNIN_FAILURE_WINDOW = env.int("SIGNIN_FAILURE_WINDOW", default=900)

SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUDIENCE": env("JWT_AUDIENCE", default="tether-relay-api"),
    "ISSUER": env("JWT_ISSUER", default="tether-relay"),
    "LEEWAY": timedelta(seconds=10),
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "audit": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        # One JSON object per line, for the log pipeline.
        "calls.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if not SECURE_SSL_REDIRECT:
        # The operator has said that a proxy in front of the app redirects HTTP to HTTPS.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
