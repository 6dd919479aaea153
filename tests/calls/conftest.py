"""Fixtures of the call tests."""

import pytest

from tests.calls.calls_twilio import TwilioCalls


@pytest.fixture
def twilio(client, org) -> TwilioCalls:
    """Signed requests for the organization, as Twilio sends them during its calls."""
    return TwilioCalls(client, org)
