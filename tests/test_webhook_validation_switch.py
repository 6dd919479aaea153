"""TWILIO_WEBHOOK_VALIDATE: signatures may go unchecked only in DEBUG, never in production."""

import pytest

from calls.webhooks.checks import check_webhook_validation
from tests.factories import UserFactory
from tests.live_server import production_env, run
from tests.webhooks import (
    INBOUND_PATH,
    OUTBOUND_PATH,
    assert_dials_number,
    assert_forbidden,
    inbound_params,
    outbound_params,
    post,
    refused_checks,
)

pytestmark = pytest.mark.django_db

NUMBER = "+14165550100"
DESTINATION = "+14165550111"


@pytest.fixture
def member(org):
    return UserFactory(organization=org, twilio_phone_number=NUMBER)


@pytest.fixture
def params(org, member) -> dict:
    return inbound_params(org, NUMBER)


def test_in_debug_unsigned_requests_pass_with_a_warning(client, org, member, settings, caplog):
    settings.DEBUG = True
    settings.TWILIO_WEBHOOK_VALIDATE = False
    params = outbound_params(org, NUMBER, DESTINATION)

    response = post(client, OUTBOUND_PATH, params, signature=None)

    assert_dials_number(response, number=DESTINATION, caller_id=NUMBER)
    (warning,) = [r for r in caplog.records if r.name == "calls.webhooks.signature"]
    assert warning.levelname == "WARNING"
    assert "not checked" in warning.getMessage()


def test_in_debug_the_account_must_still_be_known(client, params, settings, caplog):
    settings.DEBUG = True
    settings.TWILIO_WEBHOOK_VALIDATE = False
    params["AccountSid"] = "AC" + "0" * 32

    assert_forbidden(post(client, INBOUND_PATH, params, signature=None))
    assert refused_checks(caplog) == ["unknown_account"]


def test_outside_debug_the_switch_is_ignored(client, params, settings, caplog):
    settings.DEBUG = False
    settings.TWILIO_WEBHOOK_VALIDATE = False

    assert_forbidden(post(client, INBOUND_PATH, params, signature=None))
    assert refused_checks(caplog) == ["missing_signature"]


@pytest.mark.parametrize("value", ["false", 0, None, ""])
def test_only_false_itself_turns_it_off(client, params, settings, value):
    settings.DEBUG = True
    settings.TWILIO_WEBHOOK_VALIDATE = value

    assert_forbidden(post(client, INBOUND_PATH, params, signature=None))


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_default_passes():
    assert check_webhook_validation() == []


def test_switched_off_in_debug_is_a_warning(settings):
    settings.DEBUG = True
    settings.TWILIO_WEBHOOK_VALIDATE = False

    assert _ids(check_webhook_validation()) == ["calls_webhooks.W001"]


def test_switched_off_outside_debug_is_an_error(settings):
    settings.DEBUG = False
    settings.TWILIO_WEBHOOK_VALIDATE = False

    (error,) = check_webhook_validation()

    assert error.id == "calls_webhooks.E001"
    assert error.is_serious()
    assert "TWILIO_WEBHOOK_VALIDATE" in error.msg


def test_production_refuses_to_start_with_validation_off():
    result = run(
        "manage.py", "check", env=production_env(TWILIO_WEBHOOK_VALIDATE="false"), succeed=False
    )

    assert "calls_webhooks.E001" in result.stderr


def test_development_starts_with_validation_off_and_says_so():
    env = {**production_env(TWILIO_WEBHOOK_VALIDATE="false"), "DJANGO_DEBUG": "true"}

    result = run("manage.py", "check", env=env)

    assert "calls_webhooks.W001" in result.stderr
