"""The public URLs of the voice webhooks, as Twilio must be told to call them."""

from dataclasses import dataclass

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


def webhook_urls() -> WebhookUrls:
    """TWILIO_WEBHOOK_BASE_URL plus each webhook's path, as the signature check rebuilds it."""
    base = webhook_settings.BASE_URL.rstrip("/")
    if not base:
        raise WebhookBaseUrlUnusable(
            "TWILIO_WEBHOOK_BASE_URL is not set: Twilio needs this service's public address "
            "(https://relay.example.com) to call its webhooks."
        )
    if not base.startswith("https://") and not settings.DEBUG:
        raise WebhookBaseUrlUnusable(
            f"TWILIO_WEBHOOK_BASE_URL {base!r} is not HTTPS: Twilio would send calls' details "
            "in clear text."
        )
    return WebhookUrls(
        outbound=base + reverse("calls_webhooks:twilio-outbound"),
        inbound=base + reverse("calls_webhooks:twilio-inbound"),
        status=base + reverse("calls_webhooks:twilio-status"),
    )
