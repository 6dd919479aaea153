"""The call log's admin is read-only, filters and finds numbers; the user page shows calls."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from calls.call_status import CallDirection, CallStatus
from calls.models import Call
from tests.factories import CallFactory, OrganizationFactory, UserFactory
from tests.test_admin_tenancy import _user_form

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:calls_call_changelist")
# Session, user, the organization filter, the counts (found and in all), the rows with their
# members and organizations.
LIST_QUERIES = 6
# Those of Django's user page, and one for the member's recent calls.
USER_PAGE_QUERIES = 11


def _shown(content: str, number: str) -> bool:
    return f">{number}<" in content


def _staff(*codenames: str):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return staff


def _user_page(client, user) -> str:
    return client.get(reverse("admin:users_user_change", args=[user.pk])).content.decode()


def test_the_list_shows_every_call(admin_client):
    CallFactory(other_party="+14165550101")
    CallFactory(other_party="+14165550102", voicemail_sid="RE" + "a" * 32)

    response = admin_client.get(LIST_URL)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert _shown(content, "+14165550101")
    assert _shown(content, "+14165550102")
    for column in ("In/out", "Missed", "Voicemail", "Organization"):
        assert f">{column}</a>" in content or f">{column}</span>" in content


def _filter_link(client, title: str, choice: str) -> str:
    """The query string of a filter's choice, as the list page offers it."""
    changelist = client.get(LIST_URL).context["cl"]
    spec = next(s for s in changelist.filter_specs if s.title == title)
    return next(c["query_string"] for c in spec.choices(changelist) if c["display"] == choice)


@pytest.mark.parametrize(
    ("title", "choice", "kept"),
    [
        ("organization", "Acme", "+14165550101"),
        ("direction", "Outbound (to outside)", "+14165550102"),
        ("status", "No answer", "+14165550102"),
        ("started at", "Past 7 days", "+14165550101"),
    ],
)
def test_each_filter_narrows_the_list(admin_client, title, choice, kept):
    acme = OrganizationFactory(name="Acme")
    CallFactory(user=UserFactory(organization=acme), other_party="+14165550101")
    CallFactory(
        other_party="+14165550102",
        direction=CallDirection.OUTBOUND,
        incoming=False,
        status=CallStatus.NO_ANSWER,
        answered_at=None,
        started_at=timezone.now() - timedelta(days=40),
    )

    content = admin_client.get(LIST_URL + _filter_link(admin_client, title, choice)).content
    content = content.decode()

    assert _shown(content, kept)
    dropped = {"+14165550101", "+14165550102"} - {kept}
    assert not _shown(content, dropped.pop())


@pytest.mark.parametrize(
    "term", ["+14165550100", "14165550100", "416 555 0100", "(416) 555-0100", "+1 416-555-0100"]
)
def test_search_finds_a_number_however_it_is_typed(admin_client, term):
    CallFactory(other_party="+14165550100")
    CallFactory(other_party="+16135550199")
    CallFactory(other_party="+16135550188", forwarded_to="+14165550100")

    content = admin_client.get(LIST_URL, {"q": term}).content.decode()

    assert _shown(content, "+14165550100")
    assert _shown(content, "+16135550188")  # forwarded to the number searched for
    assert not _shown(content, "+16135550199")


@pytest.mark.parametrize("term", ["020 7183 8750", "+44 20 7183 8750", "(0)20-7183-8750"])
def test_search_finds_a_number_in_its_national_form(admin_client, term):
    CallFactory(other_party="+442071838750")
    CallFactory(other_party="+14165550100")

    content = admin_client.get(LIST_URL, {"q": term}).content.decode()

    assert _shown(content, "+442071838750")
    assert not _shown(content, "+14165550100")


