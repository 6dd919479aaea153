"""System checks of the calls app: each bad CALLS_ setting is an error that names it."""

import pytest
from django.core.checks import run_checks

from calls import conf
from calls.checks import check_caller_resolver, check_default_token_ttl, check_token_throttle_rate

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


@pytest.mark.parametrize("rate", ["60/minute", "5/s", "1000/day", None])
def test_a_throttle_rate_drf_parses_passes(settings, rate):
    settings.CALLS_TOKEN_THROTTLE_RATE = rate

    assert check_token_throttle_rate() == []


def test_the_checks_are_registered_by_the_app(settings):
    settings.CALLS_CALLER_RESOLVER = "no_such_module.resolver"
    settings.CALLS_DEFAULT_TOKEN_TTL = 10
    settings.CALLS_TOKEN_THROTTLE_RATE = "lots"

    ids = _ids(run_checks())

    assert {"calls.E001", "calls.E003", "calls.E004"} <= set(ids)


def test_the_number_holders_resolver_is_checked_too(settings):
    settings.CALLS_NUMBER_HOLDERS_RESOLVER = "users.selectors.no_such_function"

    errors = check_caller_resolver()

    assert _ids(errors) == ["calls.E001"]
    assert "CALLS_NUMBER_HOLDERS_RESOLVER" in errors[0].msg


def test_an_unset_number_holders_resolver_that_cannot_import_is_a_warning(monkeypatch):
    # As in a host without the users app that never sets the setting.
    monkeypatch.setattr(conf, "DEFAULT_NUMBER_HOLDERS_RESOLVER", "users.selectors.gone")

    errors = check_caller_resolver()

    assert _ids(errors) == ["calls.W001"]
    assert "CALLS_NUMBER_HOLDERS_RESOLVER" in errors[0].msg
