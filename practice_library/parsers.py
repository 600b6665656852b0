"""The API's request bodies: JSON only, refused in the API's 400 when broken.

DRF's JSONParser lets Python's decoder recurse once per nesting level, so a
body nested a thousand deep ends in a RecursionError, a 500. Here it is a
parse error, as any other body that is not usable JSON.
"""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from None
