"""The monolith's user admin, with the README's lines that link users to Twilio voice."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from users.models import User


@admin.register(User)
class MonolithUserAdmin(UserAdmin):
    ordering = ["email"]
    search_fields = ["email", "first_name", "last_name", "twilio_number"]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        # Tether Relay voice: who the user calls as, and whose Twilio account.
        ("Voice", {"fields": ["organization", "twilio_number"]}),
    ]
    list_display = ["email", "organization", "twilio_number", "is_active"]
    list_filter = [*UserAdmin.list_filter, "organization"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
