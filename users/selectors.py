"""Read helpers for users, including the default caller resolver of the calls app."""

from django.core.exceptions import ValidationError

from orgs.selectors import twilio_credentials_of
from orgs.voice import VoiceCaller
from users.models import User


def voice_caller_get(*, user_id) -> VoiceCaller | None:
    """The caller with this primary key, with its organization's credentials, in one query.

    None when no such user exists (or the id cannot be one).
    """
    try:
        user = User.objects.select_related("organization").get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError, ValidationError):
        return None
    number = user.twilio_phone_number
    return VoiceCaller(
        user_id=str(user.pk),
        is_active=user.is_active,
        phone_number=number.as_e164 if number else None,
        organization_id=str(user.organization_id) if user.organization_id else None,
        credentials=twilio_credentials_of(user.organization),
    )
