"""The public URLs of the voice webhooks, as Twilio must be told to call them."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from calls.webhooks.conf import webhook_settings


class WebhookBaseUrlUnusable(Exception):
    """TWILIO_WEBHOOK_BASE_URL is not set, or is not HTTPS in production; says which."""


@dataclass(frozen=True, slots=True)
class WebhookUrls:
    outbound: str  # a TwiML App's Voice URL: calls placed by softphones
    inbound: str  # a number's "a call comes in" URL: calls to members' numbers
    status: str  # a TwiML App's Status Callback URL: how softphones' calls progress and end


def base_url_malformed(base: str) -> str | None:
    """Why a TWILIO_WEBHOOK_BASE_URL that is set cannot be the webhooks' public address, or
    None: it must be an absolute http(s) URL, with nothing after its path and no white space."""
    try:
        parts = urlsplit(base)
    except ValueError:  # an unbalanced [ in the host
        parts = None
    if (
        parts is None
        or any(character.isspace() for character in base)
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.query
        or parts.fragment
        or base.endswith(("?", "#"))
    ):
        return (
            f"TWILIO_WEBHOOK_BASE_URL {base!r} is not an absolute http(s) URL without white "
            "space, a query or a fragment."
        )
    return None


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
