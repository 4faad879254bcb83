"""/review/: what most needs a person, who may see it, and what each action does."""
import pytest
from django.urls import reverse

from quotes import services, tasks
from quotes.models import QuoteFlag, Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
REVIEW = reverse("quotes:review_queue")


@pytest.fixture
def retrains(monkeypatch):
    """Topics whose retraining was scheduled (the worker is not part of these tests)."""
    scheduled = []
    monkeypatch.setattr(
        tasks.topic_retrain, "apply_async_on_commit", lambda args, **kwargs: scheduled.append(args[0])
    )
    return scheduled


def kinds_and_quotes(response):
    return [(item.kind, item.quote.pk) for item in response.context["queue"].items]


def test_anonymous_users_go_to_the_login_page_and_users_without_a_role_are_refused(client):
    response = client.get(REVIEW)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(REVIEW).status_code == 403


@pytest.mark.parametrize("role", ["editor", "analyst", "admin"])
def test_every_role_that_sets_stances_reads_the_queue(client, request, role, newsroom):
    client.force_login(request.getfixturevalue(role))
    assert client.get(REVIEW).status_code == 200


def test_each_kind_appears_once_in_working_order_and_the_page_shows_the_size(client, admin, editor, newsroom):
    flagged = QuoteFactory(article=ArticleFactory(body="“Fine,” Holt said."), attribution_confidence=0.95)
    services.quote_flag(quote=flagged, kind="wrong_speaker", note="It was Petrov.", by=editor)
    client.force_login(admin)
    response = client.get(REVIEW)
    assert kinds_and_quotes(response) == [
        ("flag", flagged.pk),
        ("unattributed", newsroom["unattributed"].pk),
        ("low_confidence", newsroom["doubtful"].pk),
        ("stance", newsroom["sure"].pk),  # only its uncertain stance (sanctions), not the confident one
    ]
    assert response.context["queue"].counts == {"flag": 1, "unattributed": 1, "low_confidence": 1, "stance": 1}
    html = response.content.decode()
    assert "<strong>4</strong> items need a person" in html
    assert "It was Petrov." in html
    assert f'id="review-stance-{newsroom["torn"].pk}"' in html


def test_the_confidence_threshold_is_a_setting(client, admin, newsroom, settings):
    settings.NEWSDESK = {**settings.NEWSDESK, "REVIEW_MIN_CONFIDENCE": 0.95, "REVIEW_STANCE_MAX_CONFIDENCE": 0.1}
    client.force_login(admin)
    response = client.get(REVIEW, {"kind": "low_confidence"})
    assert {pk for _, pk in kinds_and_quotes(response)} == {newsroom["doubtful"].pk, newsroom["sure"].pk}
    assert response.context["queue"].counts["stance"] == 0


def test_low_confidence_quotes_come_least_confident_first(client, admin):
    quotes = [QuoteFactory(attribution_confidence=value) for value in (0.6, 0.2, 0.4)]
    client.force_login(admin)
    response = client.get(REVIEW, {"kind": "low_confidence"})
    assert [pk for _, pk in kinds_and_quotes(response)] == [quotes[1].pk, quotes[2].pk, quotes[0].pk]


def test_uncertain_stances_are_ranked_for_learning_spread_over_speakers_and_topics_take_turns(client, admin):
    topic = TopicFactory()
    holt, petrov = SpeakerFactory(name="Dana Holt"), SpeakerFactory(name="Ivan Petrov")

    def stance(speaker, favor, against, on=topic):
        quote = QuoteFactory(speaker=speaker)
        return StanceFactory(quote=quote, topic=on, score_favor=favor, score_against=against,
                             score_none=1 - favor - against)

    holt_coin_toss = stance(holt, 0.40, 0.39)
    holt_close, holt_closer = stance(holt, 0.42, 0.38), stance(holt, 0.41, 0.38)
    petrov_leaning = stance(petrov, 0.55, 0.30)
    other_topic = TopicFactory(name="Sanctions", slug="sanctions", description="sanctions")
    sanctions = stance(petrov, 0.5, 0.3, on=other_topic)
    client.force_login(admin)
    items = client.get(REVIEW, {"kind": "stance"}).context["queue"].items
    assert [item.stance.pk for item in items] == [
        holt_coin_toss.pk, sanctions.pk,  # the most uncertain of each topic, topics taking turns
        petrov_leaning.pk,  # another speaker before Holt's third near-identical doubt
        holt_closer.pk, holt_close.pk,
    ]
    only_sanctions = client.get(REVIEW, {"kind": "stance", "topic": "sanctions"}).context["queue"]
    assert [item.stance.pk for item in only_sanctions.items] == [sanctions.pk]


