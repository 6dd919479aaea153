"""Settings of the voice webhooks, read from Django settings on every access."""

from django.conf import settings


class WebhookSettings:
    """Each property reads its Django setting on every access, so overrides apply at once."""

    @property
    def BASE_URL(self) -> str:
        """``TWILIO_WEBHOOK_BASE_URL``: scheme, host and any path prefix that Twilio calls.

        Blank: each request's own absolute URL, which honours ``SECURE_PROXY_SSL_HEADER``.
        """
        return getattr(settings, "TWILIO_WEBHOOK_BASE_URL", "") or ""

    @property
    def VALIDATE(self) -> bool:
        """``TWILIO_WEBHOOK_VALIDATE``: only the value ``False`` itself turns the check off."""
        return getattr(settings, "TWILIO_WEBHOOK_VALIDATE", True) is not False

    @property
    def validation_enabled(self) -> bool:
        """Whether signatures are checked: always, unless switched off in DEBUG.

        Outside DEBUG the switch is ignored even where no system check ran (gunicorn runs none).
        """
        return self.VALIDATE or not settings.DEBUG


webhook_settings = WebhookSettings()
