"""The voice webhooks: TwiML for the calls a softphone places and the calls that ring it.

``POST twilio/outbound`` is the TwiML App's Voice URL, ``POST twilio/inbound`` each phone
number's. Both answer 403 with no TwiML unless Twilio signed the request for the organization.
"""

import functools
import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calls.webhooks.exceptions import WebhookForbidden
from calls.webhooks.selectors import WebhookOrganization
from calls.webhooks.services import Refusal, inbound_call_route, outbound_call_route
from calls.webhooks.signature import loggable_account_sid, webhook_organization
from calls.webhooks.twiml import Route, twiml_for

logger = logging.getLogger(__name__)

# Failures an administrator has to fix, rather than requests from someone who is not Twilio.
_MISCONFIGURED = {"no_auth_token", "undecryptable_auth_token"}
_CALL_SID = re.compile(r"\ACA[0-9a-f]{32}\Z")

WebhookView = Callable[[HttpRequest, WebhookOrganization], Route]


def twilio_webhook(view: WebhookView) -> Callable[[HttpRequest], HttpResponse]:
    """A POST-only, CSRF-exempt view that runs ``view`` only for a request Twilio signed."""

    @functools.wraps(view)
    def webhook(request: HttpRequest) -> HttpResponse:
        try:
            organization = webhook_organization(request)
            route = view(request, organization)
        except WebhookForbidden as refused:
            _log_forbidden(request, refused)
            return HttpResponseForbidden("Forbidden\n", content_type="text/plain; charset=utf-8")
        _log_route(request, view.__name__, organization, route)
        return HttpResponse(twiml_for(route), content_type="text/xml; charset=utf-8")

    # Twilio cannot hold a CSRF token: the signature is what proves the request.
    return csrf_exempt(require_POST(never_cache(webhook)))


@twilio_webhook
def outbound(request: HttpRequest, organization: WebhookOrganization) -> Route:
    """A softphone places a call: dial the number it asked for, or say why not."""
    return outbound_call_route(
        organization=organization,
        caller=request.POST.get("From", ""),
        to=request.POST.get("To", ""),
    )


@twilio_webhook
def inbound(request: HttpRequest, organization: WebhookOrganization) -> Route:
    """Someone calls a member's Twilio number: ring that member's softphone."""
    return inbound_call_route(organization=organization, to=request.POST.get("To", ""))


def _log_forbidden(request: HttpRequest, refused: WebhookForbidden) -> None:
    level = logging.ERROR if refused.check in _MISCONFIGURED else logging.WARNING
    logger.log(
        level,
        "Twilio webhook %s refused with 403: %s (AccountSid %s, organization %s)",
        request.path,
        refused.check,
        loggable_account_sid(request),
        refused.organization_id,
    )


def _log_route(request, direction: str, organization: WebhookOrganization, route: Route) -> None:
    call_sid = request.POST.get("CallSid", "")
    outcome = f"refused ({route.name})" if isinstance(route, Refusal) else "connected"
    logger.info(
        "%s call %s %s for organization %s",
        direction.capitalize(),
        call_sid if _CALL_SID.match(call_sid) else "(no CallSid)",
        outcome,
        organization.id,
    )
