"""Run by the host's own interpreter: set up an organization and a member, get a token.

``python mint_token.py '<json>'`` with the organization's credentials and the member's number.
It gets the token through the host's URL with Django's test client and prints one JSON object:
the response, and where the apps were imported from.
"""

import importlib.util
import json
import os
import secrets
import sys

import django


def _member(organization, number: str):
    """A member of the organization with this number, however this host keeps numbers."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.create_user(username="ada", password="unused-password-1")
    if apps.is_installed("accounts"):
        from accounts.models import Line

        Line.objects.create(member=member, organization=organization, number=number)
    else:
        member.organization = organization
        member.twilio_phone_number = number
        member.save()
    return member


def _ring(organization, number: str) -> str:
    """The TwiML that a signed incoming call to the number gets from the host's webhook."""
    from django.test import Client
    from django.urls import reverse
    from twilio.request_validator import RequestValidator

    path = reverse("calls_webhooks:twilio-inbound")
    params = {"AccountSid": organization.twilio_account_sid, "To": number, "From": "+15005550006"}
    signature = RequestValidator(organization.twilio_auth_token.reveal()).compute_signature(
        f"http://testserver{path}", params
    )
    response = Client().post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    return response.content.decode()


def _where() -> dict:
    """Where the apps come from, and whether anything of this repository is in sight."""
    from django.conf import settings

    import calls
    import orgs

    return {
        "calls_file": calls.__file__,
        "orgs_file": orgs.__file__,
        "sys_path": sys.path,
        "tether_relay_importable": importlib.util.find_spec("tether_relay") is not None,
        "users_modules": sorted(m for m in sys.modules if m.partition(".")[0] == "users"),
        "user_model": settings.AUTH_USER_MODEL,
    }


def main(given: dict) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relay_host.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from rest_framework_simplejwt.tokens import AccessToken

    from orgs.models import Organization

    organization = Organization.objects.create(
        name="Host organization",
        twilio_account_sid=given["account_sid"],
        twilio_api_key_sid=given["api_key_sid"],
        twilio_api_key_secret=given["api_key_secret"],
        twilio_twiml_app_sid=given["twiml_app_sid"],
        twilio_auth_token=secrets.token_hex(16),
    )
    member = _member(organization, given["number"])
    url = reverse("calls:twilio-token")
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(member)}")
    user_fields = {f.name for f in get_user_model()._meta.get_fields()}
    return {
        "url": url,
        "status": response.status_code,
        "body": response.json(),
        "user_id": str(member.pk),
        "user_has_number_field": "twilio_phone_number" in user_fields,
        "inbound_twiml": _ring(organization, given["number"]),
        **_where(),
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
