"""What the API does before the policy and the serializers see a request: a JSON parser with a
nesting limit, and a throttle for anonymous requests and wrong tokens."""
import io
import re

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, ParseError, Throttled
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.throttling import AnonRateThrottle

# A JSON string (skipped whole, in C; an unclosed one runs to the end, so no position is scanned
# twice) or a bracket: only brackets change the depth.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\Z)|[\[\]{}]', re.DOTALL)


def json_depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether the JSON in `data` nests arrays/objects deeper than `limit` (linear, no recursion)."""
    depth = 0
    for token in _JSON_TOKENS.finditer(data):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (b"]", b"}"):
            depth -= 1
    return False


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, but JSON nested deeper than API_JSON_MAX_DEPTH is a 400, not a
    RecursionError (10,000 levels of `[` used to answer 500). The body is bounded already:
    RequestLimitsMiddleware refused anything over MAX_REQUEST_BYTES."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read() if stream is not None else b""
        limit = settings.API_JSON_MAX_DEPTH
        if json_depth_exceeds(data, limit):
            raise ParseError(f"The JSON is nested more than {limit} levels deep; no request needs that.")
        return super().parse(io.BytesIO(data), media_type, parser_context)  # malformed JSON: DRF's 400


class _AnonymousRate(AnonRateThrottle):
    """The `anon` rate, keyed by address; its callers know the request has no user yet."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttle_anonymous(request, view=None) -> None:
    """Count one request without a user against the `anon` rate; over it, 429."""
    throttle = _AnonymousRate()
    if not throttle.allow_request(request, view):
        raise Throttled(wait=throttle.wait())


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, but a wrong token counts against the `anon` rate: guessing
    tokens gets 429 like any other anonymous knocking."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            throttle_anonymous(request)
            raise


class AnonymousThrottle(BasePermission):
    """Counts anonymous requests against the `anon` rate before the policy answers 401.

    DRF throttles only after permissions, so an anonymous request would never be counted; as
    the first permission class this one throttles (429) those who keep knocking without a login.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            throttle_anonymous(request, view)
        return True
