"""The user page offers the account's numbers; the organization page lists its members."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import twilio_fake
from tests.factories import OrganizationFactory, UserFactory
from tests.twilio_fake import FakeTwilio

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(monkeypatch) -> FakeTwilio:
    fake = FakeTwilio()
    monkeypatch.setattr(twilio_fake, "installed", fake)
    return fake


def _user_page(client, user) -> str:
    return client.get(reverse("admin:users_user_change", args=[user.pk])).content.decode()


def test_the_number_box_offers_the_account_numbers_and_keeps_them_a_minute(admin_client, fake):
    org = OrganizationFactory(name="Acme")
    account = fake.knows(org)
    account.number("+14165550301")
    account.number("+14165550302")
    member = UserFactory(organization=org, twilio_phone_number="+14165550301")

    page = _user_page(admin_client, member)
    _user_page(admin_client, member)

    assert 'list="twilio_phone_number-twilio-numbers"' in page
    assert '<option value="+14165550301"><option value="+14165550302">' in page
    assert "One of the 2 numbers of Acme's Twilio account" in page
    assert len(fake.sent) == 1  # the second page came from the cache


def test_an_unreachable_twilio_leaves_free_typing_and_is_asked_once_a_minute(admin_client, fake):
    org = OrganizationFactory()
    fake.knows(org)
    fake.fail("IncomingPhoneNumbers", OSError("timed out"))
    member = UserFactory(organization=org)

    page = _user_page(admin_client, member)
    _user_page(admin_client, member)

    assert "could not be fetched; type the number" in page
    assert "<datalist" not in page
    assert len(fake.sent) == 1


def test_saving_a_member_asks_twilio_nothing(admin_client, fake):
    org = OrganizationFactory()
    member = UserFactory(organization=org)
    url = reverse("admin:users_user_change", args=[member.pk])

    admin_client.post(url, {"username": member.username})

    assert fake.sent == []


def test_only_those_who_may_see_the_organization_are_offered_its_numbers(client, fake):
    org = OrganizationFactory()
    fake.knows(org).number("+14165550301")
    member = UserFactory(organization=org)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    client.force_login(editor)

    page = _user_page(client, member)

    assert "+14165550301" not in page
    assert fake.sent == []


def test_a_name_in_the_help_text_is_escaped(admin_client, fake):
    org = OrganizationFactory(name="<b>Acme</b>")
    fake.knows(org)
    member = UserFactory(organization=org)

    page = _user_page(admin_client, member)

    assert "&lt;b&gt;Acme&lt;/b&gt;'s Twilio account" in page
    assert "<b>Acme</b>'s" not in page


def test_the_organization_page_lists_members_and_their_numbers(admin_client):
    org = OrganizationFactory()
    UserFactory(organization=org, username="ann", twilio_phone_number="+14165550401")
    UserFactory(organization=org, username="bob", twilio_phone_number=None, is_active=False)
    UserFactory(username="outsider", twilio_phone_number="+14165550499")  # another organization

    page = admin_client.get(reverse("admin:orgs_organization_change", args=[org.pk]))

    text = page.content.decode()
    assert ">ann</a>: +14165550401" in text
    assert ">bob</a>: no number (inactive)" in text
    assert "outsider" not in text
