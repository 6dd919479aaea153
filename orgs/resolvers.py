"""Resolvers for a host whose own user model says where the organization and number are.

For a project that keeps its own ``AUTH_USER_MODEL`` instead of the bundled ``users`` app::

    CALLS_CALLER_RESOLVER = "orgs.resolvers.voice_caller_get"
    CALLS_NUMBER_HOLDERS_RESOLVER = "orgs.resolvers.number_holders_get"
    ORGS_USER_ORGANIZATION_FIELD = "organization"   # a ForeignKey to orgs.Organization
    ORGS_USER_NUMBER_FIELD = "twilio_number"        # the user's Twilio number, E.164

Both fields are lookups from the user model, so they may cross relations
(``profile__organization``, ``line__number``). Each resolver is one query.
"""

from django.contrib.auth import get_user_model
from django.core.checks import Error
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q

from orgs.conf import app_settings
from orgs.models import Organization
from orgs.selectors import CREDENTIAL_FIELDS
from orgs.voice import NO_CREDENTIALS, NumberHolder, TwilioCredentials, VoiceCaller


def voice_caller_get(*, user_id) -> VoiceCaller | None:
    """The user with this primary key, its number and its organization's credentials.

    None when no such user exists or the id cannot be one of the user model's keys.
    """
    model = get_user_model()
    organization = app_settings.USER_ORGANIZATION_FIELD
    columns = (
        "pk",
        _active_column(model),
        app_settings.USER_NUMBER_FIELD,
        f"{organization}__pk",
        *(f"{organization}__{name}" for name in CREDENTIAL_FIELDS),
    )
    try:
        rows = list(model._default_manager.filter(pk=user_id).values_list(*columns)[:1])
    except (ValueError, TypeError, ValidationError):
        return None
    if not rows:
        return None
    pk, is_active, number, organization_id, *credentials = rows[0]
    return VoiceCaller(
        user_id=str(pk),
        is_active=bool(is_active),
        phone_number=_stored_number(number),
        organization_id=None if organization_id is None else str(organization_id),
        credentials=NO_CREDENTIALS if organization_id is None else TwilioCredentials(*credentials),
    )


def number_holders_get(
    *, phone_number: str, with_numbers_of: int | None = None
) -> list[NumberHolder]:
    """The user who holds this E.164 number and, with ``with_numbers_of`` (an organization's
    id), every active member of that organization who holds one."""
    return number_holders_of(
        get_user_model(),
        organization_field=app_settings.USER_ORGANIZATION_FIELD,
        number_field=app_settings.USER_NUMBER_FIELD,
        forwarding_field=app_settings.USER_FORWARDING_NUMBER_FIELD or None,
        phone_number=phone_number,
        with_numbers_of=with_numbers_of,
    )


def number_holders_of(
    model: type[Model],
    *,
    organization_field: str,
    number_field: str,
    phone_number: str,
    with_numbers_of: int | None,
    forwarding_field: str | None = None,
) -> list[NumberHolder]:
    """``number_holders_get`` for any user model and field lookups, in one query.

    ``forwarding_field``, when given, is the lookup to the user's forwarding number.
    """
    active = _active_column(model)
    wanted = Q(**{number_field: phone_number})
    if with_numbers_of is not None:
        members = Q(
            **{f"{organization_field}__pk": with_numbers_of, f"{number_field}__isnull": False}
        )
        if active == "is_active":
            members &= Q(is_active=True)
        wanted |= members
    columns = ["pk", f"{organization_field}__pk", active, number_field]
    if forwarding_field:
        columns.append(forwarding_field)
    rows = model._default_manager.filter(wanted).values_list(*columns)
    return [
        NumberHolder(
            pk,
            organization,
            active == "pk" or bool(is_active),
            e164,
            _stored_number(forwarding[0]) if forwarding else None,
        )
        for pk, organization, is_active, number, *forwarding in rows
        if (e164 := _stored_number(number))
    ]


def _active_column(model: type[Model]) -> str:
    """``is_active`` where the user model stores it; otherwise every user is active.

    ``pk`` stands in for a column that is always there and always true.
    """
    try:
        model._meta.get_field("is_active")
    except FieldDoesNotExist:
        return "pk"
    return "is_active"


