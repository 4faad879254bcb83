"""Queries per page have a fixed ceiling: the explorer (plain and filtered), a speaker's page and
an article page each show dozens of rows, so one query per row (an N+1) would break the ceiling
many times over. The per-row pieces (speaker, stance badges) are template tags: their HTML is
checked here too."""
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from quotes.models import Article, Quote, Speaker, Stance
from quotes.templatetags.quote_tags import speaker_cell, stance_badge, two_places
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

# The pages' queries with an empty cache (counts, summaries and timelines computed, then cached):
# session user and groups, the page's own rows, their speakers, articles, stances and topics in
# a fixed number of queries, the cached figures' data stamp. A page of 50 rows that slipped into
# one query per row would need 50 more.
CEILINGS = {"explorer": 8, "explorer_filtered": 9, "speaker": 19, "article": 7}


@pytest.fixture
def seeded():
    call_command("seed_synthetic", articles=12, quotes=300, speakers=12, topics=2, stdout=io.StringIO())


@pytest.fixture
def analyst(client):
    client.force_login(UserFactory(role="analyst"))
    return client


def _urls() -> dict[str, str]:
    topic = Stance.objects.values_list("topic__slug", flat=True).order_by("topic__slug").first()
    speaker = Speaker.objects.annotate(n=Count("quotes")).order_by("-n", "pk").first()
    article = Article.objects.annotate(n=Count("quotes")).order_by("-n", "pk").first()
    explorer = reverse("quotes:quote_list")
    return {
        "explorer": explorer,
        "explorer_filtered": f"{explorer}?topic={topic}&stance=against&is_direct=true",
        "speaker": speaker.get_absolute_url(),
        "article": article.get_absolute_url(),
    }


@pytest.mark.parametrize("page", sorted(CEILINGS))
def test_a_page_of_many_rows_stays_under_its_query_ceiling(seeded, analyst, page, django_assert_max_num_queries):
    url = _urls()[page]
    with django_assert_max_num_queries(CEILINGS[page]):
        response = analyst.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    # Enough rows that an N+1 would show: each has its speaker and its stance badges.
    rows = len(re.findall(r'class="speaker"', html)) if page != "speaker" else html.count('class="quote-card"')
    assert rows >= 20, (page, rows)
    assert html.count('class="stance stance-') >= rows


def test_speaker_cell_links_the_speaker_or_names_the_mention_escaped():
    quote = QuoteFactory(speaker=SpeakerFactory(name="Ana <b>Lee</b>", slug="ana-lee", role="Envoy & aide"))
    assert speaker_cell(quote) == (
        f'<a class="speaker" href="{reverse("quotes:speaker_detail", args=["ana-lee"])}">Ana &lt;b&gt;Lee&lt;/b&gt;</a>'
        ' <span class="muted">Envoy &amp; aide</span>'
    )
    quote.speaker.role = ""
    assert speaker_cell(quote).endswith("Lee&lt;/b&gt;</a>")
    mention = QuoteFactory(speaker=None, speaker_mention="a <senior> official")
    assert speaker_cell(mention) == ('<span class="speaker unresolved" title="Not resolved to a known speaker">'
                                     "a &lt;senior&gt; official</span>")
    assert speaker_cell(QuoteFactory(speaker=None, speaker_mention="")) == '<span class="muted">Unattributed</span>'


def test_stance_badge_says_who_labelled_it():
    topic = TopicFactory(name="Talks <now>", slug="talks-now")
    model = StanceFactory(topic=topic, label="against", score_favor=0.125, score_against=0.8, score_none=0.075,
                          model_version="v<1>")
    assert stance_badge(model) == ('<span class="stance stance-against" title="Talks &lt;now&gt; · model v&lt;1&gt;: '
                                   'favor 0.13, against 0.80, none 0.08">Against</span>')
    human = StanceFactory(topic=topic, label="favor", source=Stance.Source.HUMAN)
    assert stance_badge(human) == ('<span class="stance stance-favor" title="Talks &lt;now&gt; · labelled by a '
                                   'person">Favor ✓</span>')
    assert stance_badge(None) == ""


def test_two_places_rounds_like_floatformat():
    from django.template.defaultfilters import floatformat

    for value in (0.125, 0.005, 0.995, 1.0, 0.0, 1 / 3, 0.675, 1e-7, 0.999999, None):
        assert two_places(value) == floatformat(value, 2), value


def test_the_explorer_shows_badges_in_the_stances_order(analyst):
    quote = QuoteFactory(article=ArticleFactory())
    StanceFactory(quote=quote, topic=TopicFactory(name="Beta", slug="beta"), label="none")
    StanceFactory(quote=quote, topic=TopicFactory(name="Alpha", slug="alpha"), label="favor")
    html = analyst.get(reverse("quotes:quote_list")).content.decode()
    expected = [stance.label for stance in Quote.objects.get(pk=quote.pk).stances.all()]
    assert re.findall(r'class="stance stance-(\w+)"', html) == expected
