"""App configuration for calls."""

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls"

    def ready(self) -> None:
        from django.apps import apps

        if apps.is_installed("drf_spectacular"):
            from calls import openapi  # noqa: F401 - registers the bearerAuth scheme