def _stored_number(number) -> str | None:
    """A stored number as text (phonenumber_field's PhoneNumber as E.164); None if unset.

    Not reformatted: the webhooks look numbers up as stored, so a number the token endpoint
    fixed up would mint a token whose identity no incoming call ever rings. A number that is
    not E.164 is refused (and logged) where the token is minted; ``validate_e164`` keeps such
    numbers out of the host's field.
    """
    if not number:
        return None
    return getattr(number, "as_e164", None) or str(number)


def user_field_errors() -> list[Error]:
    """ORGS_USER_ORGANIZATION_FIELD and ORGS_USER_NUMBER_FIELD are lookups the user model has.

    Each must reach one value per user: a lookup through a many-valued relation (a reverse
    foreign key, a many-to-many) would pick one of several numbers, and calls to the others
    would ring an identity no token carries. Run by the calls app's checks when a resolver of
    this module is configured.
    """
    model = get_user_model()
    errors = []
    for setting, lookup, wanted, example in (
        ("ORGS_USER_ORGANIZATION_FIELD", app_settings.USER_ORGANIZATION_FIELD, Organization,
         "'organization' or 'profile__organization'"),
        ("ORGS_USER_NUMBER_FIELD", app_settings.USER_NUMBER_FIELD, None,
         "'twilio_number' or 'profile__twilio_number'"),
        ("ORGS_USER_FORWARDING_NUMBER_FIELD", app_settings.USER_FORWARDING_NUMBER_FIELD, None,
         "'forwarding_number', or blank for none"),
    ):  # fmt: skip
        if setting == "ORGS_USER_FORWARDING_NUMBER_FIELD" and lookup == "":
            continue  # optional: blank means the users have no forwarding number
        problem = _lookup_problem(model, lookup, wanted)
        if problem:
            errors.append(
                Error(
                    f"{setting} {lookup!r} {problem} (from {model._meta.label}).",
                    hint=f"Set it to a lookup from your AUTH_USER_MODEL that reaches one value "
                    f"per user, such as {example} (README: Mounting in your project).",
                    id="orgs.E004",
                )
            )
    return errors


def _lookup_problem(model: type[Model], lookup, wanted: type[Model] | None) -> str | None:
    if not isinstance(lookup, str) or not lookup:
        return "is not a field lookup"
    field = None
    for part in lookup.split("__"):
        if field is not None:
            if not field.is_relation:
                return f"goes through {field.name!r}, which is not a relation,"
            if field.many_to_many or field.one_to_many:
                return f"goes through {field.name!r}, which may hold several rows per user,"
            model = field.related_model
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return f"names no field {part!r} of {model._meta.label}"
    if field.many_to_many or field.one_to_many:
        return f"ends in {field.name!r}, which may hold several rows per user"
    if wanted is not None and (not field.is_relation or field.related_model is not wanted):
        return f"does not end in a relation to {wanted._meta.label}"
    if wanted is None and field.is_relation:
        return "ends in a relation, not in the number's own field"
    return None


def member_numbers_get(*, organization_id) -> list[str]:
    """The Twilio numbers of the organization's active members, as stored; one query."""
    model = get_user_model()
    number_field = app_settings.USER_NUMBER_FIELD
    members = Q(
        **{
            f"{app_settings.USER_ORGANIZATION_FIELD}__pk": organization_id,
            f"{number_field}__isnull": False,
        }
    )
    if _active_column(model) == "is_active":
        members &= Q(is_active=True)
    numbers = model._default_manager.filter(members).values_list(number_field, flat=True)
    return sorted({e164 for number in numbers if (e164 := _stored_number(number))})


def members_get(*, organization_id, limit: int) -> list[tuple[object, str, str | None, bool]]:
    """The organization's first members by name: primary key, name, number as stored, and
    whether active; one query."""
    model = get_user_model()
    active = _active_column(model)
    rows = (
        model._default_manager.filter(
            **{f"{app_settings.USER_ORGANIZATION_FIELD}__pk": organization_id}
        )
        .order_by(model.USERNAME_FIELD)
        .values_list("pk", model.USERNAME_FIELD, app_settings.USER_NUMBER_FIELD, active)[:limit]
    )
    return [
        (pk, str(name), _stored_number(number), active == "pk" or bool(is_active))
        for pk, name, number, is_active in rows
    ]
