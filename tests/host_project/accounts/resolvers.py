"""The host's resolvers: callers and number holders from its Member and Line, orgs' credentials."""

from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Line, Member
from orgs.models import Organization
from orgs.selectors import twilio_credentials_of
from orgs.voice import NO_CREDENTIALS, NumberHolder, TwilioCredentials, VoiceCaller


def caller(*, user_id) -> VoiceCaller | None:
    """The member with this primary key, its line and its organization's credentials."""
    try:
        member = Member.objects.select_related("line__organization").get(pk=user_id)
    except (Member.DoesNotExist, ValueError, TypeError, ValidationError):
        return None
    line = getattr(member, "line", None)  # a member without a line has no number yet
    return VoiceCaller(
        user_id=str(member.pk),
        is_active=member.is_active,
        phone_number=line.number if line else None,
        organization_id=str(line.organization_id) if line else None,
        credentials=_credentials(line.organization) if line else NO_CREDENTIALS,
    )


def _credentials(organization: Organization) -> TwilioCredentials:
    # No token_ttl: this host lets CALLS_DEFAULT_TOKEN_TTL decide every token's lifetime.
    return replace(twilio_credentials_of(organization), token_ttl=None)


def number_holders(*, phone_number: str, with_numbers_of: int | None = None) -> list[NumberHolder]:
    """The member whose line has this number (CALLS_NUMBER_HOLDERS_RESOLVER), and with
    ``with_numbers_of`` every active member of that organization with a line."""
    wanted = Q(number=phone_number)
    if with_numbers_of is not None:
        wanted |= Q(organization_id=with_numbers_of, member__is_active=True)
    rows = Line.objects.filter(wanted).values_list(
        "member_id", "organization_id", "member__is_active", "number"
    )
    return [NumberHolder(*row) for row in rows]
