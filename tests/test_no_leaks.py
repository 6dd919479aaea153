"""Nothing leaks: no secret, Auth Token or minted token in any response, header or log line."""

import logging

import pytest
from django.urls import reverse

from orgs.crypto import SecretDecryptionError
from orgs.models import Organization
from tests.conftest import TOKEN_URL
from tests.hostile import CASES, World
from users.models import User

pytestmark = pytest.mark.django_db


def _admin_urls() -> list[str]:
    urls = [
        reverse("admin:orgs_organization_changelist"),
        reverse("admin:orgs_organization_add"),
        reverse("admin:users_user_changelist"),
    ]
    for org in Organization.objects.all():
        urls.append(reverse("admin:orgs_organization_change", args=[org.pk]))
        urls.append(reverse("admin:orgs_organization_history", args=[org.pk]))
    for user in User.objects.all():
        urls.append(reverse("admin:users_user_change", args=[user.pk]))
    return urls


def _said(response) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return f"{headers}\n{response.content.decode(errors='replace')}"


def _secrets() -> list[str]:
    values = []
    for org in Organization.objects.all():
        for sealed in (org.twilio_api_key_secret, org.twilio_auth_token):
            if sealed is None:
                continue
            values.append(sealed.ciphertext)
            try:
                values.append(sealed.reveal())
            except SecretDecryptionError:  # a legacy row under a lost key
                continue
    return values


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_hostile_table_and_admin_pages_leak_nothing(api_client, admin_client, caplog, settings):
    settings.CALLS_TOKEN_THROTTLE_RATE = "10000/minute"
    caplog.set_level(logging.DEBUG)
    world = World.seed()
    said, minted = [], []
    for case in CASES:
        response = getattr(api_client, case.method)(TOKEN_URL, **case.request(world))
        if response.status_code == 200:
            minted.append(response.json()["token"])
            said.append(_said(response).replace(response.json()["token"], "<its own token>"))
        else:
            said.append(_said(response))
    for url in _admin_urls():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        said.append(_said(response))
    said.append(caplog.text)
    everything = "\n".join(said)

    assert len(minted) >= 2
    for value in [*_secrets(), *minted]:
        assert value not in everything
