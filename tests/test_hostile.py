"""Every hostile request gets its documented status and envelope, and changes nothing."""

import pytest
from django.apps import apps

from tests.conftest import TOKEN_URL
from tests.contract import assert_matches_contract
from tests.hostile import CASES, FAILED, Case, World

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row of every table, to show that a request changed nothing."""
    return {
        model._meta.label: sorted(map(repr, model._default_manager.values()))
        for model in apps.get_models()
    }


@pytest.fixture
def world(settings) -> World:
    settings.CALLS_TOKEN_THROTTLE_RATE = "10000/minute"
    return World.seed()


def test_the_table_is_long_enough():
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_request(api_client, world, case: Case):
    request = case.request(world)
    before = snapshot()

    response = getattr(api_client, case.method)(TOKEN_URL, **request)

    assert response.status_code == case.status
    body = assert_matches_contract(response)
    assert response["Cache-Control"] == "no-store"
    if case.status == 200:
        assert body["userId"] == str(world.user.pk)
        assert body["identity"] == world.user.twilio_phone_number.as_e164
    elif case.status == 500:
        assert body == {"success": False, "error": FAILED}
    else:
        assert body["success"] is False
        assert body["code"] == case.code
    if case.status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert snapshot() == before
