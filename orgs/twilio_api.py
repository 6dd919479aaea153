"""Twilio REST clients for the credential check, and Twilio's answers without exceptions."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)

# Each request's limit. An admin page starts requests for at most ADMIN_BUDGET_SECONDS, so it
# answers within their sum: under gunicorn's 10 s timeout and nginx's 15 s.
TIMEOUT_SECONDS = 4
ADMIN_BUDGET_SECONDS = 4
NO_ANSWER = 0
OUT_OF_TIME = -1  # the status of a request not sent: the caller's time budget was spent
UNREADABLE = -2  # Twilio answered, but not with the JSON its API documents
# Twilio serves each Region through its own edge, and API credentials work only in their Region.
_EDGES = {"us1": "ashburn", "ie1": "dublin", "au1": "sydney"}


def default_http_client() -> HttpClient:
    """Twilio's own HTTP client, with a timeout so that an admin page cannot hang."""
    return TwilioHttpClient(timeout=TIMEOUT_SECONDS)


def rest_client(
    *, username: str, password: str, account_sid: str, region: str, http_client: HttpClient
) -> Client:
    """A Client for one account in its Twilio Region (blank is Twilio's default, US1)."""
    edge = _EDGES.get(region, "")
    # Twilio's Client falls back on TWILIO_* environment variables for whatever it is not
    # given; a check must use the organization's values and nothing else.
    environment = {"TWILIO_REGION": region, "TWILIO_EDGE": edge}
    return Client(
        username,
        password,
        account_sid,
        region=region or None,
        edge=edge or None,
        http_client=http_client,
        environment=environment,
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """Twilio's answer to one fetch: its HTTP status (NO_ANSWER if none came) and resource."""

    status: int
    resource: Any = None

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def refused(self) -> bool:
        """Twilio did not accept the credentials for this request."""
        return self.status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)

    @property
    def not_found(self) -> bool:
        return self.status == HTTPStatus.NOT_FOUND


def ask_pages(
    first_page: Callable[[], Any],
    *,
    what: str,
    organization_id: object,
    deadline: float | None = None,
) -> Answer:
    """Every record of a list, one request per page, each asked as ``ask`` asks: the answer's
    resource is the list of records, or the answer is the first page's that failed (so no
    page starts after ``deadline``)."""
    records = []
    answer = ask(first_page, what=what, organization_id=organization_id, deadline=deadline)
    while answer.ok:
        page = answer.resource
        records.extend(page)
        if not page.next_page_url:
            return Answer(HTTPStatus.OK, records)
        answer = ask(page.next_page, what=what, organization_id=organization_id, deadline=deadline)
    return answer


def trouble(answer: Answer) -> str:
    """In plain words, an answer that is neither a resource nor about the credentials."""
    if answer.status == NO_ANSWER:
        return "Twilio did not answer (network error or timeout)"
    if answer.status == UNREADABLE:
        return "Twilio's answer could not be read (it was not JSON)"
    if answer.status == HTTPStatus.TOO_MANY_REQUESTS:
        return "Twilio answered 429, too many requests"
    if answer.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return f"Twilio answered with HTTP error {answer.status}, a fault on its side"
    return f"Twilio answered with HTTP error {answer.status}"


def transient(answer: Answer) -> bool:
    """Whether asking again later may well succeed: no answer, or Twilio's own fault."""
    return answer.status in (NO_ANSWER, UNREADABLE, HTTPStatus.TOO_MANY_REQUESTS) or (
        answer.status >= HTTPStatus.INTERNAL_SERVER_ERROR
    )


def deadline_after(budget: float | None) -> float | None:
    """The ``time.monotonic()`` after which no request may start, for a budget in seconds."""
    return None if budget is None else time.monotonic() + budget


def ask(
    fetch: Callable[[], Any], *, what: str, organization_id: object, deadline: float | None = None
) -> Answer:
    """Run one fetch and return Twilio's answer; network failures are an answer too, and so is
    a ``deadline`` (``time.monotonic()``) already past: the request is then not sent."""
    if deadline is not None and time.monotonic() >= deadline:
        return Answer(OUT_OF_TIME)
    try:
        return Answer(HTTPStatus.OK, fetch())
    except TwilioRestException as error:
        logger.info(
            "Twilio answered HTTP %s (error %s) to the %s request for organization %s.",
            error.status,
            error.code,
            what,
            organization_id,
        )
        return Answer(error.status)
    except TwilioException as error:
        # A list's page answered with an error status: the library raises its base class with
        # the response, not a TwilioRestException.
        status = getattr(error.args[1] if len(error.args) > 1 else None, "status_code", None)
        if not isinstance(status, int):
            return _no_answer(what, organization_id, error)
        logger.info(
            "Twilio answered HTTP %s to the %s request for organization %s.",
            status,
            what,
            organization_id,
        )
        return Answer(status)
    except ValueError as error:  # a body that is not JSON (json's error is a ValueError)
        logger.warning(
            "Unreadable answer from Twilio to the %s request for organization %s (%s).",
            what,
            organization_id,
            type(error).__name__,
        )
        return Answer(UNREADABLE)
    except Exception as error:  # noqa: BLE001 - an injected client may raise anything
        return _no_answer(what, organization_id, error)


def _no_answer(what: str, organization_id: object, error: Exception) -> Answer:
    # Only the type is logged: the text of an HTTP library's error may quote the request, and
    # the request carries credentials.
    logger.warning(
        "No answer from Twilio to the %s request for organization %s (%s).",
        what,
        organization_id,
        type(error).__name__,
    )
    return Answer(NO_ANSWER)
