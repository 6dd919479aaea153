"""The Organization admin form: secrets are write-only."""

import types
from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from orgs.models import Organization
from orgs.validators import validate_api_key_secret, validate_auth_token


@dataclass(frozen=True, slots=True)
class Secret:
    """How the admin asks for one encrypted field: its label, format check and hint."""

    label: str
    validator: Callable[[str], None]
    help_text: str


SECRET_FIELDS = {
    "twilio_api_key_secret": Secret(
        label="API key secret",
        validator=validate_api_key_secret,
        help_text="Shown once by Twilio when the API key is made.",
    ),
    "twilio_auth_token": Secret(
        label="Auth Token",
        validator=validate_auth_token,
        help_text="In the Twilio Console under Account info. The voice webhooks check Twilio's "
        "signatures with it.",
    ),
}


def clear_field(name: str) -> str:
    """The name of the tick box that removes the stored value of a secret field."""
    return f"clear_{name}"


def _secret_inputs() -> dict[str, forms.Field]:
    declared = {}
    for name, secret in SECRET_FIELDS.items():
        declared[name] = forms.CharField(
            label=secret.label,
            required=False,
            strip=True,
            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
            validators=[secret.validator],
            help_text=f"{secret.help_text} Leave blank to keep the stored value.",
        )
        declared[clear_field(name)] = forms.BooleanField(
            label=f"Remove the stored {secret.label}", required=False
        )
    return declared


def _declare_secret_inputs(body: dict) -> None:
    body["__module__"] = __name__
    body["__doc__"] = "A password input and a removal tick box for each of SECRET_FIELDS."
    body.update(_secret_inputs())


# Declared fields must exist when the class is made: the admin's fieldsets name the tick boxes.
SecretInputs = types.new_class("SecretInputs", (forms.Form,), exec_body=_declare_secret_inputs)


class OrganizationAdminForm(forms.ModelForm, SecretInputs):
    """Secrets are typed, never shown: blank keeps the stored value, a tick box removes it."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "twilio_account_sid",
            "twilio_api_key_sid",
            "twilio_api_key_secret",
            "twilio_twiml_app_sid",
            "twilio_auth_token",
            "twilio_token_ttl",
            "twilio_incoming_allow",
            "twilio_region",
            "twilio_push_credential_sid",
            "twilio_push_credential_sid_ios",
            "twilio_push_credential_sid_ios_sandbox",
            "twilio_push_credential_sid_android",
            "twilio_allowed_countries",
            "twilio_allow_voip",
            "twilio_ring_seconds",
            "twilio_unanswered",
            "twilio_voicemail_greeting",
            "twilio_voicemail_max_seconds",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            # The stored value is never handed to a widget, not even a password input.
            self.initial.pop(name, None)

    viewer = None  # the admin's user, set by the ModelAdmin: may they see other organizations?

    def clean_twilio_account_sid(self) -> str:
        """One organization per Account SID; the other one is named to those who may see it."""
        sid = self.cleaned_data["twilio_account_sid"]
        if not sid:
            return sid
        other = (
            Organization.objects.filter(twilio_account_sid=sid)
            .exclude(pk=self.instance.pk)
            .only("name")
            .first()
        )
        if other is None:
            return sid
        if self.viewer is not None and self.viewer.has_perm("orgs.view_organization"):
            raise forms.ValidationError(
                f"Organization “{other.name}” already uses this Account SID. Each organization "
                "needs its own Twilio account; use a subaccount for tenants that share a bill.",
                code="account_sid_taken",
            )
        raise forms.ValidationError(
            "Another organization already uses this Account SID. Each organization needs its "
            "own Twilio account; use a subaccount for tenants that share a bill.",
            code="account_sid_taken",
        )

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if cleaned.get(clear_field(name)):
                if cleaned.get(name):
                    self.add_error(name, "Either type a new value or remove the stored one.")
                cleaned[name] = None
            elif not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        return cleaned
