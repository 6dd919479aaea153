"""Sign-in sessions and the refresh tokens exchanged in them; never a token itself."""

import uuid

from django.conf import settings
from django.db import models


class SignInSession(models.Model):
    """One sign-in, and every refresh token rotated from it: they end together.

    Refresh tokens carry the session's id; revoking the session (sign-out, a refresh token
    used twice) or reaching ``expires_at`` ends them all.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="signin_session_user_idx")]

    def __str__(self) -> str:
        return f"Session {self.id} of user {self.user_id}"


class RefreshTokenUse(models.Model):
    """A refresh token that has been exchanged, by its jti alone.

    The primary key decides races: of any number of concurrent exchanges of one token, one
    insert succeeds. ``used_at`` (Unix time) is all it takes, with the signing key, to make
    the very same new pair again for a client that retries within the reuse window.
    """

    jti = models.CharField(max_length=64, primary_key=True)
    session = models.ForeignKey(SignInSession, on_delete=models.CASCADE, related_name="uses")
    used_at = models.FloatField()

    def __str__(self) -> str:
        return self.jti
