"""Why a webhook request is turned away with 403: it is not Twilio speaking for this tenant."""


class WebhookForbidden(Exception):
    """A request that failed one check; ``check`` names it for the log, never for the caller."""

    def __init__(self, check: str, organization_id: int | None = None):
        super().__init__(check)
        self.check = check
        self.organization_id = organization_id
