"""The softphone page in a real browser: sign in, a voice token same-origin and cross-origin,
Twilio's Voice SDK from this server's static files, and a clear state with Twilio unreachable.

The page is served by a live server at two origins, http://127.0.0.1:<port> and
http://localhost:<port>; CORS_ALLOWED_ORIGINS decides whether the second may use the first's
API. Screenshots of each state are written to the test's temporary folder.
"""

import json
import re
from datetime import datetime

import pytest

from tests.e2e.browser import chromium, chromium_path
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct-horse-battery-staple"
# Waits are selectors, not script: the page's policy forbids the eval a script predicate needs.
DEVICE_SETTLED = "#device-state[data-state=error], #device-state[data-state=offline]"


@pytest.fixture
def origins(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://127.0.0.1:{port}", f"http://localhost:{port}"


@pytest.fixture
def member(org):
    chromium_path()  # skip before anything else is made, where there is no browser
    return UserFactory(organization=org)


def _sign_in(page, url: str, username: str, shots, name: str):
    page.goto(url)
    page.screenshot(path=shots / f"{name}-1-signed-out.png", full_page=True)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_response(re.compile(r"/api/calls/token/twilio")) as token:
        page.click("button[type=submit]")
    return token.value


def test_signs_in_and_gets_a_token_cross_origin(settings, origins, member, tmp_path):
    api, page_origin = origins
    settings.CORS_ALLOWED_ORIGINS = [page_origin]
    settings.SOFTPHONE_API_BASE_URL = api

    with chromium() as browser:
        page = browser.new_page()
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        token = _sign_in(page, f"{page_origin}/softphone/", member.username, tmp_path, "cross")
        page.wait_for_selector("#identity:not(:empty)")
        page.screenshot(path=tmp_path / "cross-2-signed-in.png", full_page=True)
        page.wait_for_selector(DEVICE_SETTLED, timeout=30_000)
        page.screenshot(path=tmp_path / "cross-3-twilio-unreachable.png", full_page=True)
        identity = page.text_content("#identity")
        expires_at = page.get_attribute("#expires", "data-expires-at")
        state = page.get_attribute("#device-state", "data-state")
        shown = page.text_content("#device-state")
        sdk_loaded = page.evaluate("typeof Twilio !== 'undefined' && typeof Twilio.Device")
        sdk_url = page.evaluate("document.scripts[0].src")
        body = token.json()

    assert token.url == f"{api}/api/calls/token/twilio?platform=web"
    assert token.status == 200
    assert token.headers["access-control-allow-origin"] == page_origin
    assert identity == member.twilio_phone_number.as_e164 == body["identity"]
    assert datetime.fromisoformat(expires_at) == datetime.fromisoformat(body["expiresAt"])
    assert sdk_loaded == "function"
    assert sdk_url == f"{page_origin}/static/softphone/vendor/twilio-voice-sdk-2.18.5/twilio.min.js"
    # Twilio's error codes are five digits; the SDK reports each with its message.
    assert (state, bool(re.search(r"\b\d{5}\b", shown))) in {("error", True), ("offline", False)}
    assert not [m for m in messages if "Content Security Policy" in m]


def test_signs_in_and_gets_a_token_from_its_own_origin(settings, origins, member, tmp_path):
    api, _ = origins
    settings.CORS_ALLOWED_ORIGINS = []
    settings.SOFTPHONE_API_BASE_URL = ""

    with chromium() as browser:
        page = browser.new_page()
        token = _sign_in(page, f"{api}/softphone/", member.username, tmp_path, "same")
        page.wait_for_selector(DEVICE_SETTLED, timeout=30_000)
        page.screenshot(path=tmp_path / "same-2-twilio-unreachable.png", full_page=True)
        identity = page.text_content("#identity")

    assert token.status == 200
    assert "access-control-allow-origin" not in token.headers
    assert identity == member.twilio_phone_number.as_e164


def test_an_origin_not_listed_is_blocked(settings, origins, member, tmp_path):
    api, page_origin = origins
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    settings.SOFTPHONE_API_BASE_URL = api

    with chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text))
        page.goto(f"{page_origin}/softphone/")
        page.fill("#username", member.username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("#message:has-text('Could not reach')")
        page.screenshot(path=tmp_path / "blocked.png", full_page=True)
        message = page.text_content("#message")
        signed_in = page.is_visible("#session")
        # The same request from the page's script, to read the browser's own verdict.
        verdict = page.evaluate(
            """async (url) => {
                try { await fetch(url, {headers: {Authorization: 'Bearer x'}}); return 'read'; }
                catch (error) { return error.name + ': ' + error.message; }
            }""",
            f"{api}/api/calls/token/twilio",
        )

    assert message == (
        f"Could not reach the API at {api} (network error, or this page's origin is not allowed)."
    )
    assert signed_in is False
    assert verdict == "TypeError: Failed to fetch"
    assert any("blocked by CORS policy" in error for error in errors), json.dumps(errors)


COUNT_DEVICES = """() => {
    window.devices = [];
    const Original = Twilio.Device;
    Twilio.Device = function (...args) {
        const device = new Original(...args);
        window.devices.push(device);
        return device;
    };
}"""


def test_a_double_sign_in_starts_one_device_and_a_call_can_be_given_up(origins, member, tmp_path):
    api, _ = origins

    with chromium() as browser:
        # The page's policy forbids eval, which wrapping Twilio.Device from the test needs.
        page = browser.new_page(bypass_csp=True)
        page.goto(f"{api}/softphone/")
        page.evaluate(COUNT_DEVICES)
        page.fill("#username", member.username)
        page.fill("#password", PASSWORD)
        page.dblclick("button[type=submit]")
        page.wait_for_selector(DEVICE_SETTLED, timeout=30_000)
        live = page.evaluate("window.devices.filter((d) => d.state !== 'destroyed').length")
        page.fill("#number", "+44 20 7183 8750")
        page.click("#call")
        connecting = page.text_content("#call-state")
        hang_up_enabled = page.is_enabled("#hang-up")
        page.click("#hang-up")
        page.screenshot(path=tmp_path / "call-given-up.png", full_page=True)
        given_up = page.text_content("#call-state")
        call_enabled = page.is_enabled("#call")
        page.click("#sign-out")
        after_sign_out = page.evaluate(
            "window.devices.filter((d) => d.state !== 'destroyed').length"
        )

    assert live == 1
    assert connecting == "connecting"
    assert hang_up_enabled is True
    assert given_up == "cancelled"
    assert call_enabled is True
    assert after_sign_out == 0
