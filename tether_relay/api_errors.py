"""Under /api/, and on the health checks, every error is a JSON envelope: never Django's HTML
pages, never a traceback.

The API's own views already answer JSON, and the voice webhooks their documented plain-text
403 for Twilio; what reaches a client as HTML otherwise is Django's 404 for an unknown path,
its 405 for a method a plain view refuses, and its 400 and 500 pages. Each becomes the
envelope of the endpoint's family: the calls app's ``{"success": false, "error", "code"}``
under /api/calls/, ``{"detail", "code"}`` elsewhere. A body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before anything reads it. The admin and the
rest of the host keep Django's pages.
"""

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
HEALTH_PATHS = frozenset({"/healthz", "/readyz", "/healthz/", "/readyz/"})
_CALLS_PREFIX = "/api/calls/"
_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    500: "server_error",
}
# What the contract's 500 says; the calls app's own handler says the same.
_CALLS_500 = {"success": False, "error": "Failed to generate token"}
# Headers of the original answer that still hold for the JSON one.
_KEPT = ("Allow", "Retry-After", "WWW-Authenticate", "Cache-Control", "Vary")


class ApiJsonErrorsMiddleware:
    """Turns the HTML or text errors of /api/ paths and the health checks into JSON; leaves
    other paths alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not ((path + "/").startswith(API_PREFIX) or path in HEALTH_PATHS):
            return self.get_response(request)
        if _too_large(request):
            return _envelope(request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        response = self.get_response(request)
        if response.status_code >= 400 and _is_not_ours(response):
            return _envelope(request, HTTPStatus(response.status_code), response)
        return response


def _too_large(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return limit is not None and length > limit


def _is_not_ours(response: HttpResponse) -> bool:
    """An error body that is neither JSON nor the webhooks' plain text: Django's HTML page, or
    an error rendered as the schema view's YAML."""
    content_type = response.get("Content-Type", "")
    return not content_type.startswith(("application/json", "text/plain"))


def _envelope(request, status: HTTPStatus, original: HttpResponse | None = None) -> JsonResponse:
    code = _CODES.get(status, "error")
    if request.path_info.startswith(_CALLS_PREFIX):
        body = (
            _CALLS_500
            if status >= 500
            else {"success": False, "error": status.phrase, "code": code}
        )
    else:
        body = {"detail": status.phrase, "code": code}
    response = JsonResponse(body, status=status)
    if original is not None:
        for name in _KEPT:
            if name in original:
                response[name] = original[name]
    return response
