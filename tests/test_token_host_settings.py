"""The token response keeps its shape whatever the host sets for time zone and DRF formats."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("time_zone", ["America/Chicago", "Asia/Kolkata"])
def test_expires_at_is_utc_in_any_host_time_zone(settings, get_token, user, time_zone):
    settings.TIME_ZONE = time_zone

    response = get_token(user)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["expiresAt"].endswith("Z")


def test_expires_at_is_iso_8601_whatever_drfs_datetime_format(settings, get_token, user):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DATETIME_FORMAT": "%d/%m/%Y %H:%M"}

    expires_at = get_token(user).json()["expiresAt"]

    assert expires_at[4] == "-"
    assert expires_at[10] == "T"
    assert expires_at.endswith("Z")
