"""Sessions, request.user and messages run for the browser pages and are skipped under /api/."""

import pytest
from django.test import RequestFactory

from tether_relay.browser_only import (
    BrowserAuthenticationMiddleware,
    BrowserMessageMiddleware,
    BrowserSessionMiddleware,
)

STACK = (BrowserSessionMiddleware, BrowserAuthenticationMiddleware, BrowserMessageMiddleware)


def _seen(path: str) -> set[str]:
    """The attributes the view finds on the request after the three middleware."""
    seen = set()

    def view(request):
        from django.http import HttpResponse

        seen.update(name for name in ("session", "user", "_messages") if hasattr(request, name))
        return HttpResponse("ok")

    handler = view
    for middleware in reversed(STACK):
        handler = middleware(handler)
    response = handler(RequestFactory().get(path))
    assert response.status_code == 200
    return seen


@pytest.mark.parametrize("path", ["/api/calls/token/twilio", "/api/auth/token", "/api/docs/"])
def test_api_requests_skip_them(path):
    assert _seen(path) == set()


@pytest.mark.parametrize("path", ["/admin/", "/softphone/", "/apix"])
def test_other_requests_get_them(path):
    assert _seen(path) == {"session", "user", "_messages"}


@pytest.mark.django_db
def test_the_admin_still_signs_in_with_a_session(client, admin_user):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.username, "password": "password"}
    )

    assert response.status_code == 302
    assert "sessionid" in response.cookies
    assert client.get("/admin/").status_code == 200
