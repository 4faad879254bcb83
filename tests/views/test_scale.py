"""The pages at scale: queries per page do not grow with rows; exports equal the screen, stream,
are formula-safe and for analysts and admins only; full-text search; the synthetic seeding."""
import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quotes.management.commands.bench_pages import _pages, busiest_topic
from quotes.models import Article, Quote, Speaker, Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client):
    client.force_login(UserFactory(role="analyst"))
    return client


def _seed(articles: int, quotes: int, speakers: int) -> None:
    call_command("seed_synthetic", articles=articles, quotes=quotes, speakers=speakers, topics=2, flush=True,
                 stdout=io.StringIO())


def _queries_per_page() -> dict[str, int]:
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(role="analyst", username="counting-analyst"))
    counts = {}
    # A word of a quote the filtered explorer shows (direct, against on the topic): rows at both sizes.
    shown = Quote.objects.filter(is_direct=True, stances__topic=busiest_topic(), stances__label="against")
    word = shown.order_by("pk").first().text.strip("“”.").split()[1]
    for name, url in _pages(word).items():
        if name.startswith("export"):
            continue
        cache.clear()  # the cached counts are computed in both sizes alike
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        if name.startswith("explorer"):
            assert b'id="quote-table"' in response.content or name == "explorer_page_100", name  # rows shown
        counts[name] = len(queries)
    return counts


def test_queries_per_page_do_not_grow_with_rows():
    _seed(articles=5, quotes=60, speakers=8)
    small = _queries_per_page()
    _seed(articles=40, quotes=400, speakers=30)
    assert Quote.objects.count() == 400 and Stance.objects.count() >= 800
    large = _queries_per_page()
    assert large == small
    assert set(small) >= {"explorer", "explorer_filtered", "explorer_page_100", "speaker_top", "topic",
                          "speaker_list", "article_list", "article", "start"}


def test_explorer_has_no_select_of_every_speaker(analyst):
    SpeakerFactory.create_batch(5)
    html = analyst.get(reverse("quotes:quote_list")).content.decode()
    assert '<select name="speaker"' not in html
    assert 'name="speaker"' in html


