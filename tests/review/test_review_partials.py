"""The partials the article page includes: each shows only to those who may use it, and posts."""
import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from quotes.models import QuoteFlag
from tests.factories import QuoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(template, user, rf, **context):
    request = rf.get("/articles/1/")
    request.user = user
    return render_to_string(template, {"user": user, "request": request, **context}, request=request)


def test_the_flag_form_shows_to_editors_with_every_kind_and_comes_back_to_the_quote(rf, editor):
    quote = QuoteFactory()
    html = render("quotes/_flag_form.html", editor, rf, quote=quote)
    assert f'action="{reverse("quotes:quote_flag", args=[quote.pk])}"' in html
    assert all(f'value="{value}"' in html for value in QuoteFlag.Kind.values)
    assert f'value="/articles/1/#quote-{quote.pk}"' in html
    assert render("quotes/_flag_form.html", UserFactory(), rf, quote=quote).strip() == ""


def test_flagging_from_the_article_page_returns_there_or_swaps_the_form(client, editor):
    quote = QuoteFactory()
    client.force_login(editor)
    url = reverse("quotes:quote_flag", args=[quote.pk])
    back = f"{quote.article.get_absolute_url()}#quote-{quote.pk}"
    response = client.post(url, {"kind": "wrong_speaker", "note": "The deputy said it.", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    swapped = client.post(url, {"kind": "other"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200 and "An admin will look at it." in swapped.content.decode()
    assert QuoteFlag.objects.filter(quote=quote, resolved_at=None).count() == 2


def test_the_article_review_form_shows_to_admins_only(rf, editor, admin):
    article = QuoteFactory().article
    html = render("quotes/_article_review_form.html", admin, rf, article=article)
    assert reverse("quotes:article_review", args=[article.pk]) in html and "Mark all quotes reviewed" in html
    assert render("quotes/_article_review_form.html", editor, rf, article=article).strip() == ""
