"""Issue 13, security: production settings from a bare environment, pages that serve with
DEBUG off, the Content-Security-Policy, login lockout and API throttling."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import resolve, reverse
from rest_framework.authtoken.models import Token

from tests import test_url_policy
from tests.factories import PASSWORD, UserFactory
from tests.test_url_policy import EXPECTED_GET, NOBODY, URLS, _guard, _path

samples = test_url_policy.samples  # the URL walk's sample objects, as a fixture here too
ROOT = Path(__file__).resolve().parent.parent
SECURITY_SETTINGS = [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_HTTPONLY", "WHITENOISE_USE_FINDERS", "STORAGES",
]


def _production_process(code: str, **env_set: str) -> subprocess.CompletedProcess:
    """Run `code` with the real settings module and an environment holding none of the test
    suite's settings: what a fresh deployment sees."""
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(DJANGO_SETTINGS_MODULE="newsdesk.settings", **env_set)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


SHOW_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}, default=str))"
)


def test_without_debug_a_secret_key_is_required_with_a_clear_error():
    result = _production_process(SHOW_SETTINGS)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr and "DEBUG=true" in result.stderr


def test_debug_is_off_unless_set_and_production_is_strict():
    result = _production_process(SHOW_SETTINGS, SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["WHITENOISE_USE_FINDERS"]
    assert "whitenoise" in json.dumps(values["STORAGES"])  # compressed, with no manifest that could be missing


def test_check_deploy_is_clean_with_production_settings():
    result = _production_process(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        SECRET_KEY="a-long-random-production-key-" + "q7" * 30, ALLOWED_HOSTS="newsdesk.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


# --- Production pages serve (issue 13: DEBUG=false without collectstatic answered 500 everywhere) ---

PRODUCTION = {
    "DEBUG": False,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    },
    "STATIC_ROOT": "/nonexistent/never-collected",
    "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
}
GET_PAGES = [
    (key, route) for key, route, _ in URLS
    if _guard(key).get("GET") not in (None, NOBODY) and key not in EXPECTED_GET
]


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    return settings


def test_with_debug_off_every_page_renders_as_an_admin_with_its_static_files(production, samples, client):
    client.force_login(UserFactory(role="admin"))
    assets, failures = set(), []
    for key, route in GET_PAGES:
        path = _path(key, route, samples)
        response = client.get(path, secure=True, follow=False)
        if response.status_code >= 400:
            failures.append(f"{key} {path}: {response.status_code}")
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            assets |= set(re.findall(r'(?:src|href)="(/static/[^"?#]+)', response.content.decode()))
    assert not failures, failures
    assert {"/static/css/newsdesk.css", "/static/vendor/htmx/htmx.min.js"} <= assets
    for asset in sorted(assets):  # served by WhiteNoise straight from the finders, nothing collected
        response = client.get(asset, secure=True)
        assert response.status_code == 200, asset
        assert response.getvalue()  # (not closed: closing would end the test's database connection)
    assert client.get("/", secure=False).status_code == 301  # plain http goes to https
    assert "max-age=31536000" in client.get("/", secure=True)["Strict-Transport-Security"]


def test_with_debug_off_the_login_page_serves_anonymously(production, client):
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200 and 'id="login-form"' in response.content.decode()


# --- Content-Security-Policy ----------------------------------------------------------

TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_pages_send_a_csp_without_inline_scripts(client_as):
    policy = client_as("admin").get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["style-src"]


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(t.relative_to(ROOT)) for t in TEMPLATES])
def test_no_template_holds_inline_script_or_event_handlers(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: move it to static/js/"
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "on*= handler: use addEventListener in static/js/"
    assert "javascript:" not in html.lower()


def test_the_api_docs_page_loads_its_start_up_script_as_a_file(client_as):
    html = client_as("admin").get("/api/v1/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    script = re.search(r'<script src="([^"]*\?[^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    assert client_as("admin").get(script).status_code == 200


# --- Login attempts ----------------------------------------------------------------------


def test_login_is_locked_after_the_failure_limit_with_a_clear_message_and_can_be_reset(client, settings, db):
    from axes.utils import reset

    user = UserFactory(role="editor")
    login = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": user.username, "password": "wrong"})
        assert response.status_code == 200 and "didn't match" in response.content.decode()
    locked = client.post(login, {"username": user.username, "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode() and 'id="login-form"' in locked.content.decode()
    right_password = client.post(login, {"username": user.username, "password": PASSWORD})
    assert right_password.status_code == 429  # locked means locked
    other = UserFactory(role="editor")  # another user from the same address is not
    assert client.post(login, {"username": other.username, "password": PASSWORD}).status_code == 302
    client.logout()
    reset(username=user.username)
    assert client.post(login, {"username": user.username, "password": PASSWORD}).status_code == 302


# --- API throttling ------------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_anonymous_api_requests_are_throttled_before_being_refused(client, low_rates, db):
    from rest_framework.throttling import AnonRateThrottle

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]
    assert [client.get("/api/v1/topics/").status_code for _ in range(3)] == [401, 401, 429]
    cache.clear()
    guesses = [client.get("/api/v1/topics/", HTTP_AUTHORIZATION=f"Token guess{i}").status_code for i in range(3)]
    assert guesses == [401, 401, 429]
    assert AnonRateThrottle().get_rate() == "2/minute"


def test_token_users_are_throttled_at_the_user_rate(client, low_rates, db):
    token = Token.objects.create(user=UserFactory(role="analyst"))
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    statuses = [client.get("/api/v1/topics/", **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_default_rates_come_from_settings():
    production_rates = _production_process(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])",
        SECRET_KEY="k" * 60, NEWSDESK_API_ANON_RATE="7/minute",
    )
    assert "'anon': '7/minute'" in production_rates.stdout and "'user': '6000/hour'" in production_rates.stdout
    assert resolve("/api/v1/topics/")
