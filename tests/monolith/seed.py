"""Run by the monolith's own interpreter after ``migrate``: an organization and a member.

``python seed.py '<json>'`` with the organization's credentials and the member's number and
password. It also opens the member in the monolith's admin, as a superuser would, and prints
one JSON object.
"""

import json
import os
import sys

import django


def main(given: dict) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monolith.settings")
    django.setup()
    from django.test import Client

    from orgs.models import Organization
    from users.models import User

    organization = Organization.objects.create(
        name="Monolith organization",
        twilio_account_sid=given["account_sid"],
        twilio_api_key_sid=given["api_key_sid"],
        twilio_api_key_secret=given["api_key_secret"],
        twilio_twiml_app_sid=given["twiml_app_sid"],
        twilio_auth_token=given["auth_token"],
        twilio_token_ttl=given["ttl"],
    )
    member = User.objects.create_user(
        given["email"],
        given["password"],
        organization=organization,
        twilio_number=given["number"],
    )
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin@example.com", "unused-password-1"))
    change = admin.get(f"/admin/users/user/{member.pk}/change/")
    listing = admin.get("/admin/users/user/")
    return {
        "user_id": str(member.pk),
        "admin_change_status": change.status_code,
        "admin_change_has_voice_fields": all(
            f'name="{name}"' in change.content.decode()
            for name in ("organization", "twilio_number")
        ),
        "admin_list_status": listing.status_code,
        "admin_list_shows_number": given["number"] in listing.content.decode(),
        "users_app_file": sys.modules["users"].__file__,
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
