"""System checks of the voice webhooks: signature checks are never off in production."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from calls.webhooks.conf import webhook_settings
from calls.webhooks.public import base_url_malformed


def check_webhook_validation(app_configs=None, **kwargs) -> list[CheckMessage]:
    """TWILIO_WEBHOOK_VALIDATE may be false only in DEBUG, and even then it is announced."""
    if webhook_settings.VALIDATE:
        return []
    if settings.DEBUG:
        return [
            Warning(
                "TWILIO_WEBHOOK_VALIDATE is false: the voice webhooks accept unsigned requests.",
                hint="Only for local experiments; outside DEBUG signatures are checked anyway.",
                id="calls_webhooks.W001",
            )
        ]
    return [
        Error(
            "TWILIO_WEBHOOK_VALIDATE is false outside DEBUG: anyone could place calls on the "
            "organizations' Twilio accounts.",
            hint="Remove TWILIO_WEBHOOK_VALIDATE or set it to true.",
            id="calls_webhooks.E001",
        )
    ]


def check_webhook_base_url(app_configs=None, **kwargs) -> list[CheckMessage]:
    """TWILIO_WEBHOOK_BASE_URL, when set, is an absolute http(s) URL with nothing after the path."""
    base = webhook_settings.BASE_URL
    if not base or not (malformed := base_url_malformed(base)):
        return []
    return [
        Error(
            malformed,
            hint="Set it to the scheme and host Twilio calls, plus any path prefix the proxy "
            "strips, for example https://relay.example.com.",
            id="calls_webhooks.E002",
        )
    ]
