"""Corrections on the pages and in the admin: the policy guards them, they post without JS and
through htmx, and each lands in History with its author and reason."""
import pytest
from django.urls import reverse

from quotes import services
from quotes.models import Quote, Speaker, SpeakerAlias, SpeakerMerge, Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, reprocess

pytestmark = pytest.mark.django_db

BODY = "Envoys met on Tuesday.\n“It was a useful meeting,” Holt said.\n“We reject it,” Flynn said."


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_classify, "delay_on_commit", lambda article_id: None)
    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda *args, **kwargs: None)


@pytest.fixture
def admin(client_as):
    return client_as("admin").user


@pytest.fixture
def superuser(client, admin_user):
    """The Django admin wants staff; a superuser also holds every ability of the policy."""
    client.force_login(admin_user)
    return admin_user


@pytest.fixture
def article():
    article = ArticleFactory(title="Envoys meet", body=BODY)
    for words, name in (("“It", "Dana Holt"), ("“We", "Ivan Petrov")):
        start = BODY.index(words)
        QuoteFactory(article=article, speaker=SpeakerFactory(name=name), start=start, end=BODY.index("”", start) + 1,
                     speaker_mention=name.split()[-1] if name != "Ivan Petrov" else "Flynn")
    return article


def _flynn(article) -> Quote:
    return article.quotes.get(speaker_mention="Flynn")


