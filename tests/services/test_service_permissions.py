"""Services ask the policy about `by`: people without the ability are refused, the operator (None) is not."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from quotes import services
from quotes.models import Article, Stance
from tests.factories import ArticleFactory, StanceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    queued = []
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", queued.append)
    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda *args, **kwargs: queued.append(args))
    return queued


@pytest.fixture(params=["anonymous", "no role"])
def outsider(request):
    return AnonymousUser() if request.param == "anonymous" else UserFactory()


def test_ingest_refuses_people_who_may_not_ingest(outsider, no_broker):
    with pytest.raises(PermissionDenied, match="may not ingest"):
        services.article_ingest(text="“We will sign,” the premier said.", by=outsider)
    with pytest.raises(PermissionDenied):
        services.article_ingest_file(filename="a.txt", data="“No,” she said.".encode(), by=outsider)
    assert not Article.objects.exists() and no_broker == []


def test_ingest_lets_an_editor_and_the_operator_through(no_broker):
    by_editor = services.article_ingest(text="“We will sign,” the premier said.", by=UserFactory(role="editor"))
    by_operator = services.article_ingest_file(filename="a.txt", data="“No,” she said.".encode())
    assert no_broker == [by_editor.pk, by_operator.pk]


def test_retry_refuses_people_who_may_not_retry(outsider, no_broker):
    article = ArticleFactory(status=Article.Status.FAILED, error="boom")
    with pytest.raises(PermissionDenied, match="may not retry"):
        services.article_retry(article=article, by=outsider)
    article.refresh_from_db()
    assert (article.status, no_broker) == (Article.Status.FAILED, [])
    services.article_retry(article=article, by=UserFactory(role="editor"))
    assert no_broker == [article.pk]


def test_stance_label_refuses_people_who_may_not_set_stances(outsider, no_broker):
    stance = StanceFactory(label=Stance.Label.FAVOR)
    with pytest.raises(PermissionDenied, match="may not set stance"):
        services.stance_label(stance_record=stance, label="against", by=outsider)
    stance.refresh_from_db()
    assert (stance.label, stance.source, no_broker) == ("favor", Stance.Source.MODEL, [])
    services.stance_label(stance_record=stance, label="against", by=UserFactory(role="editor"))
    stance.refresh_from_db()
    assert (stance.label, stance.source) == ("against", Stance.Source.HUMAN)
    assert stance.history.latest().history_user.groups.get().name == "Editor"
