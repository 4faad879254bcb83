"""Factories for the models; text offsets are kept consistent with the article body."""
import hashlib

import factory
from django.utils import timezone

from quotes import permissions
from quotes.models import Article, Quote, Speaker, Stance, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = "U.S.–Russia talks on Ukraine"
    slug = "us-russia-ukraine-talks"
    description = "the U.S.–Russia talks on ending the war in Ukraine"


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Alex Speaker{n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    role = "Minister"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Talks resume in capital number {n}")
    body = factory.Sequence(lambda n: f"Article {n}. “We want peace,” the minister said.")
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.body.encode()).hexdigest())
    outlet = "example.com"
    published_at = factory.LazyFunction(timezone.now)
    status = Article.Status.DONE


class QuoteFactory(factory.django.DjangoModelFactory):
    """A quote over the first quoted span of its article's body (or its first sentence)."""

    class Meta:
        model = Quote

    article = factory.SubFactory(ArticleFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    start = factory.LazyAttribute(lambda o: max(o.article.body.find("“"), 0))
    end = factory.LazyAttribute(lambda o: o.article.body.find("”", o.start) + 1 or len(o.article.body))
    text = factory.LazyAttribute(lambda o: o.article.body[o.start : o.end])
    is_direct = True
    cue = "said"
    speaker_mention = factory.LazyAttribute(lambda o: o.speaker.name if o.speaker else "")
    attribution_confidence = 0.9


class StanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stance

    quote = factory.SubFactory(QuoteFactory)
    topic = factory.SubFactory(TopicFactory)
    label = Stance.Label.FAVOR
    model_label = factory.LazyAttribute(lambda o: o.label)
    score_favor = 0.8
    score_against = 0.1
    score_none = 0.1
    model_version = "test"


PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `UserFactory(role="editor"|"analyst"|"admin")` puts them in that role (admins are staff)."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if extracted:
            permissions.role_grant(user, extracted)


def reprocess(article: Article) -> None:
    """Process an article again as a person asks for it (retry, then the extraction run), in tests
    whose stance step is stubbed: that step would have finished the first run."""
    from quotes import services

    Article.objects.filter(pk=article.pk).update(status=Article.Status.DONE, lease_token="", lease_expires_at=None)
    services.article_retry(article=article)
    services.article_process(article=article)
