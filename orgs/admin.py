"""Admin for organizations: Twilio credentials, with secrets write-only."""

from django.contrib import admin, messages

from orgs.conf import app_settings
from orgs.forms import SECRET_FIELDS, OrganizationAdminForm, clear_field
from orgs.models import Organization
from orgs.selectors import twilio_credentials_of
from orgs.twilio_checks import twilio_credentials_verify


def _credential_column(name: str, label: str):
    @admin.display(description=label, boolean=True)
    def column(obj: Organization) -> bool:
        return not getattr(twilio_credentials_of(obj).missing, name)

    column.__name__ = f"has_{name}"
    return column


def _set_column(field: str, label: str):
    @admin.display(description=label, boolean=True)
    def column(obj: Organization) -> bool:
        return bool(getattr(obj, field))

    column.__name__ = f"has_{field}"
    return column


def _secret_status(name: str):
    @admin.display(description=f"Stored {SECRET_FIELDS[name].label}")
    def status(self, obj: Organization | None) -> str:
        return "Set" if obj and getattr(obj, name) else "Not set"

    return status


def _secret_fields(name: str, status: str) -> list[str]:
    return [status, name, clear_field(name)]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = [
        "name",
        _credential_column("account_sid", "Account SID"),
        _credential_column("api_key_sid", "API key SID"),
        _credential_column("api_key_secret", "API key secret"),
        _credential_column("twiml_app_sid", "TwiML App SID"),
        "twilio_region",
        _set_column("twilio_push_credential_sid_ios", "iOS push"),
        _set_column("twilio_push_credential_sid_ios_sandbox", "iOS sandbox push"),
        _set_column("twilio_push_credential_sid_android", "Android push"),
    ]
    search_fields = ["name", "twilio_account_sid"]
    actions = ["verify_twilio_credentials"]
    readonly_fields = ["api_key_secret_status", "auth_token_status", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (
            "Twilio credentials",
            {
                "description": "All four are needed before members can get a voice token.",
                "fields": [
                    "twilio_account_sid",
                    "twilio_api_key_sid",
                    *_secret_fields("twilio_api_key_secret", "api_key_secret_status"),
                    "twilio_twiml_app_sid",
                ],
            },
        ),
        (
            "Account Auth Token",
            {
                "description": "Needed for calls: the voice webhooks refuse every request "
                "until it is set. Voice tokens never use it; the credential check does, to "
                "confirm the account.",
                "fields": _secret_fields("twilio_auth_token", "auth_token_status"),
            },
        ),
        (
            "Voice options",
            {
                "fields": [
                    "twilio_token_ttl",
                    "twilio_incoming_allow",
                    "twilio_region",
                    "twilio_push_credential_sid",
                    "twilio_push_credential_sid_ios",
                    "twilio_push_credential_sid_ios_sandbox",
                    "twilio_push_credential_sid_android",
                    "twilio_allowed_countries",
                    "twilio_allow_voip",
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.viewer = request.user  # a class made for this request
        return form

    api_key_secret_status = _secret_status("twilio_api_key_secret")
    auth_token_status = _secret_status("twilio_auth_token")

    @admin.action(description="Verify Twilio credentials", permissions=["change"])
    def verify_twilio_credentials(self, request, queryset) -> None:
        """Ask Twilio about each selected organization; one message per organization."""
        http_client = app_settings.twilio_http_client()
        for organization in queryset:
            report = twilio_credentials_verify(organization=organization, http_client=http_client)
            level = messages.SUCCESS if report.passed else messages.ERROR
            self.message_user(request, report.summary(), level=level)
