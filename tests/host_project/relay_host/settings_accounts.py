"""The same host with users of its own: accounts.Member keeps no number, accounts.Line does.

The users app is not installed; the caller resolver is the host's.
"""

from relay_host.settings import *  # noqa: F403 - the same host, but for who its users are

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "accounts",
    "orgs",
    "calls",
]

AUTH_USER_MODEL = "accounts.Member"
CALLS_CALLER_RESOLVER = "accounts.resolvers.caller"
CALLS_NUMBER_HOLDERS_RESOLVER = "accounts.resolvers.number_holders"
# The resolver leaves every token's lifetime to the host.
CALLS_DEFAULT_TOKEN_TTL = 900
