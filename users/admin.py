"""Admin for users: Django's user admin plus organization, numbers and recent calls."""

import re
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from orgs.models import Organization
from orgs.twilio_numbers import account_numbers_get
from orgs.widgets import NumberPickerInput
from users.models import User

_DIGITS = re.compile(r"\D")
_TETHER_RELAY_FIELDS = ["organization", "twilio_phone_number", "forwarding_number"]
RECENT_CALLS_SHOWN = 10
_CALLS_TABLE = (
    "<table><thead><tr><th>Started</th><th>Direction</th><th>Other party</th><th>Status</th>"
    "<th>Duration (seconds)</th><th>Voicemail</th></tr></thead><tbody>{}</tbody></table>{}"
)
_CALL_ROW = "<tr>" + "<td>{}</td>" * 6 + "</tr>"
# What a voice token was minted with: while it lives, changing these does not reach it.
_TOKEN_FIELDS = {"twilio_phone_number", "organization", "is_active"}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "organization", "twilio_phone_number", "is_active"]
    list_filter = [*DjangoUserAdmin.list_filter, "organization"]
    list_select_related = ["organization"]
    search_fields = [
        *DjangoUserAdmin.search_fields,
        "organization__name",
        "twilio_phone_number",
    ]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Tether Relay", {"fields": _TETHER_RELAY_FIELDS}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("Tether Relay", {"fields": _TETHER_RELAY_FIELDS}),
    ]
    readonly_fields = ["recent_calls"]

    def get_fieldsets(self, request, obj=None):
        """A member's page ends with their recent calls, for those who may see the call log."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.has_perm("calls.view_call"):
            return fieldsets
        return [*fieldsets, ("Calls", {"fields": ["recent_calls"]})]

    @admin.display(description="Recent calls")
    def recent_calls(self, user: User) -> str:
        """The member's last calls, newest first: one query however many they made."""
        calls = list(user.voice_calls.all()[:RECENT_CALLS_SHOWN])
        if not calls:
            return "No calls yet."
        rows = format_html_join("", _CALL_ROW, (_call_cells(call) for call in calls))
        return format_html(_CALLS_TABLE, rows, _calls_link(user))

    def get_form(self, request, obj=None, **kwargs):
        """On a member's page, the number box offers the numbers of the organization's Twilio
        account (asked of Twilio, kept for a minute) to those who may see the organization; any
        number may still be typed."""
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("twilio_phone_number")
        if (
            field is None
            or obj is None
            or obj.organization is None
            or request.method != "GET"  # a save needs no suggestions
            or not request.user.has_perm("orgs.view_organization")
        ):
            return form
        numbers = account_numbers_get(organization=obj.organization)
        if numbers is None:
            field.help_text = (
                "The numbers of the organization's Twilio account could not be fetched; type "
                "the number in E.164 (+14165550100)."
            )
        else:
            field.widget = NumberPickerInput(numbers, attrs=field.widget.attrs)
            # The admin shows help text as HTML: the organization's name is escaped here.
            field.help_text = format_html(
                "One of the {} numbers of {}'s Twilio account, or type another in E.164.",
                len(numbers),
                obj.organization,
            )
        return form

    def get_search_results(self, request, queryset, search_term):
        """Numbers match however they are typed: "(416) 555-0100" finds +14165550100."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A national form's trunk 0 ("020 7183 8750") is not in the stored E.164.
        digits = _DIGITS.sub("", search_term).lstrip("0")
        if len(digits) >= 4:
            results |= queryset.filter(twilio_phone_number__contains=digits)
        return results, may_have_duplicates

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and _TOKEN_FIELDS & set(form.changed_data):
            self._warn_about_live_tokens(request, obj, form)

    def _warn_about_live_tokens(self, request, user: User, form) -> None:
        """Twilio cannot revoke an access token: say until when the old ones keep working."""
        previous = form.initial.get("organization")
        if previous is None:  # no organization before: no token could have been minted
            return
        ttl = (
            Organization.objects.filter(pk=previous)
            .values_list("twilio_token_ttl", flat=True)
            .first()
        )
        if ttl is None:
            return
        until = timezone.localtime(timezone.now() + timedelta(seconds=ttl))
        messages.warning(
            request,
            f"Voice tokens already given to {user} keep working until "
            f"{date_format(until, 'DATETIME_FORMAT')} at the latest (the organization's token "
            f"lifetime, {ttl} seconds): Twilio cannot revoke them, so the old softphone can "
            "still place and receive calls as before until then.",
        )


def _call_cells(call) -> tuple:
    """The cells of one row of the recent calls, each escaped by format_html_join."""
    return (
        date_format(timezone.localtime(call.started_at), "SHORT_DATETIME_FORMAT"),
        call.get_direction_display(),
        call.other_party or "Unknown",
        call.get_status_display(),
        call.duration,
        "Yes" if call.voicemail_sid else "No",
    )


def _calls_link(user: User) -> str:
    """A link to all the member's calls in the call log's admin, where that admin is shown."""
    try:
        url = reverse("admin:calls_call_changelist")
    except NoReverseMatch:
        return ""
    return format_html(
        '<p><a href="{}?{}">All calls of {}</a></p>',
        url,
        urlencode({"user__id__exact": user.pk}),
        user,
    )
