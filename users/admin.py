"""Admin for users: Django's user admin plus organization and Twilio number."""

import re
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from orgs.models import Organization
from orgs.twilio_numbers import account_numbers_get
from orgs.widgets import NumberPickerInput
from users.models import User

_DIGITS = re.compile(r"\D")
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
        ("Tether Relay", {"fields": ["organization", "twilio_phone_number"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("Tether Relay", {"fields": ["organization", "twilio_phone_number"]}),
    ]

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
        digits = _DIGITS.sub("", search_term)
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
