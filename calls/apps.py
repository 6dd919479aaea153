"""App configuration for calls."""

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls"

    def ready(self) -> None:
        from django.apps import apps
        from django.core import checks

        from calls import checks as calls_checks
        from calls.webhooks import checks as webhook_checks

        checks.register(calls_checks.check_caller_resolver)
        checks.register(calls_checks.check_default_token_ttl)
        checks.register(calls_checks.check_token_throttle_rate)
        checks.register(calls_checks.check_call_log_retention)
        checks.register(webhook_checks.check_webhook_validation)
        checks.register(webhook_checks.check_webhook_base_url)
        if apps.is_installed("drf_spectacular"):
            from calls import openapi  # noqa: F401 - registers the bearerAuth scheme
