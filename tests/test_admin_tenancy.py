"""One organization per Twilio account, and the warning when a user's voice access changes."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from orgs.models import Organization
from tests.factories import OrganizationFactory, UserFactory
from tests.test_admin import _change_url, _form

pytestmark = pytest.mark.django_db


def test_an_account_sid_in_use_is_refused_naming_the_organization(admin_client, org):
    other = OrganizationFactory(name="Acme Toronto")

    response = admin_client.post(
        _change_url(org), _form(org, twilio_account_sid=other.twilio_account_sid)
    )

    assert response.status_code == HTTPStatus.OK
    assert "Organization “Acme Toronto” already uses this Account SID" in response.content.decode()
    org.refresh_from_db()
    assert org.twilio_account_sid != other.twilio_account_sid


def test_the_other_organization_is_not_named_to_who_may_not_see_it(client, org):
    other = OrganizationFactory(name="Acme Toronto")
    clerk = UserFactory(is_staff=True, organization=None)
    clerk.user_permissions.add(Permission.objects.get(codename="change_organization"))
    client.force_login(clerk)

    response = client.post(
        _change_url(org), _form(org, twilio_account_sid=other.twilio_account_sid)
    )

    content = response.content.decode()
    assert "Another organization already uses this Account SID" in content
    assert "Acme Toronto" not in content


def test_keeping_its_own_account_sid_is_fine(admin_client, org):
    response = admin_client.post(_change_url(org), _form(org, name="Renamed"))

    assert response.status_code == HTTPStatus.FOUND


BEFORE = ("orgs", "0004_push_credential_per_platform")
AFTER = ("orgs", "0005_voip_option_and_one_organization_per_account")


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_shared_account_sids_instead_of_failing_blindly():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps.get_model("orgs", "Organization")
        shared = "AC" + "5" * 32
        old.objects.create(name="Acme", twilio_account_sid=shared)
        old.objects.create(name="Acme EU", twilio_account_sid=shared)
        old.objects.create(name="Fresh", twilio_account_sid="")
        old.objects.create(name="Also fresh", twilio_account_sid="")

        executor = MigrationExecutor(connection)
        with pytest.raises(RuntimeError) as refused:
            executor.migrate([AFTER])

        assert shared in str(refused.value)
        assert "'Acme'" in str(refused.value)
        assert "'Acme EU'" in str(refused.value)
        assert "Fresh" not in str(refused.value)
        old.objects.filter(name="Acme EU").update(twilio_account_sid="")
    finally:
        # Every app back at its latest migration: going back also unapplied what depends on it.
        latest = MigrationExecutor(connection)
        latest.migrate(latest.loader.graph.leaf_nodes())

    assert Organization.objects.filter(twilio_account_sid="AC" + "5" * 32).count() == 1


def _user_form(user, **overrides) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "organization": user.organization_id or "",
        "twilio_phone_number": user.twilio_phone_number.as_e164 if user.twilio_phone_number else "",
    }
    return {k: v for k, v in {**data, **overrides}.items() if v != ""}


@pytest.mark.parametrize(
    "change",
    [
        {"twilio_phone_number": "+14165550199"},
        {"twilio_phone_number": ""},
        {"is_active": ""},
        {"organization": "other"},
    ],
)
@pytest.mark.usefixtures("twilio_knows_nothing")
def test_changing_what_a_token_was_minted_with_warns_until_when_it_works(admin_client, change):
    org = OrganizationFactory(twilio_token_ttl=1800)
    user = UserFactory(organization=org)
    if change.get("organization") == "other":
        change = {"organization": OrganizationFactory().pk}

    response = admin_client.post(
        reverse("admin:users_user_change", args=[user.pk]), _user_form(user, **change), follow=True
    )

    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1, [str(m) for m in get_messages(response.wsgi_request)]
    assert "keep working until" in warnings[0]
    assert "1800 seconds" in warnings[0]


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_other_changes_do_not_warn(admin_client):
    user = UserFactory()

    response = admin_client.post(
        reverse("admin:users_user_change", args=[user.pk]),
        _user_form(user, email="new@example.com"),
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
