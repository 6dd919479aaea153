"""The voice webhooks: TwiML for the calls a softphone places and the calls that ring it, and
the callbacks through which Twilio reports how each call went.

``POST twilio/outbound`` is the TwiML App's Voice URL, ``POST twilio/inbound`` each phone
number's, ``POST twilio/status`` the TwiML App's status callback. The others are named in the
TwiML these answer: ``twilio/dial-ended`` (a ``<Dial>``'s action), ``twilio/voicemail-ended``
(a ``<Record>``'s action) and ``twilio/recording`` (its recording status callback). Every one
answers 403 with no body of use unless Twilio signed the request for the organization.
"""

import functools
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from email.utils import parsedate_to_datetime

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calls.call_status import CallStatus
from calls.conf import app_settings
from calls.identity import InvalidIdentity, voice_identity_number
from calls.webhooks.exceptions import WebhookForbidden
from calls.webhooks.selectors import WebhookOrganization
from calls.webhooks.services import (
    CLIENT_PREFIX,
    End,
    Forward,
    Refusal,
    Voicemail,
    inbound_call_route,
    outbound_call_route,
    unanswered_call_route,
)
from calls.webhooks.signature import loggable_account_sid, public_base, webhook_organization
from calls.webhooks.twiml import INTERNAL_LEG, CallbackUrls, Route, twiml_for

logger = logging.getLogger(__name__)

# Failures an administrator has to fix, rather than requests from someone who is not Twilio.
_MISCONFIGURED = {"no_auth_token", "undecryptable_auth_token"}
_CALL_SID = re.compile(r"\ACA[0-9a-f]{32}\Z")
_RECORDING_SID = re.compile(r"\ARE[0-9a-f]{32}\Z")
_SECONDS = re.compile(r"\A[0-9]{1,7}\Z")
_LATEST_CALLBACK = timedelta(days=7)  # Twilio retries a callback for far less
_CLOCK_SKEW = timedelta(minutes=1)

WebhookView = Callable[[HttpRequest, WebhookOrganization], Route]
CallbackView = Callable[[HttpRequest, WebhookOrganization], str]


def twilio_webhook(view: WebhookView) -> Callable[[HttpRequest], HttpResponse]:
    """A POST-only, CSRF-exempt view that runs ``view`` only for a request Twilio signed, and
    answers the TwiML of the route it returns."""

    @functools.wraps(view)
    def webhook(request: HttpRequest) -> HttpResponse:
        try:
            organization = webhook_organization(request)
            route = view(request, organization)
        except WebhookForbidden as refused:
            _log_forbidden(request, refused)
            return _forbidden()
        _log_route(request, view.__name__, organization, route)
        entry = getattr(route, "entry", None)
        call_sid = _sid(request, "CallSid")
        if entry is not None and call_sid:
            _keep(call_log().call_routed, organization_id=organization.id, call_sid=call_sid,
                  entry=entry)  # fmt: skip
        document = twiml_for(route, callback_urls(request))
        return HttpResponse(document, content_type="text/xml; charset=utf-8")

    # Twilio cannot hold a CSRF token: the signature is what proves the request.
    return csrf_exempt(require_POST(never_cache(webhook)))


def twilio_callback(view: CallbackView) -> Callable[[HttpRequest], HttpResponse]:
    """A signed callback that only reports: 204 whether it changed the call log or not."""

    @functools.wraps(view)
    def callback(request: HttpRequest) -> HttpResponse:
        try:
            organization = webhook_organization(request)
        except WebhookForbidden as refused:
            _log_forbidden(request, refused)
            return _forbidden()
        outcome = view(request, organization)
        logger.info(
            "Twilio %s for call %s of organization %s: %s",
            view.__name__.replace("_", " "),
            _sid(request, "CallSid") or "(no CallSid)",
            organization.id,
            outcome,
        )
        return HttpResponse(status=204)

    return csrf_exempt(require_POST(never_cache(callback)))


@twilio_webhook
def outbound(request: HttpRequest, organization: WebhookOrganization) -> Route:
    """A softphone places a call: dial the number it asked for, ring the colleague who holds
    it, or say why not."""
    return outbound_call_route(
        organization=organization,
        caller=request.POST.get("From", ""),
        to=request.POST.get("To", ""),
    )


@twilio_webhook
def inbound(request: HttpRequest, organization: WebhookOrganization) -> Route:
    """Someone calls a member's Twilio number: ring that member's softphone."""
    return inbound_call_route(
        organization=organization,
        to=request.POST.get("To", ""),
        caller=request.POST.get("From", ""),
    )


@twilio_webhook
def dial_ended(request: HttpRequest, organization: WebhookOrganization) -> Route:
    """The softphone's ``<Dial>`` ended: over if answered, else forward, voicemail or hang up."""
    call_sid = _sid(request, "CallSid")
    dial_status = request.POST.get("DialCallStatus", "")
    if call_sid:
        _keep(call_log().dial_ended, organization_id=organization.id, call_sid=call_sid,
              dial_status=dial_status, duration=_seconds(request, "DialCallDuration"))  # fmt: skip
    route = unanswered_call_route(
        organization=organization, to=request.POST.get("To", ""), dial_status=dial_status
    )
    if call_sid and isinstance(route, Forward):
        _keep(call_log().forwarded, organization_id=organization.id, call_sid=call_sid,
              number=route.number)  # fmt: skip
    elif call_sid and not isinstance(route, Voicemail):
        _keep(call_log().hung_up, organization_id=organization.id, call_sid=call_sid)
    return route


