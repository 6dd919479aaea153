"""A host's own users: Member has no phone number; a Line holds it, with the organization."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Member(AbstractUser):
    """The host's user model, with nothing of Twilio on it."""


class Line(models.Model):
    """A member's Twilio number, kept in the host's own table."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="lines"
    )
    number = models.CharField(max_length=16, unique=True)

    def __str__(self) -> str:
        return self.number
