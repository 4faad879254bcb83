"""article_process and the speaker verbs, with the real extractor (tasks stubbed: no broker here)."""
import pytest

from quotes import extraction, services
from quotes.models import Article, Quote, Speaker, SpeakerAlias
from tests.factories import reprocess

pytestmark = pytest.mark.django_db

BODY = (
    "Foreign Minister Anna Kowalska met her counterparts on Monday.\n"
    "“We expect results, not photographs,” Kowalska said.\n"
    "“The door stays open,” she added."
)


@pytest.fixture
def classify_calls(monkeypatch):
    from quotes import tasks

    calls = []
    monkeypatch.setattr(
        tasks.article_classify, "apply_async_on_commit", lambda args, *rest, **options: calls.append(args[0])
    )
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    return calls


@pytest.fixture
def article(classify_calls):
    return services.article_ingest(text=BODY, title="Ministers meet")


def test_process_stores_quotes_and_speakers_then_enqueues_stance(article, classify_calls):
    services.article_process(article=article)
    quotes = list(article.quotes.select_related("speaker"))
    assert [q.text for q in quotes] == ["“We expect results, not photographs,”", "“The door stays open,”"]
    assert {q.speaker.name for q in quotes} == {"Anna Kowalska"}
    assert all(article.body[q.start : q.end] == q.text for q in quotes)
    assert Speaker.objects.get().role == "Foreign Minister"
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSING
    assert article.extractor_version == extraction.EXTRACTOR_VERSION
    assert classify_calls == [article.pk]


def test_process_twice_updates_in_place(article):
    services.article_process(article=article)
    first = {(q.pk, q.start, q.end, q.speaker_id) for q in article.quotes.all()}
    reprocess(article)
    assert {(q.pk, q.start, q.end, q.speaker_id) for q in article.quotes.all()} == first
    assert Speaker.objects.count() == 1


def test_process_keeps_a_human_speaker_correction(article, admin_user):
    services.article_process(article=article)
    quote = article.quotes.get(text__contains="door")
    other = Speaker.objects.create(name="Piotr Nowak", slug="piotr-nowak")
    services.quote_reassign(quote=quote, speaker=other, by=admin_user, reason="it was the deputy")
    reprocess(article)
    quote.refresh_from_db()
    assert quote.speaker == other
    assert quote.corrected_fields == ["speaker"]
    assert quote.history.filter(history_change_reason="it was the deputy").exists()
    assert quote.history.count() == 2  # created, corrected: re-processing changed nothing


def test_speaker_resolve_reuses_a_known_full_name_across_articles():
    first = services.speaker_resolve(found=extraction.Speaker(name="Anna Kowalska", role="Minister"))
    again = services.speaker_resolve(found=extraction.Speaker(name="Anna Kowalska", aliases=("Kowalska",)))
    assert first == again
    assert set(SpeakerAlias.objects.values_list("alias", flat=True)) == {"Anna Kowalska", "Kowalska"}


def test_pronouns_and_nominals_are_not_stored_as_aliases():
    found = extraction.Speaker(name="Anna Kowalska", aliases=("She", "the minister", "Kowalska"))
    speaker = services.speaker_resolve(found=found)
    assert set(speaker.aliases.values_list("alias", flat=True)) == {"Anna Kowalska", "Kowalska"}


def test_speaker_resolve_never_merges_people_who_share_a_surname():
    anna = services.speaker_resolve(found=extraction.Speaker(name="Anna Kowalska", aliases=("Kowalska",)))
    maria = services.speaker_resolve(found=extraction.Speaker(name="Maria Kowalska", aliases=("Kowalska",)))
    assert anna != maria
    lone = services.speaker_resolve(found=extraction.Speaker(name="Kowalska"))
    assert lone is None  # ambiguous surname: left for a human, neither a guess nor a third Kowalska
    assert Speaker.objects.count() == 2


def test_an_unnamed_source_outside_an_article_is_not_kept():
    assert services.speaker_resolve(found=extraction.Speaker(name="a senior official", kind="description")) is None
    assert not Speaker.objects.exists()


def test_the_kind_of_a_speaker_is_the_engines():
    found = extraction.Speaker(name="Harbour Authority", is_person=False, kind="organisation")
    assert services.speaker_resolve(found=found).kind == Speaker.Kind.ORGANISATION
    assert services.speaker_resolve(found=extraction.Speaker(name="Anna Kowalska")).kind == Speaker.Kind.PERSON