@twilio_webhook
def voicemail_ended(request: HttpRequest, organization: WebhookOrganization) -> Route:
    """The caller finished leaving a message: hang up."""
    call_sid = _sid(request, "CallSid")
    if call_sid:
        _keep(call_log().hung_up, organization_id=organization.id, call_sid=call_sid)
    return End.HANG_UP


@twilio_callback
def status_callback(request: HttpRequest, organization: WebhookOrganization) -> str:
    """A call progress event of a routed call or of a leg the TwiML dialled."""
    log = call_log()
    event = _event(request)
    if event is None:
        return "ignored (not a call progress event)"
    if not event.parent_call_sid:
        changed = _keep(log.call_ended, organization_id=organization.id, event=event)
    else:
        if request.GET.urlencode() == INTERNAL_LEG:
            _colleague_rung(request, organization, event)
        changed = _keep(log.leg_progressed, organization_id=organization.id, event=event)
    return f"{event.status}, {changed or 0} record(s) changed"


@twilio_callback
def recording_callback(request: HttpRequest, organization: WebhookOrganization) -> str:
    """A voicemail's recording is ready (or failed): keep its SID on the call's record."""
    call_sid = _sid(request, "CallSid")
    recording_sid = request.POST.get("RecordingSid", "")
    status = request.POST.get("RecordingStatus", "")
    if not call_sid or not _RECORDING_SID.match(recording_sid) or status != "completed":
        return f"ignored (recording status {status[:20]!r})"
    changed = _keep(
        call_log().voicemail_recorded,
        organization_id=organization.id,
        call_sid=call_sid,
        recording_sid=recording_sid,
        duration=_seconds(request, "RecordingDuration"),
    )
    return f"voicemail {recording_sid}, {changed or 0} record(s) changed"


def callback_urls(request: HttpRequest) -> CallbackUrls:
    """The webhooks' URLs as Twilio will call and sign them: under the same public base."""
    base = public_base(request)
    return CallbackUrls(
        status=base + reverse("calls_webhooks:twilio-status"),
        dial_ended=base + reverse("calls_webhooks:twilio-dial-ended"),
        recording=base + reverse("calls_webhooks:twilio-recording"),
        voicemail_ended=base + reverse("calls_webhooks:twilio-voicemail-ended"),
    )


def call_log():
    """``calls.call_log``, imported when first used: it loads the Call model."""
    from calls import call_log as module

    return module


def _colleague_rung(request, organization: WebhookOrganization, event) -> None:
    """The leg of an internal call reached a colleague: start the colleague's own record."""
    try:
        number = voice_identity_number(request.POST.get("To", "").removeprefix(CLIENT_PREFIX))
    except InvalidIdentity:
        return
    holders = app_settings.number_holders_resolver(phone_number=number)
    callee = next((h for h in holders if h.organization_id == organization.id), None)
    if callee is None:
        return
    _keep(call_log().colleague_rung, organization_id=organization.id, event=event,
          user_id=callee.user_id, caller=request.POST.get("From", ""))  # fmt: skip


def _event(request: HttpRequest):
    call_sid = _sid(request, "CallSid")
    status = request.POST.get("CallStatus", "")
    parent = request.POST.get("ParentCallSid", "")
    if not call_sid or status not in CallStatus.values or (parent and not _CALL_SID.match(parent)):
        return None
    return call_log().CallEvent(
        call_sid=call_sid,
        parent_call_sid=parent,
        status=status,
        at=_timestamp(request.POST.get("Timestamp", "")),
        duration=_seconds(request, "CallDuration"),
        to=request.POST.get("To", "")[:64],
    )


def _timestamp(value: str):
    """Twilio's Timestamp (RFC 2822), or now for one that is missing, unreadable or not
    plausibly a moment of this call (a week back at most, a minute ahead)."""
    now = timezone.now()
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return now
    if at.tzinfo is None:
        return now
    try:
        plausible = now - _LATEST_CALLBACK <= at <= now + _CLOCK_SKEW
    except OverflowError:
        return now
    return at if plausible else now


def _sid(request: HttpRequest, name: str) -> str:
    value = request.POST.get(name, "")
    return value if _CALL_SID.match(value) else ""


def _seconds(request: HttpRequest, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if _SECONDS.match(value) else None


def _keep(write, **kwargs):
    """Run a call-log write; a database that cannot take it costs the record, not the call."""
    try:
        if not transaction.get_connection().in_atomic_block:
            return write(**kwargs)  # one statement, its own transaction
        with transaction.atomic():  # a savepoint, so that a failure spares the outer one
            return write(**kwargs)
    except DatabaseError as error:
        logger.warning("Call log not updated (%s): %s", write.__name__, type(error).__name__)
        return None


def _forbidden() -> HttpResponse:
    return HttpResponseForbidden("Forbidden\n", content_type="text/plain; charset=utf-8")


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
    if isinstance(route, Refusal):
        outcome = f"refused ({route.name})"
    elif isinstance(route, Voicemail):
        outcome = "sent to voicemail"
    elif isinstance(route, Forward):
        outcome = "forwarded"
    elif isinstance(route, End):
        outcome = "ended"
    else:
        outcome = "connected"
    logger.info(
        "%s call %s %s for organization %s",
        direction.replace("_", " ").capitalize(),
        call_sid if _CALL_SID.match(call_sid) else "(no CallSid)",
        outcome,
        organization.id,
    )