@pytest.mark.parametrize("role", ["editor", "analyst"])
def test_corrections_are_refused_to_editors_and_analysts(client_as, article, role):
    client = client_as(role)
    quote = _flynn(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert reverse("quotes:quote_reassign", args=[quote.pk]) not in html
    for name, data in (("quote_reassign", {"speaker": "dana-holt"}), ("quote_reject", {}),
                       ("quote_respan", {"start": 1, "end": 5})):
        assert client.post(reverse(f"quotes:{name}", args=[quote.pk]), data).status_code == 403
    assert client.post(reverse("quotes:quote_add", args=[article.pk]), {"start": 0, "end": 6}).status_code == 403
    assert client.get(reverse("quotes:speaker_merge")).status_code == 403
    quote.refresh_from_db()
    assert quote.speaker.name == "Ivan Petrov" and not quote.is_rejected


def test_anonymous_users_are_sent_to_log_in(client, article):
    response = client.post(reverse("quotes:quote_reject", args=[_flynn(article).pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Quote.objects.filter(is_rejected=True).exists()


def test_admin_reassigns_without_js_and_the_mention_stays_no_alias(client, admin, article):
    quote = _flynn(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert reverse("quotes:quote_reassign", args=[quote.pk]) in html and 'name="make_alias"' in html
    response = client.post(reverse("quotes:quote_reassign", args=[quote.pk]),
                           {"speaker": "dana-holt", "reason": "Holt spoke twice"})
    assert response.status_code == 302 and response["Location"].endswith(f"#quote-{quote.pk}")
    quote.refresh_from_db()
    assert quote.speaker.slug == "dana-holt"
    assert not SpeakerAlias.objects.filter(normalized="flynn").exists()  # never silently

    client.post(reverse("quotes:quote_reassign", args=[quote.pk]), {"speaker": "Ivan Petrov", "make_alias": "on"})
    assert SpeakerAlias.objects.filter(normalized="flynn", speaker__name="Ivan Petrov").exists()


def test_admin_reassigns_to_a_new_speaker_through_htmx(client, admin, article):
    quote = _flynn(article)
    response = client.post(
        reverse("quotes:quote_reassign", args=[quote.pk]),
        {"new_speaker_name": "Erin Flynn", "new_speaker_role": "Envoy"}, HTTP_HX_REQUEST="true", follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="article-workspace"' in html and "is now attributed to Erin Flynn" in html
    assert Speaker.objects.get(name="Erin Flynn").quotes.get() == quote


def test_a_reassignment_that_names_nobody_known_is_explained(client, admin, article):
    quote = _flynn(article)
    response = client.post(reverse("quotes:quote_reassign", args=[quote.pk]), {"speaker": "Nobody Known"},
                           follow=True)
    assert "No single known speaker is called “Nobody Known”" in response.content.decode()
    quote.refresh_from_db()
    assert quote.speaker.name == "Ivan Petrov"


def test_admin_rejects_and_restores_a_quote_on_the_article_page(client, admin, article):
    quote = _flynn(article)
    client.post(reverse("quotes:quote_reject", args=[quote.pk]), {"reason": "a headline"})
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="rejected-quotes"' in html and f'id="quote-{quote.pk}"' not in html
    assert "We reject it" not in client.get(reverse("quotes:quote_list")).content.decode()
    client.post(reverse("quotes:quote_restore", args=[quote.pk]))
    assert f'id="quote-{quote.pk}"' in client.get(article.get_absolute_url()).content.decode()


def test_admin_adds_a_quote_and_fixes_a_span(client, admin, article):
    start = BODY.index("Envoys met")
    client.post(reverse("quotes:quote_add", args=[article.pk]),
                {"start": start, "end": start + len("Envoys met"), "speaker": "dana-holt", "is_direct": ""})
    added = article.quotes.get(origin=Quote.Origin.HUMAN)
    assert (added.text, added.speaker.slug, added.is_direct) == ("Envoys met", "dana-holt", False)
    quote = _flynn(article)
    client.post(reverse("quotes:quote_respan", args=[quote.pk]), {"start": quote.start + 1, "end": quote.end - 2})
    quote.refresh_from_db()
    assert quote.text == "We reject it" and quote.is_corrected("span")
    overlap = client.post(reverse("quotes:quote_respan", args=[quote.pk]), {"start": 0, "end": quote.end}, follow=True)
    assert "overlaps quote" in overlap.content.decode()


def test_an_editor_labels_a_topic_that_has_no_stance_row_yet(client_as, article):
    client = client_as("editor")
    topic = TopicFactory()
    quote = _flynn(article)
    assert not quote.stances.exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'aria-label="Set the stance on {topic.name}"' in html
    client.post(reverse("quotes:quote_stance", args=[quote.pk]), {"topic": topic.slug, "label": "against"})
    record = quote.stances.get()
    assert (record.label, record.source) == ("against", Stance.Source.HUMAN)
    assert record.history.latest().history_user == client.user


def test_speaker_autocomplete_is_bounded(client, admin):
    for number in range(15):
        SpeakerFactory(name=f"Maria Lopez {number}")
    results = client.get(reverse("quotes:speaker_search"), {"q": "lopez", "format": "json"}).json()["results"]
    assert len(results) == 10 and all("Lopez" in result["name"] for result in results)
    options = client.get(reverse("quotes:speaker_search"), {"speaker": "lopez"}).content.decode()
    assert options.count("<option") == 10


def test_history_pages_list_who_changed_what_and_why(client, admin, article):
    quote = _flynn(article)
    client.post(reverse("quotes:quote_reassign", args=[quote.pk]), {"speaker": "dana-holt", "reason": "Holt spoke"})
    client.post(reverse("quotes:quote_reject", args=[quote.pk]), {"reason": "a headline"})
    html = client.get(reverse("quotes:quote_history", args=[quote.pk])).content.decode()
    assert "Holt spoke" in html and "a headline" in html and admin.username in html
    assert "Ivan Petrov" in html and "Dana Holt" in html
    speaker_html = client.get(reverse("quotes:speaker_history", args=["dana-holt"])).content.decode()
    assert f"Quote #{quote.pk}" in speaker_html and "Holt spoke" in speaker_html


def test_history_stays_readable_after_a_merge_and_a_change_can_be_reverted(client, admin, admin_user, article):
    quote = _flynn(article)
    petrov, holt = quote.speaker, Speaker.objects.get(slug="dana-holt")
    services.speaker_merge(source=petrov, target=holt, by=admin)
    response = client.get(reverse("quotes:quote_history", args=[quote.pk]))
    assert response.status_code == 200  # was a 500: Quote.__str__ on the merged-away speaker
    assert "Ivan Petrov (merged or deleted)" in response.content.decode()
    assert client.get(reverse("quotes:speaker_history", args=["ivan-petrov"])).status_code == 200
    client.force_login(admin_user)
    assert client.get(reverse("admin:quotes_quote_history", args=[quote.pk])).status_code == 200

    services.quote_reassign(quote=Quote.objects.get(pk=quote.pk), speaker=None, by=admin, reason="unclear")
    record = Quote.history.filter(id=quote.pk).latest()
    client.post(reverse("quotes:history_revert", args=["quote", record.history_id]),
                {"next": reverse("quotes:quote_history", args=[quote.pk])})
    assert Quote.objects.get(pk=quote.pk).speaker == holt


def test_reverting_a_span_onto_one_taken_since_says_why_and_is_no_500(client, admin, article):
    quote = _flynn(article)
    old = (quote.start, quote.end)
    client.post(reverse("quotes:quote_respan", args=[quote.pk]), {"start": 0, "end": BODY.index(".") + 1})
    added = services.quote_add(article=article, start=old[0], end=old[1], speaker=None, by=admin)
    record = Quote.history.filter(id=quote.pk).latest()
    history = reverse("quotes:quote_history", args=[quote.pk])
    response = client.post(reverse("quotes:history_revert", args=["quote", record.history_id]), {"next": history})
    assert response.status_code == 302 and response["Location"] == history
    page = client.get(history).content.decode()
    assert "cannot be reverted" in page and f"overlaps quote #{added.pk}" in page
    quote.refresh_from_db()
    assert (quote.start, quote.end) == (0, BODY.index(".") + 1)


def test_merge_page_previews_keeps_the_picked_speaker_and_undoes(client, admin, article):
    petrov = Speaker.objects.get(name="Ivan Petrov")
    holt = Speaker.objects.get(name="Dana Holt")  # the older of the two: the admin keeps Petrov
    url = reverse("quotes:speaker_merge")
    preview = client.get(url, {"speakers": [holt.slug, petrov.slug], "keep": petrov.slug}).content.decode()
    assert 'id="merge-preview"' in preview and "1 quote moves" in preview and "It was a useful meeting" in preview
    client.post(url, {"speakers": [holt.slug, petrov.slug], "keep": petrov.slug})  # no confirmation: nothing
    assert Speaker.objects.filter(pk=holt.pk).exists()

    response = client.post(url, {"speakers": [holt.slug, petrov.slug], "keep": petrov.slug, "confirm": "1"})
    assert response["Location"] == reverse("quotes:speaker_history", args=[petrov.slug])
    assert not Speaker.objects.filter(pk=holt.pk).exists()
    assert petrov.quotes.count() == 2
    merge = SpeakerMerge.objects.get()
    assert "Undo merge" in client.get(response["Location"]).content.decode()
    client.post(reverse("quotes:speaker_merge_undo", args=[merge.pk]))
    assert Speaker.objects.get(pk=holt.pk).quotes.count() == 1


# --- The admin uses the same services ---------------------------------------------------


def test_admin_add_quote_works(client, superuser, article):
    assert client.get(reverse("admin:quotes_quote_add")).status_code == 200  # was a 500
    start = BODY.index("Envoys met")
    response = client.post(reverse("admin:quotes_quote_add"), {
        "article": article.pk, "start": start, "end": start + 10, "speaker": Speaker.objects.first().pk,
        "is_direct": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    added = article.quotes.get(origin=Quote.Origin.HUMAN)
    assert added.text == "Envoys met" and added.history.get().history_user == superuser
    refused = client.post(reverse("admin:quotes_quote_add"), {"article": article.pk, "start": start, "end": 999})
    assert refused.status_code == 200 and "within the article" in refused.content.decode()


def test_admin_add_another_stance_works(client, superuser, article):
    quote = _flynn(article)
    talks, tariffs = TopicFactory(), TopicFactory(slug="tariffs", name="Tariffs", description="tariffs")
    existing = StanceFactory(quote=quote, topic=talks, label="favor")
    url = reverse("admin:quotes_quote_change", args=[quote.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "speaker": quote.speaker_id,
        "stances-TOTAL_FORMS": "2", "stances-INITIAL_FORMS": "1", "stances-MIN_NUM_FORMS": "0",
        "stances-MAX_NUM_FORMS": "1000",
        "stances-0-id": existing.pk, "stances-0-quote": quote.pk, "stances-0-label": "favor",
        "stances-1-id": "", "stances-1-quote": quote.pk, "stances-1-topic": tariffs.pk, "stances-1-label": "none",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    added = quote.stances.get(topic=tariffs)
    assert (added.label, added.source) == ("none", Stance.Source.HUMAN)
    assert added.history.get().history_user == superuser


def test_admin_quote_list_queries_do_not_grow_with_rows(client, superuser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:quotes_quote_changelist")).status_code == 200
        return len(queries)

    QuoteFactory.create_batch(2)
    few = count()
    QuoteFactory.create_batch(20)
    assert count() == few


def test_admin_merge_action_goes_to_the_confirming_merge_page(client, superuser, article):
    speakers = list(Speaker.objects.all())
    response = client.post(reverse("admin:quotes_speaker_changelist"),
                           {"action": "merge_selected", "_selected_action": [s.pk for s in speakers]})
    assert response.status_code == 302 and response["Location"].startswith(reverse("quotes:speaker_merge"))
    assert Speaker.objects.count() == len(speakers)  # nothing merged before the admin picks and confirms


def test_admin_reassign_goes_through_the_service_and_adds_no_alias(client, superuser, article):
    quote = _flynn(article)
    holt = Speaker.objects.get(name="Dana Holt")
    response = client.post(reverse("admin:quotes_quote_change", args=[quote.pk]), {
        "speaker": holt.pk, "stances-TOTAL_FORMS": "0", "stances-INITIAL_FORMS": "0",
        "stances-MIN_NUM_FORMS": "0", "stances-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.speaker == holt and quote.corrected_fields == ["speaker"]
    assert not SpeakerAlias.objects.filter(normalized="flynn").exists()


def test_admin_rejects_instead_of_deleting_so_reprocessing_does_not_bring_it_back(client, superuser, monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    article = services.article_ingest(text="Talks ended.\n“Nothing was agreed,” Anna Kowalska said.")
    services.article_process(article=article)
    quote = article.quotes.get()
    assert client.post(reverse("admin:quotes_quote_delete", args=[quote.pk]), {"post": "yes"}).status_code == 403
    client.post(reverse("admin:quotes_quote_changelist"), {"action": "reject", "_selected_action": [quote.pk]})
    reprocess(article)
    assert list(article.quotes.all()) == [quote]
    assert not article.quotes.visible().exists()


def test_admin_corrects_a_speaker_and_their_aliases_on_the_speaker_page(client, admin):
    speaker = SpeakerFactory(name="Ana Kowalska", slug="ana-kowalska", role="")
    QuoteFactory(speaker=speaker)
    html = client.get(speaker.get_absolute_url()).content.decode()
    assert reverse("quotes:speaker_update", args=[speaker.slug]) in html
    client.post(reverse("quotes:speaker_update", args=[speaker.slug]),
                {"name": "Anna Kowalska", "role": "Foreign Minister", "organisation": "", "reason": "typo"})
    speaker.refresh_from_db()
    assert (speaker.name, speaker.role, speaker.slug) == ("Anna Kowalska", "Foreign Minister", "ana-kowalska")
    client.post(reverse("quotes:speaker_alias_add", args=[speaker.slug]), {"alias": "Kowalska"})
    alias = speaker.aliases.get(alias="Kowalska")
    client.post(reverse("quotes:speaker_alias_remove", args=[alias.pk]), {"reason": "shared surname"})
    assert not speaker.aliases.filter(alias="Kowalska").exists()
    history = client.get(reverse("quotes:speaker_history", args=[speaker.slug])).content.decode()
    assert "typo" in history and "shared surname" in history and "Ana Kowalska" in history


def test_speaker_corrections_are_refused_to_an_editor(client_as):
    client = client_as("editor")
    speaker = SpeakerFactory(name="Ana Kowalska", slug="ana-kowalska")
    response = client.post(reverse("quotes:speaker_update", args=[speaker.slug]), {"name": "Someone"})
    assert response.status_code == 403
    assert client.post(reverse("quotes:speaker_alias_add", args=[speaker.slug]), {"alias": "X"}).status_code == 403
    speaker.refresh_from_db()
    assert speaker.name == "Ana Kowalska"


def test_a_quote_history_stays_readable_after_its_article_was_deleted(client, admin, article):
    quote = _flynn(article)
    client.post(reverse("quotes:quote_reject", args=[quote.pk]), {"reason": "a headline"})
    quote_id = quote.pk
    article.delete()
    response = client.get(reverse("quotes:quote_history", args=[quote_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "a headline" in html and "deleted" in html
    assert client.get(reverse("quotes:quote_history", args=[999999])).status_code == 404
