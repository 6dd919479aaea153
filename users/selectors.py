"""Read helpers for users, including the default caller resolver of the calls app."""

from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import connections, router
from django.dispatch import receiver

from orgs.resolvers import number_holders_of
from orgs.selectors import CREDENTIAL_FIELDS, twilio_credentials_from_row
from orgs.voice import NO_CREDENTIALS, NumberHolder, VoiceCaller
from users.models import User

_COLUMNS = (
    "pk",
    "is_active",
    "twilio_phone_number",
    "organization_id",
    *(f"organization__{name}" for name in CREDENTIAL_FIELDS),
)
_NUMBER_FIELD = User._meta.get_field("twilio_phone_number")
# The caller query's SQL per (database alias, vendor), compiled by the ORM on first use.
_compiled_sql: dict[tuple[str, str], str] = {}
# Distinct stored numbers whose E.164 form each process keeps (a few MB at most).
E164_CACHE_SIZE = 20_000


def voice_caller_get(*, user_id) -> VoiceCaller | None:
    """The caller with this primary key, with its organization's credentials, in one query.

    None when no such user exists (or the id cannot be one). The query is built by the ORM
    once and then only executed: building it was most of a token request's time. Nothing is
    cached but the SQL text, so every request reads the current rows.
    """
    alias = router.db_for_read(User)
    pk = _primary_key(user_id, alias)
    if pk is None:
        return None
    connection = connections[alias]
    # A backend that offers it (tether_relay.postgresql) plans the statement once per
    # connection: it runs on every token request.
    open_cursor = getattr(connection, "prepared_cursor", connection.cursor)
    with open_cursor() as cursor:
        cursor.execute(_caller_sql(alias), [pk])
        row = cursor.fetchone()
    return None if row is None else _caller_from_row(row)


def _primary_key(user_id, alias: str) -> int | None:
    """The value the ORM would look the id up by, or None where its lookup finds no row."""
    field = User._meta.pk
    try:
        pk = field.get_prep_value(user_id)
    except (ValueError, TypeError, ValidationError):
        return None
    if pk is None:  # the ORM reads ``pk=None`` as IS NULL, which no row matches
        return None
    low, high = connections[alias].ops.integer_field_range(field.get_internal_type())
    # Out of the column's range the ORM answers "no such row" without asking the database.
    if (low is not None and pk < low) or (high is not None and pk > high):
        return None
    return pk


def _caller_sql(alias: str) -> str:
    key = (alias, connections[alias].vendor)
    if key not in _compiled_sql:
        query = User.objects.using(alias).filter(pk=0).values_list(*_COLUMNS).query
        sql, params = query.get_compiler(using=alias).as_sql()
        if list(params) != [0]:
            raise RuntimeError(f"The caller query has unexpected parameters: {params!r}")
        _compiled_sql[key] = sql
    return _compiled_sql[key]


def _caller_from_row(row) -> VoiceCaller:
    pk, is_active, number, organization_id, *credentials = row
    return VoiceCaller(
        user_id=str(pk),
        is_active=bool(is_active),  # SQLite returns 0 or 1
        phone_number=_e164(number),
        organization_id=str(organization_id) if organization_id else None,
        credentials=(
            twilio_credentials_from_row(credentials) if organization_id else NO_CREDENTIALS
        ),
    )


def _e164(stored: str | None) -> str | None:
    """The stored number as the model field reads it, in E.164; None when unset.

    Any non-empty string parses to a truthy number, so testing the string is the same test as
    testing the parsed number, without the validation that ``bool()`` of a number runs.
    """
    if not stored:
        return None
    return _e164_of(stored)


@lru_cache(maxsize=E164_CACHE_SIZE)
def _e164_of(stored: str) -> str:
    """The field's parse of a stored text, remembered: it depends on the text alone (and the
    default region, on whose change every parse is forgotten), and costs more than the caller
    query itself. Nothing about a user is kept: a changed number is a new text, parsed on the
    very request that reads it."""
    return _NUMBER_FIELD.from_db_value(stored, None, None).as_e164


@receiver(setting_changed)
def _forget_parsed_numbers(*, setting: str, **kwargs) -> None:
    if setting.startswith("PHONENUMBER_"):
        _e164_of.cache_clear()


def number_holders_get(
    *, phone_number: str, with_numbers_of: int | None = None
) -> list[NumberHolder]:
    """The user who holds this E.164 number, if any, in one query.

    With ``with_numbers_of`` (an organization's id), also every active member of that
    organization who holds a number. The default CALLS_NUMBER_HOLDERS_RESOLVER.
    """
    return number_holders_of(
        User,
        organization_field="organization",
        number_field="twilio_phone_number",
        forwarding_field="forwarding_number",
        phone_number=phone_number,
        with_numbers_of=with_numbers_of,
    )
