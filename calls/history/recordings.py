"""A voicemail's audio, fetched from Twilio's Recordings API with its account's credentials.

Requests go through the session ``CALLS_RECORDING_HTTP_SESSION`` makes (default
``requests.Session``), so tests, and hosts with their own proxies, can supply another.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import requests
from django.views.decorators.debug import sensitive_variables

from calls.conf import app_settings
from calls.history.exceptions import CallNotFound, VoicemailUnavailable
from calls.history.selectors import VoicemailSource
from orgs.crypto import SecretDecryptionError
from orgs.voice import REGION_EDGES

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05  # seconds to open the connection to Twilio
READ_TIMEOUT = 10  # seconds Twilio may stay silent before it counts as gone
CHUNK_BYTES = 64 * 1024
MEDIA_TYPE = "audio/mpeg"


@dataclass(slots=True)
class Audio:
    """The recording as Twilio sends it, to be relayed chunk by chunk, then closed."""

    response: requests.Response
    length: str | None

    def __iter__(self) -> Iterator[bytes]:
        return self.response.iter_content(CHUNK_BYTES)

    def close(self) -> None:
        self.response.close()


def recording_url(source: VoicemailSource) -> str:
    """The MP3 of the recording, on the API host of the account's Twilio Region."""
    edge = REGION_EDGES.get(source.region)
    host = f"api.{edge}.{source.region}.twilio.com" if edge else "api.twilio.com"
    return (
        f"https://{host}/2010-04-01/Accounts/{source.account_sid}/Recordings/"
        f"{source.recording_sid}.mp3"
    )


def voicemail_audio_open(source: VoicemailSource) -> Audio:
    """The recording's audio, streaming; CallNotFound when Twilio no longer has it,
    VoicemailUnavailable when Twilio cannot be asked or refuses."""
    session = app_settings.recording_http_session()
    session.max_redirects = 3  # Twilio may send the media from its storage's own address
    try:
        response = session.get(
            recording_url(source),
            auth=_auth(source),
            headers={"Accept": MEDIA_TYPE},
            stream=True,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )
    except requests.RequestException as error:
        logger.warning("Voicemail %s not fetched: %s", source.recording_sid, type(error).__name__)
        raise VoicemailUnavailable() from None
    if response.status_code == 200:
        return Audio(response, response.headers.get("Content-Length"))
    response.close()
    if response.status_code == 404:
        logger.warning("Voicemail %s is gone from Twilio", source.recording_sid)
        raise CallNotFound()
    level = logging.ERROR if response.status_code in (401, 403) else logging.WARNING
    logger.log(
        level,
        "Voicemail %s not fetched: Twilio answered %s",
        source.recording_sid,
        response.status_code,
    )
    raise VoicemailUnavailable()


@sensitive_variables()
def _auth(source: VoicemailSource) -> tuple[str, str]:
    """The account's API key, or else its Auth Token: what Twilio's REST API accepts."""
    try:
        if source.api_key_sid and source.api_key_secret is not None:
            return source.api_key_sid, source.api_key_secret.reveal()
        if source.auth_token is not None:
            return source.account_sid, source.auth_token.reveal()
    except SecretDecryptionError:
        logger.error(
            "Voicemail %s: no configured key decrypts the credentials", source.recording_sid
        )
        raise VoicemailUnavailable() from None
    logger.error(
        "Voicemail %s: the organization has no API key or Auth Token", source.recording_sid
    )
    raise VoicemailUnavailable()
