"""The audit line's client address follows DRF's throttle rule exactly, read from META."""

import pytest
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from calls.audit import _client_ip


@pytest.mark.parametrize("num_proxies", [None, 0, 1, 2, 5])
@pytest.mark.parametrize(
    "forwarded", [None, "", "198.51.100.7", "6.6.6.6, 198.51.100.7", " 1.1.1.1 ,2.2.2.2 , 3.3.3.3"]
)
def test_same_address_as_drfs_get_ident(settings, num_proxies, forwarded):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = Request(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **headers))

    assert _client_ip(request.META) == BaseThrottle().get_ident(request)
