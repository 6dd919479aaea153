"""Read helpers of the voice webhooks: one indexed query each, answering frozen values.

Users who hold numbers are read through CALLS_NUMBER_HOLDERS_RESOLVER (calls.conf).

Models are looked up when a function runs, never at import, so that the calls app still
imports without any model module.
"""

from dataclasses import dataclass, field

from django.apps import apps

from orgs.fields import SealedSecret


@dataclass(frozen=True, slots=True)
class WebhookOrganization:
    """What the webhooks need of the organization that a request's AccountSid names."""

    id: int
    auth_token: SealedSecret | None = field(repr=False)
    allowed_countries: str
    incoming_allow: bool
    allow_voip: bool = False


def organization_by_account_sid(account_sid: str) -> WebhookOrganization | None:
    """The organization with this Account SID, if any (a unique constraint allows one)."""
    organization_model = apps.get_model("orgs", "Organization")
    rows = (
        organization_model.objects.filter(twilio_account_sid=account_sid)
        .order_by("pk")
        .values_list(
            "pk",
            "twilio_auth_token",
            "twilio_allowed_countries",
            "twilio_incoming_allow",
            "twilio_allow_voip",
        )
    )
    row = rows.first()
    return None if row is None else WebhookOrganization(*row)
