"""The phone numbers of an organization's Twilio account, for the admin's number picker."""

from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables
from twilio.http import HttpClient

from orgs.conf import app_settings
from orgs.crypto import SecretDecryptionError
from orgs.models import Organization
from orgs.twilio_api import ask, rest_client

CACHE_SECONDS = 60
MAX_NUMBERS = 1000  # offered at most; any other may still be typed
_UNAVAILABLE = "unavailable"  # kept as briefly, so that a Twilio outage costs one wait a minute


@sensitive_variables()
def account_numbers_get(
    *, organization: Organization, http_client: HttpClient | None = None
) -> list[str] | None:
    """The account's numbers in E.164, sorted; None when they cannot be had (no credentials,
    or Twilio refused or did not answer within its client's timeout). Either is kept for a
    minute."""
    if not organization.twilio_account_sid:
        return None
    key = f"orgs:twilio-numbers:{organization.pk}:{organization.twilio_account_sid}"
    if (numbers := cache.get(key)) is not None:
        return None if numbers == _UNAVAILABLE else numbers
    try:
        username, secret = _credentials(organization)
    except SecretDecryptionError:
        return None
    if not secret:
        return None
    client = rest_client(
        username=username,
        password=secret,
        account_sid=organization.twilio_account_sid,
        region=organization.twilio_region,
        http_client=http_client or app_settings.twilio_http_client(),
    )
    account = client.api.v2010.accounts(organization.twilio_account_sid)
    answer = ask(
        lambda: account.incoming_phone_numbers.list(limit=MAX_NUMBERS, page_size=MAX_NUMBERS),
        what="number list",
        organization_id=organization.pk,
    )
    if not answer.ok:
        cache.set(key, _UNAVAILABLE, CACHE_SECONDS)
        return None
    numbers = sorted(number.phone_number for number in answer.resource)
    cache.set(key, numbers, CACHE_SECONDS)
    return numbers


def _credentials(organization: Organization) -> tuple[str, str]:
    """The API key where one is stored, else the Auth Token."""
    if organization.twilio_api_key_sid and organization.twilio_api_key_secret:
        return organization.twilio_api_key_sid, organization.twilio_api_key_secret.reveal()
    if organization.twilio_auth_token:
        return organization.twilio_account_sid, organization.twilio_auth_token.reveal()
    return "", ""
