"""The host's caller resolver (CALLS_CALLER_RESOLVER): its Member and Line, orgs' credentials."""

from django.core.exceptions import ValidationError

from accounts.models import Member
from orgs.models import Organization
from orgs.voice import NO_CREDENTIALS, TwilioCredentials, VoiceCaller


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
