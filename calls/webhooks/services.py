"""Where a call goes: the decisions of the voice webhooks, without HTTP or TwiML."""

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from calls.call_status import CallDirection
from calls.conf import app_settings
from calls.identity import InvalidIdentity, voice_identity, voice_identity_number
from calls.webhooks.exceptions import WebhookForbidden
from calls.webhooks.selectors import WebhookOrganization, organization_by_id
from orgs.countries import country_codes_parse
from orgs.voice import NumberHolder

CLIENT_PREFIX = "client:"  # how Twilio names a softphone in From: client:<identity>
# A + and digits, perhaps grouped as people write them; phonenumbers alone would also find a
# number inside other text ("client:+1416...", "tel:+1416...") or spell out letters.
_UNSPEAKABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INTERNATIONAL = re.compile(r"\A\+[0-9][0-9 ().-]{0,30}\Z")
# The kinds of number a softphone may dial. Personal, pager, UAN, shared-cost, voicemail-access
# and unknown numbers are how toll fraud reaches premium rates without looking premium.
_DIALLABLE = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.TOLL_FREE,
    }
)


class Refusal(Enum):
    """A call that is not connected; the value is the one sentence the caller hears."""

    UNKNOWN_CALLER = "This softphone is not registered to anyone who may place calls."
    INVALID_NUMBER = "The number you dialled is not a valid international phone number."
    PREMIUM_RATE = "Calls to premium rate numbers are not allowed."
    NUMBER_TYPE_NOT_ALLOWED = (
        "Calls to that kind of number are not allowed. Only landline, mobile and toll free "
        "numbers can be called."
    )
    COUNTRY_NOT_ALLOWED = "Your organization does not allow calls to that country."
    NO_ONE_HERE = "Sorry, no one takes calls at this number. Goodbye."
    INCOMING_OFF = "Sorry, this number does not take incoming calls. Goodbye."
    OWN_NUMBER = "You cannot call your own number."
    NOT_ANSWERED = "Sorry, no one is available to take your call. Goodbye."


DEFAULT_GREETING = "The person you called is not available. Please leave a message after the tone."


@dataclass(frozen=True, slots=True)
class CallEntry:
    """What the call log keeps of a call when the webhooks route it to or from a member."""

    user_id: Any
    direction: str
    incoming: bool
    other_party: str


@dataclass(frozen=True, slots=True)
class DialNumber:
    """Connect the softphone to a phone number, showing the caller's own number."""

    number: str
    caller_id: str
    entry: CallEntry | None = None


@dataclass(frozen=True, slots=True)
class DialClient:
    """Ring the softphone registered under this identity for ``ring_seconds``.

    A call from outside (``internal`` false) then asks the dial-ended webhook what to do if it
    was not answered; an internal call shows the caller's number and simply ends.
    """

    identity: str
    ring_seconds: int
    internal: bool = False
    caller_id: str | None = None
    entry: CallEntry | None = None


@dataclass(frozen=True, slots=True)
class Forward:
    """Dial the member's forwarding number; the caller's own number is shown."""

    number: str


@dataclass(frozen=True, slots=True)
class Voicemail:
    """Say the greeting, then record a message of at most ``max_seconds``."""

    greeting: str
    max_seconds: int


class End(Enum):
    """The call is over: hang up without a word."""

    HANG_UP = "hang up"


def outbound_call_route(
    *, organization: WebhookOrganization, caller: str, to: str
) -> DialNumber | DialClient | Refusal:
    """Dial ``to`` from the caller's own number, ring the member who holds it, or the reason
    not to.

    ``caller`` is Twilio's ``From`` (``client:<identity>``). Raises WebhookForbidden when the
    identity belongs to a member of another organization.
    """
    number = _caller_number(caller)
    if number is None:
        return Refusal.UNKNOWN_CALLER
    # A blank list allows the countries of the members' numbers, read in the same query.
    listed = country_codes_parse(organization.allowed_countries)
    members = app_settings.number_holders_resolver(
        phone_number=number, with_numbers_of=None if listed else organization.id
    )
    member = next((m for m in members if m.phone_number == number), None)
    if member is not None and member.organization_id != organization.id:
        raise WebhookForbidden("cross_tenant_caller", organization.id)
    if member is None or not member.is_active:
        return Refusal.UNKNOWN_CALLER
    dialled = _e164(to)
    if dialled is None:
        return Refusal.INVALID_NUMBER
    if dialled == number:
        return Refusal.OWN_NUMBER
    colleague = _colleague(dialled, members, organization.id, all_members_read=not listed)
    if colleague is not None:
        # Between members: no phone network, so no country or kind-of-number rule applies.
        return DialClient(
            identity=voice_identity(colleague.phone_number),
            ring_seconds=organization.ring_seconds,
            internal=True,
            caller_id=number,
            entry=CallEntry(member.user_id, CallDirection.INTERNAL, False, dialled),
        )
    allowed = frozenset(listed) or _countries_of(members, organization.id)
    destination = _destination(to, allowed, allow_voip=organization.allow_voip)
    if isinstance(destination, Refusal):
        return destination
    return DialNumber(
        number=destination,
        caller_id=member.phone_number,
        entry=CallEntry(member.user_id, CallDirection.OUTBOUND, False, destination),
    )


def inbound_call_route(
    *, organization: WebhookOrganization, to: str, caller: str = ""
) -> DialClient | Refusal:
    """Ring the active member of the organization who holds the called number ``to``.

    ``caller`` is Twilio's ``From``, kept in the call log.
    """
    if not organization.incoming_allow:
        return Refusal.INCOMING_OFF
    owner = _owner(organization, to)
    if owner is None:
        return Refusal.NO_ONE_HERE
    return DialClient(
        identity=voice_identity(owner.phone_number),
        ring_seconds=organization.ring_seconds,
        entry=CallEntry(owner.user_id, CallDirection.INBOUND, True, caller[:64]),
    )