def test_nothing_can_be_added_changed_or_deleted(admin_client):
    call = CallFactory(other_party="+14165550100")
    change_url = reverse("admin:calls_call_change", args=[call.pk])

    page = admin_client.get(change_url)
    posted = admin_client.post(change_url, {"other_party": "+16135550199"})

    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == HTTPStatus.FORBIDDEN
    assert Call.objects.get().other_party == "+14165550100"
    assert admin_client.get(reverse("admin:calls_call_add")).status_code == HTTPStatus.FORBIDDEN
    delete_url = reverse("admin:calls_call_delete", args=[call.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert "delete_selected" not in admin_client.get(LIST_URL).content.decode()
    assert Call.objects.count() == 1


@pytest.mark.parametrize("calls", [1, 20])
def test_the_list_costs_the_same_queries_for_any_number_of_calls(
    admin_client, django_assert_num_queries, calls
):
    CallFactory.create_batch(calls)  # each with its own member and organization

    with django_assert_num_queries(LIST_QUERIES):
        admin_client.get(LIST_URL)


@pytest.mark.parametrize(("codenames", "status"), [((), 403), (("view_call",), 200)])
def test_staff_see_the_list_only_with_the_view_permission(client, codenames, status):
    CallFactory()
    client.force_login(_staff(*codenames))

    assert client.get(LIST_URL).status_code == status


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_the_user_page_shows_the_ten_latest_calls_escaped_and_links_to_all(admin_client):
    member = UserFactory()
    now = timezone.now()
    for age in range(12):
        CallFactory(
            user=member, other_party=f"+1416555{age:04}", started_at=now - timedelta(days=age)
        )
    CallFactory(user=member, other_party="<script>alert(1)</script>", started_at=now)

    page = _user_page(admin_client, member)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert all(f">+1416555{age:04}<" in page for age in range(9))
    assert ">+14165550009<" not in page
    link = f'href="{LIST_URL}?user__id__exact={member.pk}"'
    assert link in page
    assert admin_client.get(f"{LIST_URL}?user__id__exact={member.pk}").status_code == 200


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_the_user_page_says_when_there_are_no_calls(admin_client):
    CallFactory()  # someone else's

    assert "No calls yet." in _user_page(admin_client, UserFactory())


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_staff_who_may_not_see_calls_do_not_see_them_on_the_user_page(client):
    member = CallFactory(other_party="+14165550100").user
    client.force_login(_staff("view_user", "change_user"))

    page = _user_page(client, member)

    assert "Recent calls" not in page
    assert "+14165550100" not in page


@pytest.mark.parametrize("calls", [0, 1, 15])
@pytest.mark.usefixtures("twilio_knows_nothing")
def test_the_user_page_costs_the_same_queries_for_any_number_of_calls(
    admin_client, django_assert_num_queries, calls
):
    member = UserFactory()
    CallFactory.create_batch(calls, user=member)
    ContentType.objects.clear_cache()  # as for the first page a process serves

    with django_assert_num_queries(USER_PAGE_QUERIES):
        _user_page(admin_client, member)


@pytest.mark.usefixtures("twilio_knows_nothing")
def test_the_user_page_edits_the_forwarding_number(admin_client):
    member = UserFactory()
    url = reverse("admin:users_user_change", args=[member.pk])

    page = _user_page(admin_client, member)
    response = admin_client.post(url, _user_form(member, forwarding_number="+1 416 555 0199"))

    assert 'name="forwarding_number"' in page
    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.forwarding_number.as_e164 == "+14165550199"


@pytest.mark.parametrize(
    ("number", "countries", "problem"),
    [
        ("+19005550100", "", "Calls to premium rate numbers are not allowed."),
        ("+442071838750", "CA", "The organization does not allow calls to that number's country."),
    ],
)
def test_a_forwarding_number_the_organization_may_not_call_is_refused(
    admin_client, number, countries, problem
):
    member = UserFactory(organization=OrganizationFactory(twilio_allowed_countries=countries))
    url = reverse("admin:users_user_change", args=[member.pk])

    response = admin_client.post(url, _user_form(member, forwarding_number=number))

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["forwarding_number"] == [problem]
    assert escape(problem) in response.content.decode()
    member.refresh_from_db()
    assert member.forwarding_number is None