def test_explorer_speaker_slug_filters_and_an_unknown_one_is_a_clear_400(analyst):
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    QuoteFactory(speaker=holt, article=ArticleFactory(body="“A useful meeting,” Holt said."))
    QuoteFactory(article=ArticleFactory(body="“Talks are void,” Petrov said."))
    html = analyst.get(reverse("quotes:quote_list"), {"speaker": "dana-holt"}).content.decode()
    assert "A useful meeting" in html and "Talks are void" not in html
    response = analyst.get(reverse("quotes:quote_list"), {"speaker": "nobody-at-all"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Talks are void" not in html and "A useful meeting" not in html


def test_full_text_search_matches_word_forms_ranked_first(analyst):
    """PostgreSQL: stems match ("ceasefires" finds "ceasefire"); SQLite: a substring match."""
    QuoteFactory(article=ArticleFactory(body="“The ceasefire must hold, the ceasefire is all,” she said."))
    QuoteFactory(article=ArticleFactory(body="“We discussed the ceasefire and grain,” he said."))
    QuoteFactory(article=ArticleFactory(body="“Grain prices fell,” he said."))
    query = "ceasefires" if connection.vendor == "postgresql" else "ceasefire"
    html = analyst.get(reverse("quotes:quote_list"), {"q": query}).content.decode()
    assert "Grain prices fell" not in html
    if connection.vendor == "postgresql":
        assert html.index("The ceasefire must hold") < html.index("We discussed the ceasefire")


# --- Exports ----------------------------------------------------------------------


@pytest.fixture
def quotes_on_topic():
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    for number, label in enumerate(["favor", "against", "favor", "none"]):
        quote = QuoteFactory(
            speaker=holt if number % 2 == 0 else None,
            article=ArticleFactory(body=f"Para {number}.\n“Talks round {number} went well,” Holt said.",
                                   outlet="a.example" if number < 3 else "b.example"),
        )
        StanceFactory(quote=quote, topic=topic, label=label)
    return topic


def _screen_ids(client, params) -> list[int]:
    html = client.get(reverse("quotes:quote_list"), params).content.decode()
    return [int(pk) for pk in re.findall(r"#quote-(\d+)", html)]


def _csv_rows(client, params) -> list[dict]:
    response = client.get(reverse("quotes:quote_export"), params)
    assert response.status_code == 200 and response.streaming
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _json_rows(client, params) -> list[dict]:
    response = client.get(reverse("quotes:quote_export_json"), params)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]


@pytest.mark.parametrize(
    "params",
    [{}, {"stance": "favor"}, {"outlet": "a.example", "speaker": "dana-holt"}, {"q": "round", "is_direct": "true"},
     {"sort": "confidence"}, {"stance": "against", "topic": "us-russia-ukraine-talks"}],
)
def test_exports_equal_the_screen(analyst, quotes_on_topic, params):
    screen = _screen_ids(analyst, params)
    assert _csv_rows(analyst, params) and screen
    assert [int(row["quote_id"]) for row in _csv_rows(analyst, params)] == screen
    assert [row["quote_id"] for row in _json_rows(analyst, params)] == screen


def test_export_rows_carry_the_filtered_topics_stance(analyst, quotes_on_topic):
    rows = _json_rows(analyst, {"topic": quotes_on_topic.slug, "stance": "favor"})
    assert [(row["speaker"], row["stance"], row["topic"]) for row in rows] == [
        ("Dana Holt", "favor", quotes_on_topic.name)
    ] * 2


def test_invalid_export_filter_is_a_400_not_everything(analyst, quotes_on_topic):
    for url in ("quotes:quote_export", "quotes:quote_export_json"):
        response = analyst.get(reverse(url), {"min_confidence": "lots"})
        assert response.status_code == 400 and "min_confidence" in response.json()


def test_csv_export_defuses_spreadsheet_formulas(analyst):
    body = "“=HYPERLINK(1)” said +Alice. @x -y"
    article = ArticleFactory(body=body, title="\tTabbed title")
    QuoteFactory(article=article, start=0, end=14, text="=HYPERLINK(1)", speaker_mention="+Alice",
                 cue="@said", speaker=SpeakerFactory(name="-Minus", slug="minus", role="\rrole"))
    (row,) = _csv_rows(analyst, {})
    assert (row["quote"], row["speaker_mention"], row["cue"], row["speaker"], row["speaker_role"],
            row["article_title"]) == ("'=HYPERLINK(1)", "'+Alice", "'@said", "'-Minus", "'\rrole", "'\tTabbed title")
    (raw,) = _json_rows(analyst, {})
    assert raw["quote"] == "=HYPERLINK(1)"  # JSON is data, not a spreadsheet: kept as stored


@pytest.mark.parametrize("url", ["quotes:quote_export", "quotes:quote_export_json"])
def test_exports_are_for_analysts_and_admins_only(client, url):
    QuoteFactory()
    assert client.get(reverse(url)).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory(role="editor"))
    assert client.get(reverse(url)).status_code == 403
    for role in ("analyst", "admin"):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse(url)).status_code == 200


def test_export_streams_in_chunks_with_one_stance_query_per_chunk(analyst, settings):
    from quotes import selectors

    _seed(articles=5, quotes=selectors.EXPORT_CHUNK + 10, speakers=4)
    with CaptureQueriesContext(connection) as queries:
        rows = _csv_rows(analyst, {})
    assert len(rows) == Stance.objects.count()
    stance_queries = [q for q in queries if 'FROM "quotes_stance"' in q["sql"]]
    assert len(stance_queries) == 2  # two chunks, not one query per quote


# --- Pages ------------------------------------------------------------------------


