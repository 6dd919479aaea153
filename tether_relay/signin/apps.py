"""App configuration for signin, the host project's own way in."""

from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "tether_relay.signin"
    label = "signin"
    verbose_name = "Sign-in sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from tether_relay.signin.checks import check_shared_cache

        checks.register(check_shared_cache, checks.Tags.security, deploy=True)