def test_an_accepted_attribution_leaves_the_queue(client, admin, newsroom):
    client.force_login(admin)
    quote = newsroom["doubtful"]
    response = client.post(reverse("quotes:review_accept", args=[quote.pk]), {"next": f"{REVIEW}?kind=low_confidence"})
    assert response.status_code == 302 and response["Location"] == f"{REVIEW}?kind=low_confidence"
    quote.refresh_from_db()
    assert quote.reviewed_by == admin
    assert ("low_confidence", quote.pk) not in kinds_and_quotes(client.get(REVIEW))


def test_a_stance_labelled_in_the_queue_is_human_leaves_the_queue_and_schedules_the_retrain(
    client, editor, newsroom, retrains
):
    client.force_login(editor)
    torn = newsroom["torn"]
    response = client.post(reverse("quotes:review_stance", args=[torn.pk]), {"label": "against"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Stance on Sanctions set to against." in response.content.decode()
    torn.refresh_from_db()
    assert (torn.label, torn.source, torn.model_label) == ("against", Stance.Source.HUMAN, "favor")
    assert torn.history.latest().history_user == editor
    assert retrains == [torn.topic_id]
    assert client.get(REVIEW).context["queue"].counts["stance"] == 0


def test_accepting_the_models_stance_labels_it_as_a_person_would(client, editor, newsroom, retrains):
    client.force_login(editor)
    torn = newsroom["torn"]
    client.post(reverse("quotes:review_stance", args=[torn.pk]), {"label": torn.label})
    torn.refresh_from_db()
    assert (torn.label, torn.source) == ("favor", Stance.Source.HUMAN)


def test_a_bad_label_is_refused_and_changes_nothing(client, editor, newsroom, retrains):
    client.force_login(editor)
    torn = newsroom["torn"]
    response = client.post(reverse("quotes:review_stance", args=[torn.pk]), {"label": "maybe"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400 and "not a stance" in response.content.decode()
    torn.refresh_from_db()
    assert torn.source == Stance.Source.MODEL and retrains == []


def test_not_a_quote_flags_the_quote_it_moves_to_the_flags_and_an_admin_resolves_it(client, editor, admin, newsroom):
    quote = newsroom["unattributed"]
    client.force_login(editor)
    client.post(reverse("quotes:quote_flag", args=[quote.pk]), {"kind": "not_a_quote"})
    flag = QuoteFlag.objects.get(quote=quote)
    assert (flag.kind, flag.by, flag.is_open) == ("not_a_quote", editor, True)
    client.force_login(admin)
    assert ("flag", quote.pk) in kinds_and_quotes(client.get(REVIEW))
    assert ("unattributed", quote.pk) not in kinds_and_quotes(client.get(REVIEW))
    client.post(reverse("quotes:flag_resolve", args=[flag.pk]), {"resolution": "Rejected."})
    flag.refresh_from_db()
    assert not flag.is_open and flag.resolution == "Rejected."
    assert ("flag", quote.pk) not in kinds_and_quotes(client.get(REVIEW))


def test_not_a_quote_from_an_admin_rejects_the_quote_resolves_its_flags_and_moves_on(client, editor, admin, newsroom):
    quote = newsroom["doubtful"]
    flag = services.quote_flag(quote=quote, kind="not_a_quote", by=editor)
    client.force_login(admin)
    assert ("flag", quote.pk) in kinds_and_quotes(client.get(REVIEW))
    response = client.post(reverse("quotes:review_reject", args=[quote.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Rejected as not a quote" in response.content.decode()
    quote.refresh_from_db()
    flag.refresh_from_db()
    assert quote.is_rejected and not flag.is_open and flag.resolved_by == admin
    latest = quote.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin, "not a quote (review queue)")
    assert quote.pk not in [quote_pk for _, quote_pk in kinds_and_quotes(client.get(REVIEW))]
    # Without JavaScript the form posts and comes back to the queue it was sent from.
    other = newsroom["unattributed"]
    response = client.post(reverse("quotes:review_reject", args=[other.pk]), {"next": f"{REVIEW}?kind=unattributed"})
    assert response.status_code == 302 and response["Location"] == f"{REVIEW}?kind=unattributed"
    other.refresh_from_db()
    assert other.is_rejected


def test_reassign_from_the_queue_opens_that_quotes_reassign_form_on_the_article_page(client, admin, newsroom):
    client.force_login(admin)
    quote = newsroom["doubtful"]
    html = client.get(f"{REVIEW}?kind=low_confidence").content.decode()
    link = f"{quote.article.get_absolute_url()}?correct={quote.pk}#quote-{quote.pk}"
    assert f'data-key="r" href="{link}"' in html
    page = client.get(link.split("#")[0]).content.decode()
    assert f'<details class="correction" id="correct-{quote.pk}" open>' in page
    assert reverse("quotes:quote_reassign", args=[quote.pk]) in page
    plain = client.get(quote.article.get_absolute_url()).content.decode()
    assert f'<details class="correction" id="correct-{quote.pk}">' in plain  # closed unless asked


def test_a_flag_without_a_valid_kind_is_refused(client, editor):
    client.force_login(editor)
    response = client.post(reverse("quotes:quote_flag", args=[QuoteFactory().pk]), {"kind": "meh"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400 and not QuoteFlag.objects.exists()


def test_the_page_shows_each_role_only_the_actions_it_holds(client, editor, admin, newsroom):
    doubtful = newsroom["doubtful"].pk
    client.force_login(editor)
    html = client.get(REVIEW).content.decode()
    assert reverse("quotes:review_stance", args=[newsroom["torn"].pk]) in html
    assert "review/quotes/" not in html and "Wrong speaker" in html
    # An editor's n and r flag the quote for an admin.
    assert f'hx-post="{reverse("quotes:quote_flag", args=[doubtful])}"' in html
    assert 'value="not_a_quote" data-key="n"' in html and 'value="wrong_speaker" data-key="r"' in html
    client.force_login(admin)
    html = client.get(REVIEW).content.decode()
    assert reverse("quotes:review_accept", args=[doubtful]) in html
    assert "Reassign on the article" in html and "Wrong speaker" not in html
    # An admin's n rejects the quote.
    assert f'hx-post="{reverse("quotes:review_reject", args=[doubtful])}"' in html
    assert reverse("quotes:quote_flag", args=[doubtful]) not in html


@pytest.mark.parametrize(
    "name, data",
    [("review_accept", {}), ("review_reject", {}), ("article_review", {}), ("flag_resolve", {})],
)
def test_editors_and_analysts_may_not_accept_reject_resolve_or_vouch(client, editor, analyst, newsroom, name, data):
    flag = services.quote_flag(quote=newsroom["sure"], kind="other", by=editor)
    target = {"review_accept": newsroom["doubtful"].pk, "review_reject": newsroom["doubtful"].pk,
              "article_review": newsroom["sure"].article_id, "flag_resolve": flag.pk}[name]
    for user in (editor, analyst):
        client.force_login(user)
        assert client.post(reverse(f"quotes:{name}", args=[target]), data).status_code == 403
    client.logout()
    response = client.post(reverse(f"quotes:{name}", args=[target]), data)
    assert response.status_code == 302 and "login" in response["Location"]
    flag.refresh_from_db()
    newsroom["doubtful"].refresh_from_db()
    assert flag.is_open and newsroom["doubtful"].reviewed_at is None and not newsroom["doubtful"].is_rejected


def test_users_without_a_role_may_not_label_or_flag(client, newsroom):
    client.force_login(UserFactory())
    label = client.post(reverse("quotes:review_stance", args=[newsroom["torn"].pk]), {"label": "none"})
    flag = client.post(reverse("quotes:quote_flag", args=[newsroom["sure"].pk]), {"kind": "other"})
    assert (label.status_code, flag.status_code) == (403, 403)
    assert not QuoteFlag.objects.exists()


def test_the_queue_is_paginated(client, admin):
    for _ in range(25):
        QuoteFactory(speaker=None, speaker_mention="", article=ArticleFactory())
    client.force_login(admin)
    first = client.get(REVIEW)
    assert len(first.context["page"].object_list) == 20 and first.context["queue"].size == 25
    assert len(client.get(REVIEW, {"page": 2}).context["page"].object_list) == 5


def test_an_admin_marks_an_article_reviewed_and_a_redirect_never_leaves_the_site(client, admin, newsroom):
    article = newsroom["sure"].article
    client.force_login(admin)
    response = client.post(reverse("quotes:article_review", args=[article.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == REVIEW
    article.refresh_from_db()
    assert article.reviewed_by == admin


def test_the_page_costs_the_same_queries_for_many_items(client, admin, editor, django_assert_max_num_queries):
    topic = TopicFactory()
    for index in range(15):
        quote = QuoteFactory(speaker=None if index % 3 == 0 else SpeakerFactory(), attribution_confidence=0.3)
        StanceFactory(quote=quote, topic=topic, score_favor=0.4, score_against=0.35, score_none=0.25)
        if index % 5 == 0:
            services.quote_flag(quote=QuoteFactory(), kind="other", by=editor)
    client.force_login(admin)
    with django_assert_max_num_queries(16):
        response = client.get(REVIEW)
    assert response.context["queue"].size == 33
