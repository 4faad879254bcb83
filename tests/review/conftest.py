"""People in each role, and a newsroom with something of every kind to review."""
import pytest

from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory


@pytest.fixture
def editor(db):
    return UserFactory(role="editor", username="edna-editor")


@pytest.fixture
def analyst(db):
    return UserFactory(role="analyst", username="ana-analyst")


@pytest.fixture
def admin(db):
    return UserFactory(role="admin", username="adam-admin")


@pytest.fixture
def newsroom(db):
    """One quote of each kind that needs a person, and one that does not."""
    topic = TopicFactory()
    sure = QuoteFactory(
        article=ArticleFactory(body="“We will sign,” Dana Holt said."), attribution_confidence=0.9
    )
    StanceFactory(quote=sure, topic=topic, score_favor=0.98, score_against=0.01, score_none=0.01)
    unattributed = QuoteFactory(
        article=ArticleFactory(body="“Nobody knows,” a voice said."), speaker=None, speaker_mention="",
        attribution_confidence=0.0,
    )
    doubtful = QuoteFactory(
        article=ArticleFactory(body="“Maybe later,” the official said."), attribution_confidence=0.5,
        speaker=SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov"),
    )
    torn = StanceFactory(
        quote=sure, topic=TopicFactory(name="Sanctions", slug="sanctions", description="sanctions on Russia"),
        label="favor", score_favor=0.4, score_against=0.38, score_none=0.22,
    )
    return {"topic": topic, "sure": sure, "unattributed": unattributed, "doubtful": doubtful, "torn": torn}
