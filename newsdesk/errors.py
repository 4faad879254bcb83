"""The app's error answers: one page (templates/error.html, extending base.html) for people and
`{"detail": ...}` for the API, each with a message written for a person, never an exception's text
(the exception goes to the log)."""
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    413: "Too large",
    414: "Address too long",
    429: "Too many attempts",
    500: "Something went wrong",
}


def error_response(request: HttpRequest, status: int, message: str, *, with_context: bool = True) -> HttpResponse:
    """The error for this request: JSON under /api/, else the error page. `with_context=False`
    renders without context processors (for a 500, when the database may be the problem)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    context = {"title": TITLES.get(status, "Error"), "message": message}
    html = loader.render_to_string("error.html", context, request=request if with_context else None)
    return HttpResponse(html, status=status)


def too_large_message() -> str:
    return (
        f"The request is larger than {settings.MAX_REQUEST_BYTES:,} bytes and was not read. "
        f"An article may have up to {settings.NEWSDESK['MAX_ARTICLE_CHARS']:,} characters, "
        f"a file up to {settings.NEWSDESK['MAX_UPLOAD_BYTES']:,} bytes."
    )


def too_many_fields_message() -> str:
    return f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} parameters; send fewer."


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django turns a body over DATA_UPLOAD_MAX_MEMORY_SIZE (a chunked upload, with no
    # Content-Length for the middleware to refuse) into a 400; it is a 413.
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, too_large_message())
    if isinstance(exception, TooManyFieldsSent):
        return error_response(request, 400, too_many_fields_message())
    logger.warning("Bad request to %s: %r", request.path, exception)
    return error_response(request, 400, "The request could not be understood.")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, "Your role does not allow this. Ask an admin if you need it.")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, "There is nothing at this address; it may have been removed or merged.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, 500, "The server failed to answer; the error is logged. Try again, or tell an admin.",
        with_context=False,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.info("CSRF failure on %s: %s", request.path, reason)
    return error_response(
        request, 403, "The form had expired or came from another site. Reload the page and send it again."
    )


def login_locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """django-axes' answer once a username has failed too often from one address: the login page
    with the reason, status 429."""
    from django.contrib.auth.forms import AuthenticationForm
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, data=None)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": f"Too many failed attempts: logging in as this user from here is "
                                     f"blocked for {minutes} minutes. Ask an admin to lift it sooner."},
        status=429,
    )
