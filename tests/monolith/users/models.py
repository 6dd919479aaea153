"""The monolith's user: signs in with an email address; belongs to an organization."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from orgs.validators import validate_e164


class UserManager(BaseUserManager):
    """Users made from an email address and a password."""

    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    twilio_number = models.CharField(
        "Twilio number",
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_e164],
        help_text="In E.164, such as +14165550100.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()
