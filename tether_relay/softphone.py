"""The softphone page: a browser client of this service, to try a set-up end to end.

It signs in, fetches a voice token and registers Twilio's Voice SDK, all in the browser; the
server only hands out the page. Its API is its own origin unless SOFTPHONE_API_BASE_URL names
another, which must then list the page's origin in CORS_ALLOWED_ORIGINS.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

VOICE_SDK_VERSION = "2.18.5"


@require_safe
@never_cache
def softphone(request: HttpRequest) -> HttpResponse:
    """The page; everything it does happens in the browser."""
    response = render(
        request,
        "softphone/index.html",
        {
            "api_base": settings.SOFTPHONE_API_BASE_URL.rstrip("/"),
            "voice_sdk": f"softphone/vendor/twilio-voice-sdk-{VOICE_SDK_VERSION}/twilio.min.js",
        },
    )
    response["Content-Security-Policy"] = _content_security_policy(settings.SOFTPHONE_API_BASE_URL)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _content_security_policy(api_base: str) -> str:
    """Scripts and styles from this server only; the API and Twilio's servers to talk to;
    no framing, since the page asks for a password."""
    api = f" {api_base.rstrip('/')}" if api_base else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            # Twilio's signalling (wss), its event gateway and ringtones (https).
            f"connect-src 'self' https: wss:{api}",
            "media-src 'self' blob: https:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
