"""Limits every request must meet before any view, form or parser reads it."""
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from newsdesk.errors import error_response, too_large_message, too_many_fields_message


class RequestLimitsMiddleware:
    """Refuse, with the app's message and nothing read or stored:

    - a body whose Content-Length is over MAX_REQUEST_BYTES (413: the body is never read, so
      a 20 MB paste costs no memory);
    - a query string with more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters (400; a form body
      with too many is answered by newsdesk.errors.bad_request) or over MAX_QUERY_STRING_CHARS (414);
    - a NUL byte in the path or in a query parameter (400: PostgreSQL refuses NUL in text, so
      `?q=%00` or a slug with one used to be a 500). Form fields and API fields refuse NUL
      themselves (Django's and DRF's CharField).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refusal(request) or self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(request, 400, "The Content-Length header is not a number.")
        if length > settings.MAX_REQUEST_BYTES:
            return error_response(request, 413, too_large_message())
        query = request.META.get("QUERY_STRING", "")
        if query.count("&") >= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:  # counted as Django splits them
            return error_response(request, 400, too_many_fields_message())
        if len(query) > settings.MAX_QUERY_STRING_CHARS:
            return error_response(
                request, 414,
                f"The address is {len(query):,} characters long after the “?”; the limit is "
                f"{settings.MAX_QUERY_STRING_CHARS:,}. Use fewer or shorter filters.",
            )
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query):
            return error_response(
                request, 400, "The address contains a NUL character, which no search or name can hold."
            )
        return None
