"""Admin for users: Django's user admin plus organization and Twilio number."""

import re

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from users.models import User

_DIGITS = re.compile(r"\D")


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

    def get_search_results(self, request, queryset, search_term):
        """Numbers match however they are typed: "(416) 555-0100" finds +14165550100."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = _DIGITS.sub("", search_term)
        if len(digits) >= 4:
            results |= queryset.filter(twilio_phone_number__contains=digits)
        return results, may_have_duplicates
