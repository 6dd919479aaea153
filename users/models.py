"""The User: Django's AbstractUser plus an organization and a Twilio phone number."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField


class User(AbstractUser):
    """A member of at most one organization, with at most one Twilio number of its own."""

    organization = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    twilio_phone_number = PhoneNumberField(
        "Twilio phone number",
        null=True,
        blank=True,
        unique=True,
        help_text="In international format, for example +1 416 555 0100. Stored as E.164.",
    )

    forwarding_number = PhoneNumberField(
        "forwarding number",
        null=True,
        blank=True,
        help_text="Calls from outside that the softphone does not answer go here instead of "
        "voicemail, for example a mobile phone. In international format; it must be a number "
        "the organization allows softphones to call.",
    )

    def clean(self):
        super().clean()
        if not self.forwarding_number:
            return
        # Imported here: the calls app's webhooks need this module's model loaded first.
        from calls.webhooks.services import forwarding_number_problem

        problem = forwarding_number_problem(
            self.forwarding_number.as_e164,
            organization_id=self.organization_id,
            own_number=self.twilio_phone_number.as_e164 if self.twilio_phone_number else None,
        )
        if problem:
            raise ValidationError({"forwarding_number": problem})

    def save(self, *args, **kwargs):
        # An unset number is NULL, never "", so that uniqueness applies only to set numbers.
        if not self.twilio_phone_number:
            self.twilio_phone_number = None
        if not self.forwarding_number:
            self.forwarding_number = None
        super().save(*args, **kwargs)
