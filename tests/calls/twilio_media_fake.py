"""A requests.Session whose transport answers as Twilio's Recordings media does, locally.

``CALLS_RECORDING_HTTP_SESSION = "tests.calls.twilio_media_fake.session"``. Each test sets
``MEDIA`` (what each URL answers) and reads ``SENT`` (what was asked, with which credentials).
"""

import base64
import io
import json
from dataclasses import dataclass, field

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)


MEDIA: dict[str, Answer | Exception] = {}
SENT: list[dict] = []


def not_found(url: str) -> Answer:
    """Twilio's 404 for a recording it no longer has (error 20404)."""
    body = {
        "code": 20404,
        "message": f"The requested resource {url} was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404",
        "status": 404,
    }
    return Answer(404, json.dumps(body).encode(), {"Content-Type": "application/json"})


def audio(body: bytes) -> Answer:
    return Answer(200, body, {"Content-Type": "audio/mpeg", "Content-Length": str(len(body))})


class TwilioMediaAdapter(BaseAdapter):
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        SENT.append(
            {
                "url": request.url,
                "auth": _basic(request.headers.get("Authorization")),
                "stream": stream,
                "timeout": timeout,
            }
        )
        answer = MEDIA.get(request.url) or not_found(request.url)
        if isinstance(answer, Exception):
            raise answer
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(answer.headers)
        response.raw = io.BytesIO(answer.body)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


def session() -> requests.Session:
    made = requests.Session()
    made.mount("https://", TwilioMediaAdapter())
    made.mount("http://", TwilioMediaAdapter())
    return made


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header:
        return None
    user, _, password = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
    return user, password
