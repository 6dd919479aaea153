"""Admin widgets of the orgs app."""

from django import forms
from django.utils.html import format_html, format_html_join


class NumberPickerInput(forms.TextInput):
    """A text box that offers the account's numbers (an HTML datalist); any number may still
    be typed."""

    def __init__(self, numbers: list[str], attrs=None):
        super().__init__(attrs)
        self.numbers = numbers

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{name}-twilio-numbers"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        options = format_html_join("", '<option value="{}">', ((n,) for n in self.numbers))
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )
