"""The Organization: a tenant, with its Twilio credentials and voice options."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from orgs import validators
from orgs.countries import CountryCodesField
from orgs.fields import EncryptedTextField
from orgs.voice import (
    RING_SECONDS_DEFAULT,
    RING_SECONDS_MAX,
    RING_SECONDS_MIN,
    TOKEN_TTL_DEFAULT,
    TOKEN_TTL_MAX,
    TOKEN_TTL_MIN,
    VOICEMAIL_SECONDS_DEFAULT,
    VOICEMAIL_SECONDS_MAX,
    VOICEMAIL_SECONDS_MIN,
)


class TwilioRegion(models.TextChoices):
    """Twilio Regions a token may be pinned to (the token's ``twr`` header)."""

    US1 = "us1", "US1 (United States)"
    IE1 = "ie1", "IE1 (Ireland)"
    AU1 = "au1", "AU1 (Australia)"


def _push_credential_field(label: str, help_text: str) -> models.CharField:
    """An optional Twilio push Credential SID (``CR…``)."""
    return models.CharField(
        label,
        max_length=34,
        blank=True,
        validators=[validators.validate_push_credential_sid],
        help_text=help_text,
    )


class UnansweredCalls(models.TextChoices):
    """What a caller from outside gets when the member's softphone does not answer."""

    VOICEMAIL = "voicemail", "Voicemail: a greeting, then the caller may leave a message"
    HANG_UP = "hangup", "Hang up"


class Organization(models.Model):
    """A tenant. Its Twilio fields may stay blank until the organization sets Twilio up."""

    name = models.CharField(max_length=200)
    twilio_account_sid = models.CharField(
        "Account SID", max_length=34, blank=True, validators=[validators.validate_account_sid]
    )
    twilio_api_key_sid = models.CharField(
        "API key SID", max_length=34, blank=True, validators=[validators.validate_api_key_sid]
    )
    twilio_api_key_secret = EncryptedTextField("API key secret")
    twilio_twiml_app_sid = models.CharField(
        "TwiML App SID", max_length=34, blank=True, validators=[validators.validate_twiml_app_sid]
    )
    twilio_token_ttl = models.PositiveIntegerField(
        "token lifetime (seconds)",
        default=TOKEN_TTL_DEFAULT,
        validators=[MinValueValidator(TOKEN_TTL_MIN), MaxValueValidator(TOKEN_TTL_MAX)],
    )
    twilio_incoming_allow = models.BooleanField("allow incoming calls", default=True)
    twilio_region = models.CharField(
        "Twilio Region",
        max_length=8,
        blank=True,
        choices=TwilioRegion.choices,
        help_text="Leave blank for Twilio's default region (US1).",
    )
    twilio_push_credential_sid = _push_credential_field(
        "push credential SID",
        "The Credential that signs pushes for tokens asked for without a platform.",
    )
    twilio_push_credential_sid_ios = _push_credential_field(
        "iOS push credential SID",
        "APNs production Credential, for tokens asked for with platform=ios.",
    )
    twilio_push_credential_sid_ios_sandbox = _push_credential_field(
        "iOS sandbox push credential SID",
        "APNs sandbox Credential for development builds, with platform=ios-sandbox.",
    )
    twilio_push_credential_sid_android = _push_credential_field(
        "Android push credential SID",
        "FCM Credential, for tokens asked for with platform=android.",
    )
    twilio_auth_token = EncryptedTextField("Auth Token")
    twilio_allowed_countries = CountryCodesField(
        "allowed destination countries",
        max_length=750,
        blank=True,
        help_text="Countries softphones may call, as ISO codes separated by commas (CA, US). "
        "Blank: the countries of the members' own Twilio numbers.",
    )
    twilio_allow_voip = models.BooleanField(
        "allow calls to VoIP numbers",
        default=False,
        help_text="Numbers that libphonenumber classes as VoIP. Off by default: their rates "
        "and owners are hard to know, which toll fraud exploits.",
    )
    twilio_ring_seconds = models.PositiveSmallIntegerField(
        "ring time (seconds)",
        default=RING_SECONDS_DEFAULT,
        validators=[MinValueValidator(RING_SECONDS_MIN), MaxValueValidator(RING_SECONDS_MAX)],
        help_text="How long a member's softphone rings for a call before it counts as unanswered.",
    )
    twilio_unanswered = models.CharField(
        "when a call is not answered",
        max_length=16,
        choices=UnansweredCalls.choices,
        default=UnansweredCalls.VOICEMAIL,
        help_text="For calls from outside the organization. A member's forwarding number, when "
        "set, comes first.",
    )
    twilio_voicemail_greeting = models.CharField(
        "voicemail greeting",
        max_length=300,
        blank=True,
        validators=[validators.validate_spoken_text],
        help_text='Spoken before the beep. Blank: "The person you called is not available. '
        'Please leave a message after the tone."',
    )
    twilio_voicemail_max_seconds = models.PositiveSmallIntegerField(
        "longest voicemail (seconds)",
        default=VOICEMAIL_SECONDS_DEFAULT,
        validators=[
            MinValueValidator(VOICEMAIL_SECONDS_MIN),
            MaxValueValidator(VOICEMAIL_SECONDS_MAX),
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        # The voice webhooks find the organization by the AccountSid Twilio sends.
        indexes = [models.Index(fields=["twilio_account_sid"], name="orgs_org_account_sid_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    twilio_token_ttl__gte=TOKEN_TTL_MIN, twilio_token_ttl__lte=TOKEN_TTL_MAX
                ),
                name="orgs_organization_token_ttl_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    twilio_ring_seconds__gte=RING_SECONDS_MIN,
                    twilio_ring_seconds__lte=RING_SECONDS_MAX,
                ),
                name="orgs_organization_ring_seconds_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    twilio_voicemail_max_seconds__gte=VOICEMAIL_SECONDS_MIN,
                    twilio_voicemail_max_seconds__lte=VOICEMAIL_SECONDS_MAX,
                ),
                name="orgs_organization_voicemail_seconds_range",
            ),
            # One organization per Twilio account: the webhooks find the organization by the
            # AccountSid Twilio sends. Tenants that share a bill use Twilio subaccounts.
            models.UniqueConstraint(
                fields=["twilio_account_sid"],
                condition=~models.Q(twilio_account_sid=""),
                name="orgs_organization_account_sid_unique",
                violation_error_message="Another organization already uses this Account SID.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
