"""The speaker page's stance over time (per week or month by span, one query for every topic and
bucket, SVG with a table of the same numbers) and the topic page's "where they stand" (ranked by net
stance or volume, ties shown as ties, a chart, every number a link into the explorer)."""
import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quotes import selectors
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 12, tzinfo=UTC)  # a Monday


@pytest.fixture
def analyst(client):
    client.force_login(UserFactory(role="analyst"))
    return client


SAID = itertools.count()


def _said(speaker, topic, label, when, *, other_topic=None, other_label="none"):
    body = f"Intro {next(SAID)}.\n“A remark made on {when:%d %b %Y},” they said."
    article = ArticleFactory(body=body, published_at=when)
    quote = QuoteFactory(speaker=speaker, article=article)
    StanceFactory(quote=quote, topic=topic, label=label)
    if other_topic is not None:
        StanceFactory(quote=quote, topic=other_topic, label=other_label)
    return quote


# --- Stance over time ---------------------------------------------------------------


def test_a_short_span_is_charted_per_week_with_every_week_and_a_table(analyst):
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    for days, label in [(0, "favor"), (1, "favor"), (2, "against"), (21, "none")]:
        _said(holt, topic, label, START + timedelta(days=days))
    (timeline,) = selectors.speaker_stance_timelines(speaker=holt)
    assert timeline.unit == "week"
    assert [(b.start.isoformat(), b.favor, b.against, b.none) for b in timeline.buckets] == [
        ("2025-03-03", 2, 1, 0), ("2025-03-10", 0, 0, 0), ("2025-03-17", 0, 0, 0), ("2025-03-24", 0, 0, 1)]
    html = analyst.get(holt.get_absolute_url()).content.decode()
    chart = html[html.index(f'id="timeline-{topic.slug}"'):]
    assert chart.startswith(f'id="timeline-{topic.slug}"') and 'role="img"' in html
    assert "week of 3 Mar 2025: favor 2, against 1, none 0" in chart  # a bar's title
    table = html[html.index(f'id="timeline-table-{topic.slug}"'):html.index("</table>", html.index("timeline-table"))]
    rows = re.findall(r"<tr><td>(.*?)</td>", table)
    assert rows == ["week of 3 Mar 2025", "week of 10 Mar 2025", "week of 17 Mar 2025", "week of 24 Mar 2025"]
    # every count links to the explorer filtered to its quotes, dates included
    link = ('/quotes/?speaker=dana-holt&amp;topic=us-russia-ukraine-talks&amp;stance=favor'
            '&amp;published_after=2025-03-03&amp;published_before=2025-03-09">2</a>')
    assert link in table


def test_a_long_span_is_charted_per_month_and_the_links_find_the_same_quotes(analyst):
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    for days, label in [(0, "favor"), (40, "against"), (41, "against"), (300, "favor")]:
        _said(holt, topic, label, START + timedelta(days=days))
    (timeline,) = selectors.speaker_stance_timelines(speaker=holt)
    assert timeline.unit == "month" and len(timeline.buckets) == 10  # Mar .. Dec 2025, none skipped
    april = timeline.buckets[1]
    assert (april.start.isoformat(), april.end.isoformat(), april.against) == ("2025-04-01", "2025-04-30", 2)
    html = analyst.get(holt.get_absolute_url()).content.decode()
    (url,) = re.findall(r'href="(/quotes/\?[^"]*stance=against[^"]*published_after=2025-04-01[^"]*)">2</a>', html)
    listed = analyst.get(url.replace("&amp;", "&")).content.decode()
    assert len(re.findall(r"#quote-(\d+)", listed)) == 2


def test_only_active_topics_and_shown_quotes_are_charted_and_an_empty_speaker_says_so(analyst):
    active, inactive = TopicFactory(), TopicFactory(name="Old topic", slug="old-topic", is_active=False)
    holt = SpeakerFactory()
    quote = _said(holt, active, "favor", START, other_topic=inactive)
    rejected = _said(holt, active, "against", START + timedelta(days=1))
    rejected.is_rejected = True
    rejected.save()
    (timeline,) = selectors.speaker_stance_timelines(speaker=holt)
    assert timeline.topic == active and (timeline.buckets[0].favor, timeline.buckets[0].against) == (1, 0)
    assert quote.pk
    html = analyst.get(SpeakerFactory().get_absolute_url()).content.decode()
    assert "No stances on an active topic in dated articles yet." in html


def _page_queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_speaker_page_costs_the_same_queries_whatever_the_topics_buckets_and_quotes(analyst):
    first, second = TopicFactory(), TopicFactory(name="Grain deal", slug="grain-deal")
    holt = SpeakerFactory()
    _said(holt, first, "favor", START, other_topic=second)
    small = _page_queries(analyst, holt.get_absolute_url())
    for days in range(0, 700, 9):  # two years: many months, many quotes, both topics
        _said(holt, first, ["favor", "against", "none"][days % 3], START + timedelta(days=days), other_topic=second)
    assert len(selectors.speaker_stance_timelines(speaker=holt)) == 2
    assert _page_queries(analyst, holt.get_absolute_url()) == small


