"""Read helpers for organizations."""

from collections.abc import Sequence

from orgs.models import Organization
from orgs.voice import NO_CREDENTIALS, TwilioCredentials

# The Organization columns that make up TwilioCredentials, in the order of its fields.
CREDENTIAL_FIELDS = (
    "twilio_account_sid",
    "twilio_api_key_sid",
    "twilio_api_key_secret",
    "twilio_twiml_app_sid",
    "twilio_token_ttl",
    "twilio_incoming_allow",
    "twilio_region",
    "twilio_push_credential_sid",
    "twilio_push_credential_sid_ios",
    "twilio_push_credential_sid_ios_sandbox",
    "twilio_push_credential_sid_android",
)
_SECRET_FIELD = Organization._meta.get_field("twilio_api_key_secret")


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
        push_credential_sid_ios=organization.twilio_push_credential_sid_ios,
        push_credential_sid_ios_sandbox=organization.twilio_push_credential_sid_ios_sandbox,
        push_credential_sid_android=organization.twilio_push_credential_sid_android,
    )


def twilio_credentials_from_row(values: Sequence) -> TwilioCredentials:
    """Credentials from the raw database values of CREDENTIAL_FIELDS, as a cursor returns them.

    For readers that fetch columns without building a model instance; the conversions are the
    ones the fields apply when the ORM loads them.
    """
    account, key, secret, app, ttl, incoming, region, *push = values
    return TwilioCredentials(
        account,
        key,
        _SECRET_FIELD.from_db_value(secret, None, None),
        app,
        ttl,
        bool(incoming),  # SQLite returns 0 or 1
        region,
        *push,
    )
