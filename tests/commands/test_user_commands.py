"""create_user and create_token: roles from the command line, clear refusals."""
import io

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from quotes import permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "ink-and-paper-42"


def authenticate(**credentials):
    """Log in as the login page does: with a request (django-axes refuses to judge without one)."""
    return django_authenticate(RequestFactory().post("/accounts/login/"), **credentials)


def _create(*args, **options) -> str:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize("role", ["editor", "analyst", "admin"])
def test_create_user_puts_the_user_in_the_role(role):
    output = _create("dana", role=role.upper(), password=PASSWORD)
    user = authenticate(username="dana", password=PASSWORD)
    assert user is not None and permissions.role_of(user) == permissions.ROLES[role]
    assert user.is_staff == (role == "admin") and not user.is_superuser
    assert permissions.can(user, "use_admin") == (role == "admin")
    assert f"Created dana ({permissions.ROLES[role]})" in output


def test_the_password_comes_from_the_environment_or_the_prompt(monkeypatch):
    monkeypatch.setenv("NEWSDESK_PASSWORD", PASSWORD)
    _create("from-env", role="editor")
    assert authenticate(username="from-env", password=PASSWORD)
    monkeypatch.delenv("NEWSDESK_PASSWORD")
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("quotes.management.commands.create_user.getpass", lambda prompt: next(answers))
    _create("from-prompt", role="analyst")
    assert authenticate(username="from-prompt", password=PASSWORD)


def test_create_user_refuses_bad_roles_taken_names_and_weak_passwords():
    with pytest.raises(CommandError, match="Unknown role 'boss'; choose one of editor, analyst, admin"):
        _create("dana", role="boss", password=PASSWORD)
    _create("dana", role="editor", password=PASSWORD)
    with pytest.raises(CommandError, match="'dana' is taken"):
        _create("dana", role="admin", password=PASSWORD)
    assert "left unchanged" in _create("dana", role="admin", password="other", if_missing=True)
    assert permissions.role_of(get_user_model().objects.get(username="dana")) == "Editor"
    with pytest.raises(CommandError, match="password was refused"):
        _create("lee", role="editor", password="123")
    assert not get_user_model().objects.filter(username="lee").exists()


def test_create_token_gives_analysts_a_working_token_and_refuses_editors():
    analyst = UserFactory(role="analyst")
    out = io.StringIO()
    call_command("create_token", analyst.username, stdout=out)
    key = out.getvalue().strip()
    assert Token.objects.get(user=analyst).key == key
    out = io.StringIO()
    call_command("create_token", analyst.username, stdout=out)  # the same token again
    assert out.getvalue().strip() == key
    call_command("create_token", analyst.username, rotate=True, stdout=io.StringIO())
    assert Token.objects.get(user=analyst).key != key
    with pytest.raises(CommandError, match="may not have an API token"):
        call_command("create_token", UserFactory(role="editor").username)
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("create_token", "nobody")
    assert Token.objects.count() == 1
