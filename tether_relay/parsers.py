"""Request parsers of the host project's API."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a document nested too deeply is a 400 like any malformed one.

    Python's JSON decoder raises RecursionError for deep nesting (a 100 KB body can hold
    50,000 levels), which DRF's parser does not catch.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
