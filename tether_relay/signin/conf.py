"""Settings of sign-in, read lazily from Django settings under the ``SIGNIN_`` prefix."""

from datetime import timedelta

from django.conf import settings


class SigninSettings:
    """Each property reads its Django setting on every access, so overrides apply at once."""

    prefix = "SIGNIN_"

    def _setting(self, name: str, default):
        return getattr(settings, self.prefix + name, default)

    @property
    def SESSION_MAX_AGE(self) -> timedelta:
        """How long one sign-in lasts, whatever the rotations: refresh tokens end with it."""
        return self._setting("SESSION_MAX_AGE", timedelta(days=30))

    @property
    def REFRESH_REUSE_WINDOW(self) -> float:
        """Seconds during which a refresh token already exchanged gives the same pair again,
        for a client whose answer was lost."""
        return self._setting("REFRESH_REUSE_WINDOW", 10.0)

    @property
    def FAILURES_PER_USERNAME(self) -> int:
        """Failed sign-ins allowed for one username in a window, before any is checked."""
        return self._setting("FAILURES_PER_USERNAME", 10)

    @property
    def FAILURES_PER_ADDRESS(self) -> int:
        """Failed sign-ins allowed from one client address in a window."""
        return self._setting("FAILURES_PER_ADDRESS", 30)

    @property
    def FAILURE_WINDOW(self) -> int:
        """Seconds a window of failures lasts, from its first failure."""
        return self._setting("FAILURE_WINDOW", 900)

    @property
    def CACHE(self) -> str:
        """Alias of the Django cache that counts failures; shared by every process."""
        return self._setting("CACHE", "default")


app_settings = SigninSettings()
