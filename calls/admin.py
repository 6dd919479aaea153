"""Admin for the call log: read-only, searchable by number; only retention deletes records."""

import re

from django.contrib import admin
from django.db.models import Q

from calls.models import Call

_DIGITS = re.compile(r"\D")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """The webhooks write the log and ``manage.py delete_old_calls`` prunes it: here it is
    only read, so that what staff see is what Twilio reported."""

    list_display = [
        "started_at",
        "user",
        "direction",
        "way",
        "other_party",
        "status",
        "was_missed",
        "duration",
        "has_voicemail",
        "organization",
    ]
    list_filter = [
        "organization",
        "direction",
        "status",
        ("started_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["user", "organization"]
    search_fields = ["other_party", "forwarded_to", "call_sid"]
    search_help_text = "A number, however it is written (+1 416 555 0100), or a Call SID."
    fieldsets = [
        (None, {"fields": ["call_sid", "parent_call_sid", "organization", "user"]}),
        ("Call", {"fields": ["direction", "incoming", "other_party", "status", "forwarded_to"]}),
        ("Times", {"fields": ["started_at", "answered_at", "ended_at", "duration"]}),
        ("Voicemail", {"fields": ["voicemail_sid", "voicemail_duration"]}),
    ]

    @admin.display(description="In/out", ordering="incoming")
    def way(self, call: Call) -> str:
        return "Incoming" if call.incoming else "Outgoing"

    @admin.display(description="Missed", boolean=True)
    def was_missed(self, call: Call) -> bool:
        return call.missed

    @admin.display(description="Voicemail", boolean=True, ordering="voicemail_sid")
    def has_voicemail(self, call: Call) -> bool:
        return bool(call.voicemail_sid)

    def get_search_results(self, request, queryset, search_term):
        """Numbers match however they are typed: "(416) 555-0100" finds +14165550100."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A national form's trunk 0 ("020 7183 8750") is not in the stored E.164.
        digits = _DIGITS.sub("", search_term).lstrip("0")
        if len(digits) >= 4:
            results |= queryset.filter(
                Q(other_party__contains=digits) | Q(forwarded_to__contains=digits)
            )
        return results, may_have_duplicates

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
