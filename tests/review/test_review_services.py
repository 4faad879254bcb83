"""Flags, accepting an attribution, vouching for an article: each checks the policy first."""
import pytest
from django.core.exceptions import PermissionDenied

from quotes import services
from quotes.models import Article, QuoteFlag
from tests.factories import ArticleFactory, QuoteFactory, UserFactory, reprocess

pytestmark = pytest.mark.django_db


def test_an_editor_flags_a_quote_and_flagging_it_again_keeps_one_open_flag(editor):
    quote = QuoteFactory()
    flag = services.quote_flag(quote=quote, kind="wrong_speaker", note="It was the deputy.", by=editor)
    again = services.quote_flag(quote=quote, kind="wrong_speaker", note="Page 2 says so.", by=editor)
    assert again.pk == flag.pk
    assert again.note == "It was the deputy.\nPage 2 says so."
    assert (flag.by, flag.is_open) == (editor, True)
    other = services.quote_flag(quote=quote, kind="not_a_quote", by=editor)
    assert QuoteFlag.objects.filter(quote=quote, resolved_at=None).count() == 2 and other.note == ""


def test_an_unknown_kind_of_flag_is_refused(editor):
    with pytest.raises(ValueError, match="Unknown flag"):
        services.quote_flag(quote=QuoteFactory(), kind="boring", by=editor)
    assert not QuoteFlag.objects.exists()


def test_only_admins_resolve_flags_and_a_resolved_flag_stays_resolved(editor, analyst, admin):
    flag = services.quote_flag(quote=QuoteFactory(), kind="other", by=editor)
    for refused in (editor, analyst):
        with pytest.raises(PermissionDenied):
            services.flag_resolve(flag=flag, by=refused)
    services.flag_resolve(flag=flag, by=admin, resolution="Speaker corrected.")
    flag.refresh_from_db()
    assert (flag.is_open, flag.resolved_by, flag.resolution) == (False, admin, "Speaker corrected.")
    with pytest.raises(ValueError, match="already resolved"):
        services.flag_resolve(flag=flag, by=admin)


def test_flagging_needs_a_role():
    with pytest.raises(PermissionDenied):
        services.quote_flag(quote=QuoteFactory(), kind="other", by=UserFactory())


def test_an_admin_accepts_an_attribution_and_the_history_says_who(editor, admin):
    quote = QuoteFactory()
    with pytest.raises(PermissionDenied):
        services.quote_review(quote=quote, by=editor)
    services.quote_review(quote=quote, by=admin)
    quote.refresh_from_db()
    assert quote.reviewed_by == admin and quote.reviewed_at is not None
    latest = quote.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin, "attribution accepted")


def test_an_article_is_vouched_for_only_when_processed_and_without_open_flags(editor, admin):
    pending = ArticleFactory(status=Article.Status.PENDING)
    with pytest.raises(ValueError, match="processed"):
        services.article_review(article=pending, by=admin)
    quote = QuoteFactory()
    flag = services.quote_flag(quote=quote, kind="not_a_quote", by=editor)
    with pytest.raises(PermissionDenied):
        services.article_review(article=quote.article, by=editor)
    with pytest.raises(ValueError, match="open flags"):
        services.article_review(article=quote.article, by=admin)
    services.flag_resolve(flag=flag, by=admin)
    article = services.article_review(article=quote.article, by=admin)
    assert article.reviewed_by == admin and article.reviewed_at is not None


def test_the_admin_lists_flags_and_resolves_them_through_the_service(client, editor):
    flag = services.quote_flag(quote=QuoteFactory(), kind="wrong_speaker", by=editor)
    superuser = UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/quotes/quoteflag/").status_code == 200
    assert client.get("/admin/quotes/quoteflag/add/").status_code == 403
    response = client.post("/admin/quotes/quoteflag/", {"action": "resolve", "_selected_action": [flag.pk]})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.is_open, flag.resolved_by, flag.resolution) == (False, superuser, "resolved in admin")


def test_an_accepted_quote_survives_re_processing_that_no_longer_finds_it(admin, monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    monkeypatch.setattr(tasks.article_classify, "delay_on_commit", lambda article_id: None)
    body = "Minister Anna Kowalska met envoys on Monday.\n“We expect results,” Kowalska said."
    article = services.article_ingest(text=body, title="Envoys")
    services.article_process(article=article)
    found = article.quotes.get()
    start = body.index("met envoys")
    # Not a quote the extractor would find: only the human acceptance keeps it.
    accepted = QuoteFactory(article=article, start=start, end=start + len("met envoys"), speaker=found.speaker)
    services.quote_review(quote=accepted, by=admin)
    reprocess(article)
    accepted.refresh_from_db()
    assert accepted.speaker == found.speaker and accepted.corrected_fields == ["speaker"]
    assert article.quotes.count() == 2
