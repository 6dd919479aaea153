"""The public URLs of the voice webhooks, as Twilio must be told to call them."""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from calls.webhooks.conf import webhook_settings

# A host name (letters, digits, hyphens between dots) or an IP address.
_HOST = re.compile(r"\A(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\Z")


class WebhookBaseUrlUnusable(Exception):
    """TWILIO_WEBHOOK_BASE_URL is not set, or is not HTTPS in production; says which."""


@dataclass(frozen=True, slots=True)
class WebhookUrls:
    outbound: str  # a TwiML App's Voice URL: calls placed by softphones
    inbound: str  # a number's "a call comes in" URL: calls to members' numbers
    status: str  # a TwiML App's Status Callback URL: how softphones' calls progress and end


def base_url_malformed(base: str) -> str | None:
    """Why a TWILIO_WEBHOOK_BASE_URL that is set cannot be the webhooks' public address, or
    None: it must be an absolute http(s) URL of a host (and port), with nothing after its path,
    no user name or password, and no white space or backslash."""
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:  # an unbalanced [ in the host, a port out of range or not a number
        parts = None
    if (
        parts is None
        or any(character.isspace() or character == "\\" for character in base)
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or not (_HOST.match(parts.hostname) or _is_ip(parts.hostname))
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
        or base.endswith(("?", "#"))
    ):
        return (
            f"TWILIO_WEBHOOK_BASE_URL {_shown(base)!r} is not an absolute http(s) URL of a "
            "host, without a user name or password, white space, a query or a fragment."
        )
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _shown(base: str) -> str:
    """The URL as a message may show it: a password in it replaced."""
    try:
        parts = urlsplit(base)
        if parts.password is None:
            return base
        return base.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        return base


def webhook_urls() -> WebhookUrls:
    """TWILIO_WEBHOOK_BASE_URL plus each webhook's path, as the signature check rebuilds it."""
    base = webhook_settings.BASE_URL.rstrip("/")
    if not base:
        raise WebhookBaseUrlUnusable(
            "TWILIO_WEBHOOK_BASE_URL is not set: Twilio needs this service's public address "
            "(https://relay.example.com) to call its webhooks."
        )
    if malformed := base_url_malformed(base):
        raise WebhookBaseUrlUnusable(
            f"{malformed} Set it to the scheme and host Twilio calls, plus any path prefix the "
            "proxy strips, for example https://relay.example.com."
        )
    if urlsplit(base).scheme != "https" and not settings.DEBUG:
        raise WebhookBaseUrlUnusable(
            f"TWILIO_WEBHOOK_BASE_URL {base!r} is not HTTPS: Twilio would send calls' details "
            "in clear text."
        )
    return WebhookUrls(
        outbound=base + reverse("calls_webhooks:twilio-outbound"),
        inbound=base + reverse("calls_webhooks:twilio-inbound"),
        status=base + reverse("calls_webhooks:twilio-status"),
    )
