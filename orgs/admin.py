"""Admin for organizations: Twilio credentials, with secrets write-only."""

from django.contrib import admin

from orgs.forms import OrganizationAdminForm
from orgs.models import Organization
from orgs.selectors import twilio_credentials_of


def _credential_column(name: str, label: str):
    @admin.display(description=label, boolean=True)
    def column(obj: Organization) -> bool:
        return not getattr(twilio_credentials_of(obj).missing, name)

    column.__name__ = f"has_{name}"
    return column


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
    ]
    search_fields = ["name", "twilio_account_sid"]
    readonly_fields = ["api_key_secret_status", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name"]}),
        (
            "Twilio credentials",
            {
                "description": "All four are needed before members can get a voice token.",
                "fields": [
                    "twilio_account_sid",
                    "twilio_api_key_sid",
                    "api_key_secret_status",
                    "twilio_api_key_secret",
                    "clear_twilio_api_key_secret",
                    "twilio_twiml_app_sid",
                ],
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
                ]
            },
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Stored API key secret")
    def api_key_secret_status(self, obj: Organization | None) -> str:
        return "Set" if obj and obj.twilio_api_key_secret else "Not set"
