"""A host project that installs the apps from their wheel and mounts them as its own.

The "Mounting in your project" lines are exactly these; relay_host.settings_accounts is the
same host with a user model of its own.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "host-project-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "phonenumber_field",
    "orgs",
    "users",
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

ROOT_URLCONF = "relay_host.urls"

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

# What the apps need from their host.
AUTH_USER_MODEL = "users.User"
FIELD_ENCRYPTION_KEYS = ["AJ7RtoRHw92sphQAVEh-yQzCUsWcW-omX8uhOsSanqI="]
SIMPLE_JWT = {"SIGNING_KEY": "host-project-test-only-jwt-signing-key-0123456789"}
PHONENUMBER_DB_FORMAT = "E164"
CALLS_CALLER_RESOLVER = "users.selectors.voice_caller_get"
CALLS_DEFAULT_TOKEN_TTL = 3600
CALLS_TOKEN_THROTTLE_RATE = "60/minute"