# --- Where they stand -----------------------------------------------------------------


def _stances(topic, speaker, favor=0, against=0, none=0):
    for label, count in (("favor", favor), ("against", against), ("none", none)):
        for _ in range(count):
            _said(speaker, topic, label, START)


@pytest.fixture
def standings():
    topic = TopicFactory()
    people = {name: SpeakerFactory(name=name, slug=name.lower().replace(" ", "-"))
              for name in ("Ann Able", "Ben Bold", "Cy Calm", "Di Dour", "Ed Even")}
    _stances(topic, people["Ann Able"], favor=4)  # net +4
    _stances(topic, people["Ben Bold"], favor=3, against=1, none=1)  # net +2, 5 quotes
    _stances(topic, people["Cy Calm"], favor=2)  # net +2, 2 quotes: a tie with Ben on net
    _stances(topic, people["Di Dour"], against=3)  # net -3
    _stances(topic, people["Ed Even"], favor=1, against=1, none=3)  # net 0, 5 quotes
    return topic


def _ranking(html: str) -> list[tuple[str, str, str]]:
    table = html[html.index('id="topic-speakers"'):]
    return re.findall(r'<tr data-speaker="([^"]+)">\s*<td class="num[^"]*"[^>]*>([^<]+)</td>.*?class="num"><a [^>]*>'
                      r'([^<]+)</a>', table, flags=re.S)


def test_speakers_are_ranked_by_net_stance_and_a_tie_is_a_tie(analyst, standings):
    html = analyst.get(standings.get_absolute_url()).content.decode()
    assert _ranking(html) == [("ann-able", "1", "+4"), ("ben-bold", "=2", "+2"), ("cy-calm", "=2", "+2"),
                              ("ed-even", "4", "+0"), ("di-dour", "5", "-3")]
    assert 'title="a tie: shares rank 2"' in html and "“=2” marks a tie" in html


def test_by_volume_ties_are_ties_too_and_the_net_orders_them(analyst, standings):
    html = analyst.get(standings.get_absolute_url(), {"rank": "volume"}).content.decode()
    ranks = [(slug, rank) for slug, rank, _ in _ranking(html)]
    assert ranks == [("ben-bold", "=1"), ("ed-even", "=1"), ("ann-able", "3"), ("di-dour", "4"), ("cy-calm", "5")]


def test_ranks_run_over_every_page(analyst, standings, monkeypatch):
    from quotes import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    html = analyst.get(standings.get_absolute_url(), {"page": 2}).content.decode()
    assert [rank for _, rank, _ in _ranking(html)] == ["=2", "4"]


def test_every_number_links_to_the_matching_explorer_and_the_chart_shows_each_speaker(analyst, standings):
    html = analyst.get(standings.get_absolute_url()).content.decode()
    row = html[html.index('<tr data-speaker="ben-bold">'):]
    row = row[:row.index("</tr>")]
    base = "/quotes/?topic=us-russia-ukraine-talks&amp;speaker=ben-bold"
    assert f'<a href="{base}">+2</a>' in row and f'<a href="{base}&amp;stance=favor">3</a>' in row
    assert f'<a href="{base}&amp;stance=against">1</a>' in row and f'<a href="{base}&amp;stance=none">1</a>' in row
    assert f'<a href="{base}">5</a>' in row
    listed = analyst.get(f"{base}&amp;stance=favor".replace("&amp;", "&")).content.decode()
    assert len(re.findall(r"#quote-(\d+)", listed)) == 3
    chart = html[html.index('id="ranking-chart"'):html.index("</svg>", html.index('id="ranking-chart"'))]
    assert chart.count("<a href=") == 5 and "=2. Ben Bold: net +2 (favor 3, against 1, none 1)" in chart
    assert "− against" in chart and "+ favor" in chart  # the directions are named in words


def test_an_unknown_ranking_is_a_400_that_says_so(analyst, standings):
    response = analyst.get(standings.get_absolute_url(), {"rank": "loudest"})
    html = response.content.decode()
    assert response.status_code == 400 and "There is no ranking “loudest”" in html
    assert _ranking(html)[0][0] == "ann-able"  # ranked by net stance, not an error page


def test_a_topic_nobody_spoke_on_says_so(analyst):
    html = analyst.get(TopicFactory().get_absolute_url()).content.decode()
    assert "No attributed quotes on this topic yet." in html and 'id="ranking-chart"' not in html


def test_the_topic_page_costs_the_same_queries_whatever_the_speakers(analyst, standings):
    small = _page_queries(analyst, standings.get_absolute_url())
    for number in range(30):
        _stances(standings, SpeakerFactory(), favor=number % 3, against=number % 2, none=1)
    assert _page_queries(analyst, standings.get_absolute_url()) == small
