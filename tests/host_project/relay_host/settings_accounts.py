"""The same host with users of its own: accounts.Member keeps no number, accounts.Line does.

The users app is not installed; both resolvers are the shipped ``orgs.resolvers``, told
where the number and the organization are: on the member's line.
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
CALLS_CALLER_RESOLVER = "orgs.resolvers.voice_caller_get"
CALLS_NUMBER_HOLDERS_RESOLVER = "orgs.resolvers.number_holders_get"
ORGS_USER_ORGANIZATION_FIELD = "line__organization"
ORGS_USER_NUMBER_FIELD = "line__number"
