"""Only Twilio gets in: a webhook's X-Twilio-Signature, checked with the account's Auth Token."""

import logging
import re

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables
from twilio.request_validator import RequestValidator

from calls.webhooks.conf import webhook_settings
from calls.webhooks.exceptions import WebhookForbidden
from calls.webhooks.selectors import WebhookOrganization, organization_by_account_sid
from orgs.crypto import SecretDecryptionError

logger = logging.getLogger(__name__)

_ACCOUNT_SID = re.compile(r"\AAC[0-9a-f]{32}\Z")


def webhook_organization(request: HttpRequest) -> WebhookOrganization:
    """The organization whose Twilio account signed this request; raises WebhookForbidden.

    The AccountSid must name exactly one organization, and the signature must be that
    organization's Auth Token over the public URL Twilio called and the posted fields.
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    validate = webhook_settings.validation_enabled
    if validate and not signature:
        raise WebhookForbidden("missing_signature")
    organization = _organization(request.POST.get("AccountSid", ""))
    if validate:
        _check_signature(request, organization, signature)
    else:
        logger.warning("Twilio webhook signature not checked: TWILIO_WEBHOOK_VALIDATE is false.")
    return organization


def public_url(request: HttpRequest) -> str:
    """The URL Twilio called and signed: TWILIO_WEBHOOK_BASE_URL plus the path, when set."""
    return public_base(request) + request.get_full_path()


def public_base(request: HttpRequest) -> str:
    """Scheme, host and any prefix of the URLs Twilio calls: TWILIO_WEBHOOK_BASE_URL, or the
    request's own."""
    base = webhook_settings.BASE_URL
    if base:
        return base.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def loggable_account_sid(request: HttpRequest) -> str:
    """The posted AccountSid when it has a SID's form; nothing a caller typed otherwise."""
    account_sid = request.POST.get("AccountSid", "")
    return account_sid if _ACCOUNT_SID.match(account_sid) else "(none or malformed)"


def _organization(account_sid: str) -> WebhookOrganization:
    if not _ACCOUNT_SID.match(account_sid):
        raise WebhookForbidden("unknown_account")
    found = organization_by_account_sid(account_sid)
    if found is None:
        raise WebhookForbidden("unknown_account")
    return found


@sensitive_variables()
def _check_signature(request: HttpRequest, organization: WebhookOrganization, signature: str):
    if organization.auth_token is None:
        raise WebhookForbidden("no_auth_token", organization.id)
    try:
        auth_token = organization.auth_token.reveal()
    except SecretDecryptionError:
        raise WebhookForbidden("undecryptable_auth_token", organization.id) from None
    validator = RequestValidator(auth_token)
    if not validator.validate(public_url(request), request.POST, signature):
        raise WebhookForbidden("bad_signature", organization.id)
