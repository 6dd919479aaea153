"""Read helpers for organizations."""

from orgs.models import Organization
from orgs.voice import NO_CREDENTIALS, TwilioCredentials


def twilio_credentials_of(organization: Organization | None) -> TwilioCredentials:
    """The organization's Twilio credentials; every one unset when there is no organization."""
    if organization is None:
        return NO_CREDENTIALS
    return TwilioCredentials(
        account_sid=organization.twilio_account_sid,
        api_key_sid=organization.twilio_api_key_sid,
        api_key_secret=organization.twilio_api_key_secret,
        twiml_app_sid=organization.twilio_twiml_app_sid,
        token_ttl=organization.twilio_token_ttl,
        incoming_allow=organization.twilio_incoming_allow,
        region=organization.twilio_region,
        push_credential_sid=organization.twilio_push_credential_sid,
    )
