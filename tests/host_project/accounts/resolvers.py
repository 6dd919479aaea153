"""The host's resolvers: callers and number holders from its Member and Line, orgs' credentials."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Line, Member
from orgs.models import Organization
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
    return TwilioCredentials(
        account_sid=organization.twilio_account_sid,
        api_key_sid=organization.twilio_api_key_sid,
        api_key_secret=organization.twilio_api_key_secret,
        twiml_app_sid=organization.twilio_twiml_app_sid,
        incoming_allow=organization.twilio_incoming_allow,
        region=organization.twilio_region,
        push_credential_sid=organization.twilio_push_credential_sid,
    )


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
