"""Admin for organizations: Twilio credentials, with secrets write-only."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from orgs.conf import app_settings
from orgs.forms import SECRET_FIELDS, OrganizationAdminForm, clear_field
from orgs.models import Organization
from orgs.resolvers import members_get
from orgs.selectors import twilio_credentials_of
from orgs.twilio_api import ADMIN_BUDGET_SECONDS, deadline_after
from orgs.twilio_checks import twilio_credentials_verify
from orgs.twilio_setup import TwilioSetupRefused, twilio_voice_set_up


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


MEMBERS_SHOWN = 200


def _user_link(pk, name: str) -> str:
    opts = get_user_model()._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:  # the host does not show its users in this admin
        return name
    return format_html('<a href="{}">{}</a>', url, name)


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
    actions = ["set_up_twilio_voice", "verify_twilio_credentials"]
    readonly_fields = [
        "api_key_secret_status",
        "auth_token_status",
        "members",
        "created_at",
        "updated_at",
    ]
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
        (
            "Unanswered calls",
            {
                "description": "Calls from outside ring a member's softphone for the ring time. "
                "Unanswered, they go to the member's forwarding number when there is one, "
                "otherwise as chosen here.",
                "fields": [
                    "twilio_ring_seconds",
                    "twilio_unanswered",
                    "twilio_voicemail_greeting",
                    "twilio_voicemail_max_seconds",
                ],
            },
        ),
        ("Members", {"fields": ["members"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.viewer = request.user  # a class made for this request
        return form

    @admin.display(description="Members and their Twilio numbers")
    def members(self, obj: Organization | None) -> str:
        if obj is None or obj.pk is None:
            return "-"
        members = members_get(organization_id=obj.pk, limit=MEMBERS_SHOWN + 1)
        if not members:
            return "No members yet."
        rows = (
            (_user_link(pk, name), number or "no number", "" if active else " (inactive)")
            for pk, name, number, active in members[:MEMBERS_SHOWN]
        )
        listed = format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}{}</li>", rows))
        if len(members) > MEMBERS_SHOWN:
            return format_html(
                "{}<p>The first {} by name; search Users for the rest.</p>", listed, MEMBERS_SHOWN
            )
        return listed

    api_key_secret_status = _secret_status("twilio_api_key_secret")
    auth_token_status = _secret_status("twilio_auth_token")

    @admin.action(description="Verify Twilio credentials", permissions=["change"])
    def verify_twilio_credentials(self, request, queryset) -> None:
        """Ask Twilio about each selected organization; one message per organization."""
        http_client = app_settings.twilio_http_client()
        # One time budget for the page, whatever the selection: what it does not reach says so.
        deadline = deadline_after(ADMIN_BUDGET_SECONDS)
        for organization in queryset:
            report = twilio_credentials_verify(
                organization=organization, http_client=http_client, deadline=deadline
            )
            if not report.passed:
                level = messages.ERROR
            else:
                level = messages.WARNING if report.warnings else messages.SUCCESS
            self.message_user(request, report.summary(), level=level)

    @admin.action(description="Set up Twilio voice", permissions=["change"])
    def set_up_twilio_voice(self, request, queryset):
        """Show what would be created or changed in Twilio; on confirmation, do it."""
        apply = request.POST.get("confirm") == "yes"
        http_client = app_settings.twilio_http_client()
        deadline = deadline_after(ADMIN_BUDGET_SECONDS)
        plans = []
        for organization in queryset:
            try:
                report = twilio_voice_set_up(
                    organization=organization,
                    apply=apply,
                    http_client=http_client,
                    deadline=deadline,
                )
            except TwilioSetupRefused as refused:
                plans.append({"organization": str(organization), "refused": str(refused)})
                if apply:
                    self.message_user(request, str(refused), level=messages.ERROR)
                continue
            if apply:
                self.message_user(request, report.summary(), level=_level(report))
            plans.append({"organization": report.organization, "lines": report.lines()})
        if apply:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Set up Twilio voice",
            "opts": self.model._meta,
            "plans": plans,
            "queryset": queryset,
            "confirmable": any("lines" in plan for plan in plans),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/orgs/organization/set_up_twilio_voice.html", context
        )


def _level(report) -> int:
    if report.failed:
        return messages.ERROR
    return messages.WARNING if report.needs_attention else messages.SUCCESS
