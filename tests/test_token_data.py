"""The 200 body is built from the serializer's own fields, and equals what the serializer makes."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from calls.serializers import TwilioTokenSerializer, twilio_token_data
from calls.services import MintedToken


@pytest.mark.parametrize(
    "expires_at",
    [
        datetime(2026, 11, 24, 19, 16, 59, tzinfo=UTC),
        datetime(2026, 11, 24, 14, 16, 59, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
@pytest.mark.parametrize("edge", [None, "dublin"])
def test_equals_the_serializers_data(expires_at, edge, settings):
    settings.TIME_ZONE = "America/Toronto"
    minted = MintedToken(
        token="header.claims.signature",
        identity="+14165550100",
        user_id="42",
        expires_at=expires_at,
        jti="SK-1",
        edge=edge,
    )

    data = twilio_token_data(minted)

    assert data == TwilioTokenSerializer(minted).data
    assert list(data) == ["token", "identity", "userId", "expiresAt"] + (["edge"] if edge else [])
    assert data["expiresAt"] == "2026-11-24T19:16:59Z"
