"""System checks of the calls app: each bad CALLS_ setting is an error that names it."""

import pytest
from django.core.checks import run_checks

from calls import checks
from calls.checks import (
    check_call_log_retention,
    check_caller_resolver,
    check_default_token_ttl,
    check_token_throttle_rate,
)

NOT_CALLABLE = "a module attribute that is not a function"


def _ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_the_projects_settings_pass(settings):
    assert check_caller_resolver() == []
    assert check_default_token_ttl() == []
    assert check_token_throttle_rate() == []


@pytest.mark.parametrize(
    "path",
    [
        "users.selectors.no_such_function",
        "no_such_module.resolver",
        "resolver_without_a_dot",
        None,
    ],
)
def test_a_resolver_that_does_not_import(settings, path):
    settings.CALLS_CALLER_RESOLVER = path

    errors = check_caller_resolver()

    assert _ids(errors) == ["calls.E001"]
    assert "CALLS_CALLER_RESOLVER" in errors[0].msg
    assert repr(path) in errors[0].msg


def test_a_resolver_that_is_not_callable(settings):
    settings.CALLS_CALLER_RESOLVER = "tests.test_checks_calls.NOT_CALLABLE"

    errors = check_caller_resolver()

    assert _ids(errors) == ["calls.E002"]
    assert "CALLS_CALLER_RESOLVER" in errors[0].msg


def test_another_resolver_that_imports_passes(settings):
    settings.CALLS_CALLER_RESOLVER = "orgs.selectors.twilio_credentials_of"

    assert check_caller_resolver() == []


@pytest.mark.parametrize("ttl", [59, 86_401, 0, -3600, "3600", 3600.0, True, None])
def test_a_default_ttl_out_of_range_or_not_whole_seconds(settings, ttl):
    settings.CALLS_DEFAULT_TOKEN_TTL = ttl

    errors = check_default_token_ttl()

    assert _ids(errors) == ["calls.E003"]
    assert "CALLS_DEFAULT_TOKEN_TTL" in errors[0].msg


@pytest.mark.parametrize("ttl", [60, 900, 86_400])
def test_a_default_ttl_in_range_passes(settings, ttl):
    settings.CALLS_DEFAULT_TOKEN_TTL = ttl

    assert check_default_token_ttl() == []


@pytest.mark.parametrize("rate", ["lots", "60", "x/minute", "60/fortnight", "60/", 60, ""])
def test_a_throttle_rate_drf_cannot_parse(settings, rate):
    settings.CALLS_TOKEN_THROTTLE_RATE = rate

    errors = check_token_throttle_rate()

    assert _ids(errors) == ["calls.E004"]
    assert "CALLS_TOKEN_THROTTLE_RATE" in errors[0].msg


def test_the_history_throttle_rate_is_checked_too(settings):
    settings.CALLS_HISTORY_THROTTLE_RATE = "lots"

    errors = check_token_throttle_rate()

    assert _ids(errors) == ["calls.E004"]
    assert "CALLS_HISTORY_THROTTLE_RATE" in errors[0].msg


@pytest.mark.parametrize("days", [0, -1, "90", 1.5, True, None])
def test_a_retention_that_is_not_whole_days_is_an_error(settings, days):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = days

    errors = check_call_log_retention()

    assert _ids(errors) == ["calls.E006"]
    assert "CALLS_CALL_LOG_RETENTION_DAYS" in errors[0].msg


@pytest.mark.parametrize("days", [1, 90, 3650])
def test_a_retention_of_whole_days_passes(settings, days):
    settings.CALLS_CALL_LOG_RETENTION_DAYS = days

    assert check_call_log_retention() == []


@pytest.mark.parametrize("rate", ["60/minute", "5/s", "1000/day", None])
def test_a_throttle_rate_drf_parses_passes(settings, rate):
    settings.CALLS_TOKEN_THROTTLE_RATE = rate

    assert check_token_throttle_rate() == []


def test_the_checks_are_registered_by_the_app(settings):
    settings.CALLS_CALLER_RESOLVER = "no_such_module.resolver"
    settings.CALLS_DEFAULT_TOKEN_TTL = 10
    settings.CALLS_TOKEN_THROTTLE_RATE = "lots"
    settings.CALLS_CALL_LOG_RETENTION_DAYS = 0

    ids = _ids(run_checks())

    assert {"calls.E001", "calls.E003", "calls.E004", "calls.E006"} <= set(ids)


def test_the_number_holders_resolver_is_checked_too(settings):
    settings.CALLS_NUMBER_HOLDERS_RESOLVER = "users.selectors.no_such_function"

    errors = check_caller_resolver()

    assert _ids(errors) == ["calls.E001"]
    assert "CALLS_NUMBER_HOLDERS_RESOLVER" in errors[0].msg


@pytest.mark.parametrize("name", ["CALLER_RESOLVER", "NUMBER_HOLDERS_RESOLVER"])
def test_a_default_resolver_without_the_bundled_user_model_is_an_error(settings, name):
    # As in a host with its own user model that left this resolver at its default.
    settings.AUTH_USER_MODEL = "auth.User"
    other = "NUMBER_HOLDERS_RESOLVER" if name == "CALLER_RESOLVER" else "CALLER_RESOLVER"
    setattr(
        settings,
        f"CALLS_{other}",
        "orgs.resolvers."
        + ("voice_caller_get" if other == "CALLER_RESOLVER" else "number_holders_get"),
    )
    if hasattr(settings, f"CALLS_{name}"):
        delattr(settings, f"CALLS_{name}")

    errors = check_caller_resolver()

    assert _ids(errors) == ["calls.E005"]
    assert errors[0].msg.startswith(f"CALLS_{name} is not set")
    assert "'auth.User' is another model" in errors[0].msg
    assert "orgs.resolvers" in errors[0].hint


def test_both_defaults_without_the_bundled_user_model_are_two_errors(settings):
    settings.AUTH_USER_MODEL = "auth.User"

    assert _ids(check_caller_resolver()) == ["calls.E005", "calls.E005"]


def test_a_host_app_labelled_users_elsewhere_is_not_the_bundled_one(monkeypatch, tmp_path):
    # As in a host whose own users app (label users, model User) lives in its project folder.
    monkeypatch.setattr(checks, "_DISTRIBUTION", tmp_path)

    assert _ids(check_caller_resolver()) == ["calls.E005", "calls.E005"]


def test_the_shipped_resolvers_pass_with_fields_that_fit(settings):
    settings.CALLS_CALLER_RESOLVER = "orgs.resolvers.voice_caller_get"
    settings.CALLS_NUMBER_HOLDERS_RESOLVER = "orgs.resolvers.number_holders_get"

    assert check_caller_resolver() == []


def test_the_shipped_resolvers_with_a_field_the_user_model_lacks(settings):
    settings.CALLS_NUMBER_HOLDERS_RESOLVER = "orgs.resolvers.number_holders_get"
    settings.ORGS_USER_NUMBER_FIELD = "twilio_number"

    errors = check_caller_resolver()

    assert _ids(errors) == ["orgs.E004"]
    assert "ORGS_USER_NUMBER_FIELD" in errors[0].msg
