"""Where a call goes: the decisions of the two voice webhooks, without HTTP or TwiML."""

import re
from dataclasses import dataclass
from enum import Enum

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from calls.conf import app_settings
from calls.identity import InvalidIdentity, voice_identity, voice_identity_number
from calls.webhooks.exceptions import WebhookForbidden
from calls.webhooks.selectors import WebhookOrganization
from orgs.countries import country_codes_parse
from orgs.voice import NumberHolder

CLIENT_PREFIX = "client:"  # how Twilio names a softphone in From: client:<identity>
# A + and digits, perhaps grouped as people write them; phonenumbers alone would also find a
# number inside other text ("client:+1416...", "tel:+1416...") or spell out letters.
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


@dataclass(frozen=True, slots=True)
class DialNumber:
    """Connect the softphone to a phone number, showing the caller's own number."""

    number: str
    caller_id: str


@dataclass(frozen=True, slots=True)
class DialClient:
    """Ring the softphone registered under this identity."""

    identity: str


def outbound_call_route(
    *, organization: WebhookOrganization, caller: str, to: str
) -> DialNumber | Refusal:
    """Dial ``to`` from the caller's own number, or the reason not to.

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
    allowed = frozenset(listed) or _countries_of(members, organization.id)
    destination = _destination(to, allowed, allow_voip=organization.allow_voip)
    if isinstance(destination, Refusal):
        return destination
    return DialNumber(number=destination, caller_id=member.phone_number)


def inbound_call_route(*, organization: WebhookOrganization, to: str) -> DialClient | Refusal:
    """Ring the active member of the organization who holds the called number ``to``."""
    if not organization.incoming_allow:
        return Refusal.INCOMING_OFF
    parsed = _parse(to)
    if parsed is None:
        return Refusal.NO_ONE_HERE
    number = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    owner = next(iter(app_settings.number_holders_resolver(phone_number=number)), None)
    if owner is None or owner.organization_id != organization.id or not owner.is_active:
        return Refusal.NO_ONE_HERE
    return DialClient(identity=voice_identity(owner.phone_number))


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