PORT_BODY = (
    "The port reopened on Tuesday after a week of strikes.\n"
    "“We lost millions of dollars in cargo every single day of the strike,” a senior port official said.\n"
    "Dock workers gathered at the gate. “We will not accept a contract that cuts our pensions,” the workers said."
)


def test_unnamed_speakers_are_each_articles_own_and_never_merge_across_articles(classify_calls):
    first = services.article_ingest(text=PORT_BODY, title="Port reopens")
    second = services.article_ingest(text=PORT_BODY + "\nTrucks queued for miles.", title="Port reopens, again")
    services.article_process(article=first)
    services.article_process(article=second)
    for article in (first, second):
        speakers = {q.speaker.name: q.speaker for q in article.quotes.select_related("speaker")}
        assert {name: s.kind for name, s in speakers.items()} == {
            "a senior port official": Speaker.Kind.DESCRIPTION,
            "the workers": Speaker.Kind.GROUP,
        }
        assert {s.article for s in speakers.values()} == {article}
    assert Speaker.objects.filter(name="a senior port official").count() == 2  # one per article
    before = set(Speaker.objects.values_list("pk", flat=True))
    reprocess(first)
    assert set(Speaker.objects.values_list("pk", flat=True)) == before  # the same article: the same speakers


def test_speaker_merge_moves_quotes_and_aliases(article, admin_user):
    services.article_process(article=article)
    source = Speaker.objects.get()
    target = Speaker.objects.create(name="Anna M. Kowalska", slug="anna-m-kowalska")
    services.speaker_merge(source=source, target=target, by=admin_user)
    assert not Speaker.objects.filter(pk=source.pk).exists()
    assert set(Quote.objects.values_list("speaker", flat=True)) == {target.pk}
    assert "Anna Kowalska" in set(target.aliases.values_list("alias", flat=True))


def _person(name: str, *aliases: str) -> Speaker | None:
    return services.speaker_resolve(found=extraction.Speaker(name=name, aliases=aliases))


def test_variants_of_a_name_are_one_person_across_articles():
    donald = _person("Donald J. Trump", "Mr. Trump", "Trump")
    assert _person("Donald Trump") == donald  # another article names him without the initial
    assert _person("Trump") == donald
    assert _person("Trump", "Mr. Trump") == donald
    assert Speaker.objects.count() == 1


def test_a_bare_surname_finds_the_one_person_who_has_it_even_without_that_alias():
    ines = _person("Ines Varga")  # her article never wrote 'Varga' alone
    assert _person("Varga") == ines
    assert set(ines.aliases.values_list("alias", flat=True)) == {"Ines Varga", "Varga"}


def test_people_who_share_a_surname_stay_apart_and_their_bare_surname_finds_nobody():
    walter = _person("Walter P. Brennan", "Brennan")
    ellen = _person("Ellen Brennan")
    assert walter != ellen
    assert _person("Walter K. Brennan") not in (walter, ellen)  # another middle initial: another man
    assert _person("Brennan") is None  # three people have it now: left for a human
    assert Speaker.objects.filter(name__endswith="Brennan").count() == 3


def test_of_two_people_with_a_surname_a_gendered_title_picks_the_one_of_that_gender():
    walter = _person("Walter Brennan")
    ellen = _person("Ellen Brennan")
    assert _person("Brennan", "Ms. Brennan") == ellen
    assert _person("Brennan", "Mr. Brennan") == walter


def test_a_junior_is_not_his_father():
    senior = _person("Donald Trump")
    junior = _person("Donald Trump Jr.")
    assert junior != senior
    assert _person("Donald J. Trump") == senior
    assert _person("Trump") is None


def test_a_name_variant_joins_nobody_when_two_people_fit_it():
    _person("Walter P. Brennan")
    _person("Walter K. Brennan")
    assert _person("Walter Brennan") is None


def test_articles_that_write_one_man_differently_give_him_one_speaker_and_his_namesake_another(classify_calls):
    bodies = [
        "Donald J. Trump spoke in Ohio on Monday. “We will win this state by a lot,” Mr. Trump said.",
        "“Nobody works harder for this state than I do,” Trump told the crowd in Dayton.",
        "Eric Trump toured a factory. “My father will be back here in the spring,” Eric Trump said.",
    ]
    articles = [services.article_ingest(text=body, title=f"Rally {n}") for n, body in enumerate(bodies)]
    for article in articles:
        services.article_process(article=article)
    speakers = [article.quotes.get().speaker for article in articles]
    assert speakers[0] == speakers[1] and speakers[0].name == "Donald J. Trump"
    assert speakers[2] != speakers[0] and speakers[2].name == "Eric Trump"
