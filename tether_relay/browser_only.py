"""Middleware for the browser pages (the admin, the softphone page), kept off the JSON API.

Sessions, ``request.user`` and messages serve the admin's cookie sign-in; nothing under /api/
uses them: the API authenticates bearer tokens, is exempt from CSRF, and renders no template
that reads them. Each class here is Django's own middleware, which for /api/ hands the request
straight on, sparing every API request their set-up. Being subclasses, they satisfy the
admin's checks that Django's are installed.
"""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from tether_relay.api_errors import API_PREFIX


class _BrowserOnly:
    def __call__(self, request):
        # A coroutine when the stack is asynchronous; the caller awaits either.
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class BrowserSessionMiddleware(_BrowserOnly, SessionMiddleware):
    pass


class BrowserAuthenticationMiddleware(_BrowserOnly, AuthenticationMiddleware):
    pass


class BrowserMessageMiddleware(_BrowserOnly, MessageMiddleware):
    pass
