"""The User: Django's AbstractUser plus an organization and a Twilio phone number."""

from django.contrib.auth.models import AbstractUser
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

    def save(self, *args, **kwargs):
        # An unset number is NULL, never "", so that uniqueness applies only to set numbers.
        if not self.twilio_phone_number:
            self.twilio_phone_number = None
        super().save(*args, **kwargs)
