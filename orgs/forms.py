"""The Organization admin form: secrets are write-only."""

from django import forms

from orgs.models import Organization
from orgs.validators import validate_api_key_secret

SECRET_FIELDS = {"twilio_api_key_secret": validate_api_key_secret}


def _clear_field(name: str) -> str:
    return f"clear_{name}"


class OrganizationAdminForm(forms.ModelForm):
    """Secrets are typed, never shown: blank keeps the stored value, a tick box removes it."""

    twilio_api_key_secret = forms.CharField(
        label="API key secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        validators=[validate_api_key_secret],
        help_text="Shown once by Twilio when the API key is made. Leave blank to keep the "
        "stored secret.",
    )
    clear_twilio_api_key_secret = forms.BooleanField(
        label="Remove the stored API key secret", required=False
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "twilio_account_sid",
            "twilio_api_key_sid",
            "twilio_api_key_secret",
            "twilio_twiml_app_sid",
            "twilio_token_ttl",
            "twilio_incoming_allow",
            "twilio_region",
            "twilio_push_credential_sid",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            # The stored value is never handed to a widget, not even a password input.
            self.initial.pop(name, None)

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if cleaned.get(_clear_field(name)):
                if cleaned.get(name):
                    self.add_error(name, "Either type a new secret or remove the stored one.")
                cleaned[name] = None
            elif not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        return cleaned
