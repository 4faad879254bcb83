"""Logging in, the page header, logging out, and the admin's door."""
import pytest
from django.urls import reverse

from tests.factories import PASSWORD, QuoteFactory, SpeakerFactory, StanceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_newsroom_login_page(client):
    response = client.get("/speakers/?q=holt")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/speakers/%3Fq%3Dholt"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and 'id="login-form"' in html
    assert 'class="brand"' in html  # the newsroom's page (base.html), not the admin's
    assert reverse("quotes:quote_list") not in html and "Log out" not in html


def test_logging_in_returns_to_the_page_asked_for_and_shows_who_is_in(client):
    editor = UserFactory(role="editor")
    refused = client.post("/accounts/login/", {"username": editor.username, "password": "wrong"})
    assert refused.status_code == 200 and "didn't match" in refused.content.decode()
    response = client.post(
        "/accounts/login/", {"username": editor.username, "password": PASSWORD, "next": "/speakers/"}
    )
    assert response["Location"] == "/speakers/"
    html = client.get("/speakers/").content.decode()
    assert f'{editor.username} <span class="tag">Editor</span>' in html
    assert 'action="/accounts/logout/"' in html


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("editor", ["Add article"], ["Export CSV", 'href="/admin/"']),
        ("analyst", ["Add article", "Export CSV"], ['href="/admin/"']),
        ("admin", ["Add article", "Export CSV", 'href="/admin/"'], []),
        (None, [], ["Add article", "Export CSV", 'href="/admin/"', 'href="/quotes/"']),
    ],
)
def test_the_header_offers_only_what_the_role_may_use(client_as, role, shown, hidden):
    client = client_as(role)
    response = client.get("/quotes/")
    html = client.get("/accounts/login/").content.decode() if response.status_code == 403 else response.content.decode()
    assert all(text in html for text in shown), shown
    assert not any(text in html for text in hidden), hidden


def test_stance_buttons_and_retry_show_only_to_those_who_may_use_them(client_as):
    stance = StanceFactory()
    article = stance.quote.article
    article.status, article.error = "failed", "boom"
    article.save()
    label_url = reverse("quotes:quote_stance", args=[stance.quote_id])
    retry_url = reverse("quotes:article_retry", args=[article.pk])
    html = client_as("editor").get(article.get_absolute_url()).content.decode()
    assert label_url in html and retry_url in html
    assert client_as(None).get(article.get_absolute_url()).status_code == 403


def test_logout_is_a_post_and_ends_the_session(client_as):
    client = client_as("editor")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_everyone_logged_in_may_change_their_own_password(client_as):
    client = client_as(None)
    assert 'href="/accounts/password/"' in client.get("/accounts/password/").content.decode()
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "a fresher secret 7", "new_password2": "a fresher secret 7"})
    assert response["Location"] == "/accounts/password/done/"
    client.user.refresh_from_db()
    assert client.user.check_password("a fresher secret 7")


def test_the_admin_is_for_staff_admins_who_log_in_on_the_newsroom_page(client, client_as):
    for path in ("/admin/", "/admin/quotes/quote/"):  # via /admin/login/, which has no form of its own
        page = client.get(path, follow=True)
        assert page.request["PATH_INFO"] == "/accounts/login/" and 'id="login-form"' in page.content.decode()
    for outsider in (client_as("analyst"), client_as("editor", is_staff=True)):
        assert outsider.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
        assert outsider.get("/admin/login/?next=/admin/").status_code == 403
    admin = client_as("admin")
    assert not admin.user.is_superuser
    assert admin.get("/admin/login/?next=/admin/quotes/")["Location"] == "/admin/quotes/"
    assert admin.get("/admin/login/?next=https://elsewhere.example/")["Location"] == "/admin/"
    index = admin.get("/admin/").content.decode()
    for model in ("quote", "speaker", "stance", "topic", "article", "user", "tokenproxy"):
        assert f'href="/admin/{"auth" if model == "user" else "authtoken" if model == "tokenproxy" else "quotes"}' \
               f'/{model}/"' in index, model


def test_an_admin_who_is_not_a_superuser_corrects_a_speaker_in_the_admin(client_as):
    quote = QuoteFactory()
    other = SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov")
    admin = client_as("admin")
    url = reverse("admin:quotes_quote_change", args=[quote.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {
        "speaker": other.pk, "stances-TOTAL_FORMS": "0", "stances-INITIAL_FORMS": "0",
        "stances-MIN_NUM_FORMS": "0", "stances-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    quote.refresh_from_db()
    assert quote.speaker == other and quote.history.latest().history_user == admin.user