def unanswered_call_route(
    *, organization: WebhookOrganization, to: str, dial_status: str
) -> Forward | Voicemail | Refusal | End:
    """What a call from outside does once the softphone's ``<Dial>`` ended with
    ``dial_status`` (Twilio's DialCallStatus).

    Answered: it is over. Otherwise the member's forwarding number, when it may still be
    dialled, then the organization's choice: voicemail or hang up.
    """
    if dial_status in ("completed", "answered"):
        return End.HANG_UP
    listed = country_codes_parse(organization.allowed_countries)
    called = _e164(to)
    holders = (
        []
        if called is None
        else app_settings.number_holders_resolver(
            phone_number=called, with_numbers_of=None if listed else organization.id
        )
    )
    owner = next((h for h in holders if h.phone_number == called), None)
    if owner is None or owner.organization_id != organization.id or not owner.is_active:
        return Refusal.NO_ONE_HERE
    if owner.forwarding_number and owner.forwarding_number != owner.phone_number:
        allowed = frozenset(listed) or _countries_of(holders, organization.id)
        forward = _destination(owner.forwarding_number, allowed, allow_voip=organization.allow_voip)
        if not isinstance(forward, Refusal):
            return Forward(number=forward)
    if organization.unanswered == "hangup":
        return Refusal.NOT_ANSWERED
    return Voicemail(
        greeting=_speakable(organization.voicemail_greeting) or DEFAULT_GREETING,
        max_seconds=organization.voicemail_max_seconds,
    )


def forwarding_number_problem(
    number: str, *, organization_id: int | None, own_number: str | None
) -> str | None:
    """Why a member may not forward unanswered calls to ``number`` (E.164), or None.

    The same rules as a call a softphone places: the organization's countries and kinds of
    number, read now.
    """
    if organization_id is None:
        return "Only a member of an organization can have a forwarding number."
    if number == own_number:
        return "The forwarding number cannot be the member's own Twilio number."
    organization = organization_by_id(organization_id)
    if organization is None:
        return "The member's organization does not exist."
    listed = country_codes_parse(organization.allowed_countries)
    members = (
        []
        if listed
        else app_settings.number_holders_resolver(
            phone_number=number, with_numbers_of=organization.id
        )
    )
    allowed = frozenset(listed) or _countries_of(members, organization.id)
    refusal = _destination(number, allowed, allow_voip=organization.allow_voip)
    if refusal == Refusal.COUNTRY_NOT_ALLOWED:
        return "The organization does not allow calls to that number's country."
    if isinstance(refusal, Refusal):
        return refusal.value
    return None


def _owner(organization: WebhookOrganization, to: str) -> NumberHolder | None:
    """The active member of the organization who holds the number ``to``, or None."""
    number = _e164(to)
    if number is None:
        return None
    owner = next(iter(app_settings.number_holders_resolver(phone_number=number)), None)
    if owner is None or owner.organization_id != organization.id or not owner.is_active:
        return None
    return owner


def _colleague(
    number: str, members: list[NumberHolder], organization_id: int, *, all_members_read: bool
) -> NumberHolder | None:
    """The active member of the organization who holds ``number``, if any.

    ``members`` already holds every active member when ``all_members_read``; otherwise the
    holder of the number is read.
    """
    if not all_members_read:
        members = app_settings.number_holders_resolver(phone_number=number)
    return next(
        (
            m
            for m in members
            if m.phone_number == number and m.organization_id == organization_id and m.is_active
        ),
        None,
    )


def _caller_number(caller: str) -> str | None:
    if not caller.startswith(CLIENT_PREFIX):
        return None
    try:
        return voice_identity_number(caller.removeprefix(CLIENT_PREFIX))
    except InvalidIdentity:
        return None


def _destination(to: str, allowed: frozenset[str], *, allow_voip: bool) -> str | Refusal:
    """The dialled number in E.164, or why it may not be dialled."""
    parsed = _parse(to)
    if parsed is None:
        return Refusal.INVALID_NUMBER
    kind = phonenumbers.number_type(parsed)
    if kind == PhoneNumberType.PREMIUM_RATE:
        return Refusal.PREMIUM_RATE
    if kind not in _DIALLABLE and not (allow_voip and kind == PhoneNumberType.VOIP):
        return Refusal.NUMBER_TYPE_NOT_ALLOWED
    if phonenumbers.region_code_for_number(parsed) not in allowed:
        return Refusal.COUNTRY_NOT_ALLOWED
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def _speakable(text: str) -> str:
    """The text without characters XML cannot carry (the admin refuses them; this keeps a
    greeting stored otherwise from breaking every unanswered call's TwiML)."""
    return _UNSPEAKABLE.sub(" ", text).strip()


def _e164(number: str) -> str | None:
    """A valid international number in E.164, or None."""
    parsed = _parse(number)
    return None if parsed is None else phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def _parse(number: str) -> phonenumbers.PhoneNumber | None:
    """A valid number written in international form (``+`` and country code), or None."""
    if not _INTERNATIONAL.match(number):
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def _countries_of(members: list[NumberHolder], organization_id: int) -> frozenset[str]:
    """The countries of the organization's members' numbers (a +1 number by its area code)."""
    numbers = [
        _parse(m.phone_number)
        for m in members
        if m.organization_id == organization_id and m.is_active
    ]
    return frozenset(phonenumbers.region_code_for_number(n) for n in numbers if n is not None)
