"""App configuration for orgs."""

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from orgs.checks import check_field_encryption_keys

        checks.register(check_field_encryption_keys)