def test_speaker_page_paginates_quotes_grouped_by_article(analyst):
    speaker = SpeakerFactory()
    for number in range(55):
        QuoteFactory(speaker=speaker, article=ArticleFactory(body=f"Intro {number}.\n“Point {number} stands,” X said."))
    html = analyst.get(speaker.get_absolute_url()).content.decode()
    assert html.count('class="quote-card"') == 50 and html.count('class="quote-group"') == 50
    assert "Page 1 of 2" in html
    html = analyst.get(speaker.get_absolute_url(), {"page": 2}).content.decode()
    assert html.count('class="quote-card"') == 5


def test_topic_page_counts_follow_an_edit_at_once(analyst, quotes_on_topic):
    url = quotes_on_topic.get_absolute_url()
    assert "net +2 (favor 2, against 0, none 0)" in analyst.get(url).content.decode()
    stance = Stance.objects.filter(quote__speaker__slug="dana-holt", label="favor").first()
    stance.label = "against"
    stance.save()
    assert "net +0 (favor 1, against 1, none 0)" in analyst.get(url).content.decode()


# --- seed_synthetic ----------------------------------------------------------------


def test_seed_synthetic_is_skewed_consistent_and_replaceable():
    out = io.StringIO()
    call_command("seed_synthetic", articles=20, quotes=600, speakers=50, topics=2, stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (figures["articles"], figures["quotes"], figures["speakers"], figures["stances"]) == (20, 600, 50, 1200)
    per_speaker = sorted((s.quotes.count() for s in Speaker.objects.all()), reverse=True)
    assert per_speaker[0] > 10 * 600 / 50  # a few speakers hold a large share
    for quote in Quote.objects.select_related("article"):
        assert quote.article.body[quote.start : quote.end] == quote.text
    assert Quote.objects.filter(is_direct=False).exists() and Quote.objects.filter(is_direct=True).exists()
    assert len(set(Article.objects.values_list("outlet", flat=True))) > 3
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_synthetic", articles=2, quotes=4, speakers=2, stdout=io.StringIO())
    call_command("seed_synthetic", articles=2, quotes=4, speakers=2, flush=True, stdout=io.StringIO())
    assert (Article.objects.count(), Quote.objects.count(), Speaker.objects.count()) == (2, 4, 2)


def test_seed_synthetic_refuses_a_database_with_real_articles():
    ArticleFactory()
    with pytest.raises(CommandError, match="real article"):
        call_command("seed_synthetic", articles=2, quotes=4, speakers=2, stdout=io.StringIO())
    call_command("seed_synthetic", articles=2, quotes=4, speakers=2, force=True, stdout=io.StringIO())
    assert Article.objects.count() == 3


def test_bench_pages_prints_a_table_and_json_keyed_by_page():
    _seed(articles=4, quotes=20, speakers=3)
    out = io.StringIO()
    call_command("bench_pages", runs=1, warmup=0, stdout=out)
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert figures["explorer_filtered"]["status"] == 200 and figures["speaker_top"]["queries"] > 0
    assert figures["export_csv"]["rows"] == Stance.objects.count() == figures["export_json"]["rows"]


# --- Bounded counts ------------------------------------------------------------------


def test_bounded_paginator_counts_up_to_its_cap_and_pages_the_same_rows():
    from django.core.paginator import Paginator

    from quotes.selectors import BoundedPaginator, quote_list

    _seed(articles=6, quotes=60, speakers=5)
    _, quotes = quote_list(data={})
    exact, bounded = Paginator(quotes, 10), BoundedPaginator(quotes, 10, cap=1000)
    assert (bounded.count, bounded.capped, bounded.count_label) == (60, False, "60")
    for number in (1, 3, 6):
        assert [q.pk for q in bounded.page(number)] == [q.pk for q in exact.page(number)]
    capped = BoundedPaginator(quotes, 10, cap=25)
    with CaptureQueriesContext(connection) as queries:
        assert (capped.count, capped.capped, capped.count_label, capped.num_pages_label) == (25, True, "25+", "3+")
    (count_sql,) = [q["sql"] for q in queries]
    assert "LIMIT 26" in count_sql and "ORDER BY" not in count_sql  # bounded, and no sort to count
    assert [q.pk for q in capped.get_page(3)] == [q.pk for q in exact.page(3)][:5]  # the first 25 rows
    assert capped.get_page(9).number == 3  # past the cap: its last page
    exact_at_cap = BoundedPaginator(quotes, 10, cap=60)
    assert (exact_at_cap.count, exact_at_cap.capped) == (60, False)


def test_explorer_article_list_and_speaker_page_say_when_a_count_is_capped(analyst, monkeypatch):
    from quotes import selectors

    _seed(articles=6, quotes=60, speakers=5)
    monkeypatch.setattr(selectors, "COUNT_CAP", 20)
    html = analyst.get(reverse("quotes:quote_list")).content.decode()
    assert re.search(r'id="quote-count">20\+ quotes', html)
    html = analyst.get(reverse("quotes:article_list")).content.decode()
    assert re.search(r'id="article-count">6 articles', html)  # under the cap: exact
    monkeypatch.setattr(selectors, "ARTICLE_COUNT_CAP", 4)
    assert re.search(r'id="article-count">4\+ articles', analyst.get(reverse("quotes:article_list")).content.decode())
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    speaker = Speaker.objects.annotate(n=Count("quotes")).order_by("-n").first()
    assert "(4+)" in analyst.get(speaker.get_absolute_url()).content.decode()


# --- The article list's search --------------------------------------------------------


def test_article_search_finds_substrings_of_title_outlet_and_body_as_before(analyst):
    """The trigram indexes (migration 0012) serve the same icontains match: every article whose
    title, outlet or body holds the text, in any case, and no other."""
    _seed(articles=30, quotes=120, speakers=6)
    ArticleFactory(title="Old LIGHTHOUSE reopens", body="Nothing said.", outlet="x.example")
    ArticleFactory(title="Other", body="The lighthouse deal held.", outlet="y.example")
    ArticleFactory(title="Other", body="No match.", outlet="lighthouse-news.example")
    for text in ("lighthouse", "ighthou", "CeaseFire", "easefir", "Berg", "zzz-nothing"):
        wanted = {a.pk for a in Article.objects.all() if any(text.lower() in (value or "").lower()
                                                           for value in (a.title, a.outlet, a.body))}
        from quotes.selectors import article_search

        _, found = article_search(data={"q": text})
        assert set(found.values_list("pk", flat=True)) == wanted, text
    html = analyst.get(reverse("quotes:article_list"), {"q": "Lighthouse"}).content.decode()
    assert re.search(r'id="article-count">3 articles', html)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_article_search_can_use_the_trigram_indexes():
    from quotes.selectors import article_search

    ArticleFactory(body="The ceasefire must hold.")
    _, found = article_search(data={"q": "ceasefire"})
    sql, params = found.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show the index path
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert all(name in plan for name in ("article_title_trgm_idx", "article_outlet_trgm_idx", "article_body_trgm_idx"))


def test_explorer_counts_once_per_filter_state_and_an_edit_counts_again(analyst):
    cache.clear()
    _seed(articles=6, quotes=60, speakers=5)
    speaker = Speaker.objects.annotate(n=Count("quotes")).order_by("-n").first()
    url = reverse("quotes:quote_list")

    def counts(params):
        with CaptureQueriesContext(connection) as queries:
            html = analyst.get(url, params).content.decode()
        shown = int(re.search(r'id="quote-count">(\d+) quote', html).group(1))
        return shown, sum('SELECT COUNT(*)' in q["sql"] for q in queries)

    shown, counted = counts({"speaker": speaker.slug})
    assert shown == speaker.quotes.count() and counted == 1
    assert counts({"speaker": speaker.slug, "page": 2, "sort": "oldest"}) == (shown, 0)  # same filters: cached
    assert counts({"speaker": speaker.slug, "is_direct": "true"})[1] == 1  # other filters: counted
    QuoteFactory(speaker=speaker)  # an edit changes the data stamp: counted afresh
    assert counts({"speaker": speaker.slug}) == (shown + 1, 1)
