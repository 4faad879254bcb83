"""The dashboard, the article list and the article page: numbers, filters, labels, the status partial."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quotes.models import Article
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def editor(client_as):
    return client_as("editor")


def _quote(article, speaker, label=None, topic=None, **fields):
    quote = QuoteFactory(article=article, speaker=speaker, **fields)
    if label:
        StanceFactory(quote=quote, topic=topic, label=label)
    return quote


def _article(days_ago: float, n: int, **fields):
    body = " ".join(f"“Line {i} of {n},” she said." for i in range(8))
    return ArticleFactory(body=f"{days_ago}-{n}. {body}", published_at=timezone.now() - timedelta(days=days_ago),
                          **fields)


@pytest.fixture
def week():
    """This week: Holt 3 quotes (2 favor, 1 against), Petrov 1 (against), one rejected; last week
    Petrov 2 against; a pending and a failed article."""
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    petrov = SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov")
    now_article, old_article = _article(1, 1), _article(9, 2)
    body = now_article.body
    spans = [(body.index(f"“Line {i}"), body.index("”", body.index(f"“Line {i}")) + 1) for i in range(6)]
    for (start, end), (speaker, label) in zip(spans, [(holt, "favor"), (holt, "favor"), (holt, "against"),
                                                    (petrov, "against")], strict=False):
        _quote(now_article, speaker, label, topic, start=start, end=end, text=body[start:end])
    start, end = spans[4]
    _quote(now_article, petrov, "favor", topic, start=start, end=end, text=body[start:end], is_rejected=True)
    for i in range(2):
        start = old_article.body.index(f"“Line {i}")
        end = old_article.body.index("”", start) + 1
        _quote(old_article, petrov, "against", topic, start=start, end=end, text=old_article.body[start:end])
    _article(2, 3, status=Article.Status.PENDING)
    _article(3, 4, status=Article.Status.FAILED)
    return topic


def test_dashboard_counts_statuses_review_queue_quotes_and_speakers_this_week(editor, week):
    response = editor.get(reverse("quotes:dashboard"))
    assert response.status_code == 200
    context = response.context
    assert dict((value, count) for value, _, count in context["statuses"]) == {
        "pending": 1, "processing": 0, "done": 2, "failed": 1}
    assert context["article_total"] == 4
    assert context["quotes_this_week"] == 4  # the rejected quote is not counted; last week's neither
    assert [(row["speaker__name"], row["count"]) for row in context["top_speakers"]] == [
        ("Dana Holt", 3), ("Ivan Petrov", 1)]
    html = response.content.decode()
    assert 'href="/speakers/dana-holt/"' in html
    assert 'hx-get="/dashboard/counts/"' in html and 'hx-trigger="every 10s"' in html
    assert "<script>" not in html  # no inline script: the polling is htmx attributes


def test_dashboard_topic_balance_and_its_trend(editor, week):
    balance = editor.get(reverse("quotes:dashboard")).context["balances"][0]
    assert balance.topic == week
    this, previous = balance.this_week, balance.previous_week
    assert (this.favor, this.against, this.none) == (2, 2, 0)
    assert (previous.favor, previous.against, previous.none) == (0, 2, 0)
    assert (this.net, previous.net, balance.trend) == (0, -100, 100)
    html = editor.get(reverse("quotes:dashboard")).content.decode()
    assert "▲ 100 points more in favor than the week before" in html
    assert '<svg class="weeks-chart"' in html and 'class="bar-favor"' in html


def test_an_inactive_topic_has_no_balance(editor, week):
    week.is_active = False
    week.save()
    assert editor.get(reverse("quotes:dashboard")).context["balances"] == []


def test_dashboard_counts_partial_answers_the_poll(editor, week):
    response = editor.get(reverse("quotes:dashboard_counts"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="dashboard-counts"' in html and 'href="/review/"' in html
    assert 'data-status="pending">Pending <strong>1</strong>' in html


def test_review_queue_size_is_cached_for_a_minute(editor, week):
    size = editor.get(reverse("quotes:dashboard")).context["review_size"]
    QuoteFactory(speaker=None, speaker_mention="")  # one more unattributed quote
    assert editor.get(reverse("quotes:dashboard")).context["review_size"] == size
    cache.clear()
    assert editor.get(reverse("quotes:dashboard")).context["review_size"] == size + 1


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_and_article_list_queries_do_not_grow_with_rows(editor, week):
    urls = [reverse("quotes:dashboard"), reverse("quotes:article_list"), reverse("quotes:article_list") + "?q=Line"]
    before = [_queries(editor, url) for url in urls]
    topic = TopicFactory(name="Tariffs", slug="tariffs")
    for n in range(5):
        article = _article(n % 10, 100 + n)
        for i in range(3):
            start = article.body.index(f"“Line {i}")
            _quote(article, SpeakerFactory(), "none", topic, start=start, end=article.body.index("”", start) + 1)
    assert [_queries(editor, url) for url in urls] == before


# --- Article list -------------------------------------------------------------------


@pytest.fixture
def shelf():
    old = ArticleFactory(title="Tariff talks", outlet="Gazette", published_at=timezone.now() - timedelta(days=40),
                         body="Tariffs were discussed. “No,” he said.")
    new = ArticleFactory(title="Ceasefire plan", outlet="Herald", published_at=timezone.now() - timedelta(days=2),
                         body="A grain corridor was proposed.")
    failed = ArticleFactory(title="Budget", outlet="Herald", status=Article.Status.FAILED,
                            published_at=timezone.now() - timedelta(days=5), body="Numbers.")
    QuoteFactory(article=old)
    return old, new, failed


def _titles(response) -> list[str]:
    return [article.title for article in response.context["page"].object_list]


def test_article_list_moved_to_articles(editor, shelf):
    assert reverse("quotes:article_list") == "/articles/"
    assert _titles(editor.get("/articles/")) == ["Ceasefire plan", "Budget", "Tariff talks"]


@pytest.mark.parametrize(
    "query, titles",
    [
        ("q=corridor", ["Ceasefire plan"]),  # the body
        ("q=gazette", ["Tariff talks"]),  # the outlet
        ("q=BUDGET", ["Budget"]),  # the title, any case
        ("outlet=herald", ["Ceasefire plan", "Budget"]),
        ("status=failed", ["Budget"]),
        (f"published_after={(timezone.now() - timedelta(days=10)).date()}", ["Ceasefire plan", "Budget"]),
        (f"published_before={(timezone.now() - timedelta(days=10)).date()}", ["Tariff talks"]),
        ("sort=title", ["Budget", "Ceasefire plan", "Tariff talks"]),
        ("sort=-title", ["Tariff talks", "Ceasefire plan", "Budget"]),
        ("sort=-quotes", ["Tariff talks", "Budget", "Ceasefire plan"]),
        ("sort=published", ["Tariff talks", "Budget", "Ceasefire plan"]),
        ("q=nothing-like-this", []),
    ],
)
def test_article_list_searches_filters_and_sorts(editor, shelf, query, titles):
    response = editor.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert _titles(response) == titles


def test_article_list_shows_counts(editor, shelf):
    rows = {article.title: article for article in editor.get("/articles/").context["page"].object_list}
    assert (rows["Tariff talks"].quote_count, rows["Tariff talks"].speaker_count) == (1, 1)
    assert (rows["Budget"].quote_count, rows["Budget"].speaker_count) == (0, 0)


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=finished", "Status “finished”: Select a valid choice"),
        ("published_after=yesterday", "Published from “yesterday”: Enter a valid date."),
        ("published_after=2025-03-01&published_before=2025-02-01", "The end date is before the start date."),
        ("sort=popularity", "Sort “popularity”: Select a valid choice"),
    ],
)
def test_article_list_bad_values_give_the_page_with_a_message_and_no_articles(editor, shelf, query, message):
    response = editor.get(f"/articles/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-errors"' in html and message in html
    assert _titles(response) == []
    assert 'id="article-filters"' in html  # the form stays, to fix the value


def test_article_list_pagination_and_sort_links_keep_every_filter(editor, monkeypatch):
    from quotes import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(5):
        ArticleFactory(title=f"Herald {n}", outlet="Herald", body=f"Herald body {n}")
    ArticleFactory(title="Elsewhere", outlet="Gazette")
    response = editor.get("/articles/?outlet=Herald&status=done&sort=title")
    assert _titles(response) == ["Herald 0", "Herald 1"]
    html = response.content.decode()
    assert 'href="?outlet=Herald&amp;status=done&amp;sort=title&amp;page=2"' in html
    second = editor.get("/articles/?outlet=Herald&status=done&sort=title&page=2")
    assert _titles(second) == ["Herald 2", "Herald 3"]
    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["title"]["url"] == "?outlet=Herald&status=done&sort=-title"  # toggles, keeps the filters
    assert columns["title"]["aria_sort"] == "ascending" and columns["quotes"]["aria_sort"] == "none"


# --- Article page -------------------------------------------------------------------


@pytest.fixture
def article_with_stances():
    topic = TopicFactory()
    body = "Envoys met.\n“It was useful,” said Holt.\nPetrov said the talks were void.\n“No comment,” he added."
    article = ArticleFactory(title="Envoys meet", body=body)
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    petrov = SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov")

    def span(text):
        return {"start": body.index(text), "end": body.index(text) + len(text), "text": text}

    favor = _quote(article, holt, "favor", topic, **span("“It was useful,”"), attribution_confidence=0.95)
    against = _quote(article, petrov, "against", topic, **span("the talks were void"), is_direct=False,
                     attribution_confidence=0.6)
    unclassified = _quote(article, petrov, None, None, **span("“No comment,”"), cue="added",
                          attribution_confidence=0.8)
    return article, favor, against, unclassified


def test_article_page_colours_and_labels_highlights_with_a_legend(editor, article_with_stances):
    article, favor, against, unclassified = article_with_stances
    html = editor.get(article.get_absolute_url()).content.decode()
    assert 'id="stance-legend"' in html
    assert f'class="quote-mark stance-favor" href="#quote-{favor.pk}"' in html
    assert f'class="quote-mark stance-against indirect" href="#quote-{against.pk}"' in html
    assert f'class="quote-mark stance-unclassified" href="#quote-{unclassified.pk}"' in html
    # The stance in words beside each highlight, not colour alone.
    assert f'id="mark-tag-{favor.pk}"><span class="visually-hidden">stance: </span>+ favor' in html
    assert f'id="mark-tag-{against.pk}"><span class="visually-hidden">stance: </span>− against' in html
    assert f'id="mark-tag-{unclassified.pk}"><span class="visually-hidden">stance: </span>? not classified' in html
    assert "reported speech" in html and "direct quote" in html
    assert '<meta http-equiv="refresh"' not in html


def test_article_page_explains_cue_and_confidence_in_words(editor, article_with_stances):
    article, favor, against, unclassified = article_with_stances
    response = editor.get(article.get_absolute_url())
    html = response.content.decode()
    assert ("A direct quote (in quote marks). Attributed by the verb ‘said’ right after the quote; "
            "confidence high (0.95).") in html
    assert ("Reported speech (no quote marks). Attributed by the verb ‘said’ before the quote; "
            "confidence low (0.60).") in html
    assert "Attributed by the verb ‘added’ right after the quote; confidence medium (0.80)." in html


def test_article_page_names_an_unknown_topic(editor, article_with_stances):
    article = article_with_stances[0]
    html = editor.get(article.get_absolute_url() + "?topic=nope").content.decode()
    assert "There is no active topic “nope”" in html
    assert "stance-favor" in html


def test_a_busy_article_polls_its_status_and_gets_the_quotes_when_done(editor):
    article = ArticleFactory(status=Article.Status.PENDING)
    status_url = reverse("quotes:article_status", args=[article.pk])
    page = editor.get(article.get_absolute_url()).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page

    polled = editor.get(status_url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "<html" not in polled.content.decode()
    assert 'id="article-status"' in polled.content.decode() and "HX-Retarget" not in polled

    Article.objects.filter(pk=article.pk).update(status=Article.Status.DONE)
    QuoteFactory(article=article)
    done = editor.get(status_url, headers={"HX-Request": "true"})
    assert (done["HX-Retarget"], done["HX-Reselect"], done["HX-Reswap"]) == (
        "#article-workspace", "#article-workspace", "outerHTML")
    html = done.content.decode()
    assert 'id="article-workspace"' in html and "quote-mark" in html
    assert 'hx-trigger="every 2s"' not in html  # no more polling

