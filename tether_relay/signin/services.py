"""Sign-in sessions: start one, exchange its refresh token, end it."""

import logging
import time
import uuid
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from tether_relay.signin.conf import app_settings
from tether_relay.signin.models import RefreshTokenUse, SignInSession
from tether_relay.signin.tokens import (
    PASSWORD_CLAIM,
    SESSION_CLAIM,
    TokenPair,
    password_fingerprint,
    token_pair,
)

logger = logging.getLogger(__name__)


class SessionEnded(AuthenticationFailed):
    """The sign-in this refresh token belongs to is over: signed out, expired or revoked."""

    default_detail = _("This sign-in has ended; sign in again.")
    default_code = "session_ended"


class TokenReused(AuthenticationFailed):
    """The refresh token was already exchanged, and this is not a retry of that exchange."""

    default_detail = _("This refresh token has already been used.")
    default_code = "token_reused"


def session_start(*, user) -> TokenPair:
    """A new sign-in for the user, lasting SIGNIN_SESSION_MAX_AGE at most, and its first pair."""
    now = time.time()
    session = SignInSession.objects.create(
        user=user,
        started_at=_aware(now),
        expires_at=_aware(now) + app_settings.SESSION_MAX_AGE,
    )
    return token_pair(user=user, session=session, seed=uuid.uuid4().hex, issued_at=int(now))


def session_refresh(*, raw: str, asked_at: float) -> TokenPair:
    """A new pair for a refresh token, which can then be exchanged no more.

    Of concurrent exchanges of one token, the one whose insert lands wins; the others are
    refused, not handed a second branch. A request that starts after the exchange, within
    SIGNIN_REFRESH_REUSE_WINDOW, is a client retrying a lost answer and gets the same pair;
    later, it is a stolen token in use, and the whole session is revoked.
    """
    token = _valid_refresh_token(raw)
    user = _user(token)
    if not user.is_active:
        # Deactivation ends the sign-in: reactivating the user does not revive it.
        _revoke(token[SESSION_CLAIM])
        raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
    session = _live_session(token, user)
    jti = token[jwt_settings.JTI_CLAIM]
    used_at = time.time()
    try:
        with transaction.atomic():
            RefreshTokenUse.objects.create(jti=jti, session=session, used_at=used_at)
    except IntegrityError:
        return _exchanged_before(jti, session, user, asked_at=asked_at, now=used_at)
    return token_pair(user=user, session=session, seed=jti, issued_at=int(used_at))


def session_end(*, raw: str) -> None:
    """Sign out: the session of this refresh token ends, with every token rotated from it."""
    _revoke(_valid_refresh_token(raw)[SESSION_CLAIM])


def _valid_refresh_token(raw: str) -> RefreshToken:
    try:
        token = RefreshToken(raw)
    except TokenError as error:
        raise InvalidToken(error.args[0]) from None
    if not token.get(SESSION_CLAIM) or jwt_settings.USER_ID_CLAIM not in token.payload:
        raise InvalidToken(_("Token was not issued by this service's sign-in"))
    return token


def _user(token: RefreshToken):
    model = get_user_model()
    try:
        user = model._default_manager.filter(
            **{jwt_settings.USER_ID_FIELD: token[jwt_settings.USER_ID_CLAIM]}
        ).first()
    except (ValueError, TypeError, ValidationError):
        user = None
    if user is None:
        raise AuthenticationFailed(_("User not found"), code="user_not_found")
    return user


def _live_session(token: RefreshToken, user) -> SignInSession:
    session = SignInSession.objects.filter(pk=token[SESSION_CLAIM], user=user).first()
    if session is None or session.revoked_at is not None:
        raise SessionEnded()
    if session.expires_at <= _aware(time.time()):
        raise SessionEnded(_("This sign-in is older than its maximum age; sign in again."))
    if token.get(PASSWORD_CLAIM) != password_fingerprint(user):
        _revoke(session.pk)
        logger.warning(
            "Sign-in session %s of user %s revoked: the password changed",
            session.pk,
            session.user_id,
        )
        raise SessionEnded(_("The password has changed since this sign-in; sign in again."))
    return session


def _exchanged_before(jti: str, session, user, *, asked_at: float, now: float) -> TokenPair:
    use = RefreshTokenUse.objects.get(jti=jti)
    within = now - use.used_at <= app_settings.REFRESH_REUSE_WINDOW
    if within and asked_at > use.used_at:
        return token_pair(user=user, session=session, seed=jti, issued_at=int(use.used_at))
    if not within:
        _revoke(session.pk)
        logger.warning(
            "Sign-in session %s of user %s revoked: a refresh token was used again after its "
            "exchange",
            session.pk,
            session.user_id,
        )
    raise TokenReused()


def _revoke(session_id) -> None:
    """End a sign-in session, if it has not ended yet."""
    SignInSession.objects.filter(pk=session_id, revoked_at__isnull=True).update(
        revoked_at=_aware(time.time())
    )


def _aware(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)
