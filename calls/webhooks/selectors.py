"""Read helpers of the voice webhooks: one indexed query each, answering frozen values.

Models are looked up when a function runs, never at import, so that the calls app still
imports without any model module.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from orgs.fields import SealedSecret


@dataclass(frozen=True, slots=True)
class WebhookOrganization:
    """What the webhooks need of the organization that a request's AccountSid names."""

    id: int
    auth_token: SealedSecret | None = field(repr=False)
    allowed_countries: str
    incoming_allow: bool


@dataclass(frozen=True, slots=True)
class Member:
    """A user who holds a Twilio number, and the organization the user belongs to."""

    user_id: int
    organization_id: int | None
    is_active: bool
    phone_number: str


def organizations_by_account_sid(account_sid: str) -> list[WebhookOrganization]:
    """The organizations with this Account SID, at most two: enough to tell one from several."""
    organization_model = apps.get_model("orgs", "Organization")
    rows = (
        organization_model.objects.filter(twilio_account_sid=account_sid)
        .order_by()
        .values_list("pk", "twilio_auth_token", "twilio_allowed_countries", "twilio_incoming_allow")
    )
    return [WebhookOrganization(*row) for row in rows[:2]]


def members_by_number(*, phone_number: str, with_numbers_of: int | None = None) -> list[Member]:
    """The user who holds this E.164 number, if any, in one query.

    With ``with_numbers_of`` (an organization's id), also every active member of that
    organization who holds a number.
    """
    wanted = Q(twilio_phone_number=phone_number)
    if with_numbers_of is not None:
        wanted |= Q(
            organization_id=with_numbers_of, is_active=True, twilio_phone_number__isnull=False
        )
    rows = (
        get_user_model()
        .objects.filter(wanted)
        .values_list("pk", "organization_id", "is_active", "twilio_phone_number")
    )
    return [Member(pk, org, active, number.as_e164) for pk, org, active, number in rows]
