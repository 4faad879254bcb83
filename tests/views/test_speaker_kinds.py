"""Speaker.kind on the pages and in the API: shown beside each speaker, and a filter by kind."""
import pytest

from quotes.models import Speaker
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def speakers():
    article = ArticleFactory(body="“The gates stay shut until Friday,” a port official said.")
    person = SpeakerFactory(name="Ines Varga", slug="ines-varga")
    official = SpeakerFactory(
        name="a port official", slug="a-port-official", role="", kind=Speaker.Kind.DESCRIPTION, article=article
    )
    QuoteFactory(speaker=person)
    QuoteFactory(article=article, speaker=official)
    return person, official


def test_the_speaker_list_shows_each_kind_and_keeps_one_kind(client_as, speakers):
    client = client_as("editor")
    page = client.get("/speakers/").content.decode()
    assert "Ines Varga" in page and "a port official" not in page  # named speakers by default
    every = client.get("/speakers/?kind=all").content.decode()
    assert "Ines Varga" in every and "a port official" in every and "<td>Unnamed description</td>" in every
    only_people = client.get("/speakers/?kind=person").content.decode()
    assert "Ines Varga" in only_people and "a port official" not in only_people
    described = client.get("/speakers/?kind=description").content.decode()
    assert "Ines Varga" not in described and "a port official" in described
    assert "a port official" not in client.get("/speakers/?kind=nonsense").content.decode()  # unknown: the default


def test_a_speaker_page_says_the_kind_and_the_article_of_an_unnamed_one(client_as, speakers):
    _person, official = speakers
    page = client_as("editor").get(official.get_absolute_url()).content.decode()
    assert "Unnamed description in" in page and official.article.get_absolute_url() in page


def test_the_api_gives_the_kind_and_lists_one_kind(client_as, speakers):
    client = client_as("analyst")
    rows = client.get("/api/v1/speakers/").json()
    rows = rows.get("results", rows)
    assert {row["name"]: row["kind"] for row in rows} == {"Ines Varga": "person", "a port official": "description"}
    described = client.get("/api/v1/speakers/?kind=description").json()
    described = described.get("results", described)
    assert [row["name"] for row in described] == ["a port official"]
    assert client.get("/api/v1/speakers/?kind=nonsense").status_code == 400


def test_who_stands_where_on_a_topic_counts_named_speakers_only(speakers):
    from quotes import selectors
    from tests.factories import StanceFactory, TopicFactory

    person, official = speakers
    topic = TopicFactory()
    for speaker in (person, official):
        StanceFactory(quote=speaker.quotes.get(), topic=topic)
    assert [summary.speaker for summary in selectors.stance_summaries(topic=topic)] == [person]
    assert [summary.speaker for summary in selectors.stance_summaries(speaker=official)] == [official]
