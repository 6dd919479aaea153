"""Lists of ISO 3166 country codes: the destinations an organization's softphones may dial."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models

# Only countries with a telephone numbering plan: a code phonenumbers does not know could
# never match a dialled number, so accepting it would only hide a typing mistake.
_KNOWN = frozenset(phonenumbers.SUPPORTED_REGIONS)
_SEPARATORS = re.compile(r"[\s,;]+")


def country_codes_parse(text: str | None) -> tuple[str, ...]:
    """The distinct codes in a list such as ``"ca, us"``, upper-cased and sorted."""
    return tuple(sorted({code.upper() for code in _SEPARATORS.split(text or "") if code}))


def validate_country_codes(value: str) -> None:
    """Every code in the list must be an ISO 3166 alpha-2 code of a country with phone numbers."""
    unknown = [code for code in country_codes_parse(value) if code not in _KNOWN]
    if unknown:
        raise ValidationError(
            "Not a country code with phone numbers: %(codes)s. Use ISO 3166 alpha-2 codes "
            "separated by commas, for example CA, US.",
            code="invalid_country_code",
            params={"codes": ", ".join(unknown)},
        )


class CountryCodesField(models.CharField):
    """Country codes stored as one comma-separated string (``"CA,US"``); blank is no list.

    Whatever an administrator types (``"us ca"``, ``"CA, US, us"``) is stored in that one
    canonical form, so the column can be read without this module.
    """

    default_validators = [validate_country_codes]

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        return ",".join(country_codes_parse(value))
