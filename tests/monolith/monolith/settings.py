"""A current Django monolith with users of its own, mounting the apps as the README says.

Its own app is ``users`` (a top-level package, as ``startapp users`` makes it) with an
email-login user model that keeps the organization and the Twilio number; the bundled
``users`` app is not installed, and both resolvers come from ``orgs.resolvers``.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "monolith-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "users",
    # Tether Relay voice: the organizations and the token endpoint with its webhooks.
    "orgs",
    "calls",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "monolith.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "static/"
AUTH_USER_MODEL = "users.User"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

# Tether Relay voice, for a user model of the host's own.
FIELD_ENCRYPTION_KEYS = ["AJ7RtoRHw92sphQAVEh-yQzCUsWcW-omX8uhOsSanqI="]
SIMPLE_JWT = {"SIGNING_KEY": "monolith-test-only-jwt-signing-key-0123456789"}
CALLS_CALLER_RESOLVER = "orgs.resolvers.voice_caller_get"
CALLS_NUMBER_HOLDERS_RESOLVER = "orgs.resolvers.number_holders_get"
ORGS_USER_ORGANIZATION_FIELD = "organization"
ORGS_USER_NUMBER_FIELD = "twilio_number"
