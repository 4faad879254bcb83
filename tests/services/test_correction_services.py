"""The correction verbs: each checks the policy, records who and why, and survives re-processing
(real extractor; tasks stubbed, there is no broker in unit tests)."""
import pytest
from django.core.exceptions import PermissionDenied

from quotes import extraction, selectors, services
from quotes.models import Article, Quote, Speaker, SpeakerAlias, SpeakerMerge, Stance
from tests.factories import (
    ArticleFactory,
    QuoteFactory,
    SpeakerFactory,
    StanceFactory,
    TopicFactory,
    UserFactory,
    reprocess,
)

pytestmark = pytest.mark.django_db

BODY = (
    "Foreign Minister Anna Kowalska met her counterparts on Monday.\n"
    "“We expect results, not photographs,” Kowalska said.\n"
    "“The door stays open,” she added.\n"
    "Officials said the talks would resume in March."
)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_classify, "delay_on_commit", lambda article_id: None)
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda *args, **kwargs: None)


@pytest.fixture
def admin():
    return UserFactory(role="admin")


@pytest.fixture
def processed():
    article = ArticleFactory(body=BODY, status="pending")
    services.article_process(article=article)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DONE, lease_token="")  # stance, stubbed
    article.refresh_from_db()
    return article


def _quote(article, words: str) -> Quote:
    return article.quotes.get(text__contains=words)


# --- Who may correct -----------------------------------------------------------


@pytest.mark.parametrize("role", [None, "editor", "analyst"])
def test_corrections_are_refused_without_the_admin_role(role):
    by = UserFactory(role=role) if role else None
    quote = QuoteFactory()
    other = SpeakerFactory()
    for correction in (
        lambda: services.quote_reassign(quote=quote, speaker=other, by=by),
        lambda: services.quote_reject(quote=quote, by=by),
        lambda: services.quote_respan(quote=quote, start=0, end=5, by=by),
        lambda: services.quote_add(article=quote.article, start=0, end=5, speaker=other, by=by),
        lambda: services.speaker_merge(source=other, target=quote.speaker, by=by),
        lambda: services.speaker_update(speaker=other, name="Someone Else", by=by),
        lambda: services.speaker_alias_add(speaker=other, alias="Else", by=by),
    ):
        with pytest.raises(PermissionDenied):
            correction()
    quote.refresh_from_db()
    assert quote.speaker_id != other.pk and not quote.is_rejected and quote.corrected_fields == []
    assert Speaker.objects.filter(pk=other.pk, name=other.name).exists()


def test_an_editor_may_label_a_stance_but_nobody_anonymous():
    record = StanceFactory()
    with pytest.raises(PermissionDenied):
        services.stance_label(stance_record=record, label="none", by=None)
    services.stance_label(stance_record=record, label="none", by=UserFactory(role="editor"))
    record.refresh_from_db()
    assert (record.label, record.source) == ("none", Stance.Source.HUMAN)


# --- Reassign ------------------------------------------------------------------


def test_reassign_never_adds_the_mention_as_an_alias_unless_asked(admin):
    quote = QuoteFactory(speaker_mention="Flynn")
    other = SpeakerFactory(name="Dana Holt")
    services.quote_reassign(quote=quote, speaker=other, by=admin, reason="it was Holt")
    assert not SpeakerAlias.objects.filter(speaker=other, normalized="flynn").exists()
    record = quote.history.latest()
    assert (record.history_user, record.history_change_reason, record.speaker_id) == (admin, "it was Holt", other.pk)

    services.quote_reassign(quote=quote, speaker=other, by=admin, make_alias=True)
    assert SpeakerAlias.objects.filter(speaker=other, normalized="flynn").exists()


def test_a_surname_two_people_carry_never_resolves_nor_creates_a_third(admin):
    michael = services.speaker_resolve(found=extraction.Speaker(name="Michael Flynn", aliases=("Flynn",)))
    quote = QuoteFactory(speaker_mention="Flynn")
    services.quote_reassign_to_new_speaker(quote=quote, name="Erin Flynn", by=admin, make_alias=True)
    assert services.speaker_resolve(found=extraction.Speaker(name="Flynn")) is None
    assert Speaker.objects.filter(name__contains="Flynn").count() == 2
    assert services.speaker_resolve(found=extraction.Speaker(name="Michael Flynn")) == michael


def test_reassign_to_a_new_speaker_creates_them_with_who_and_why(admin):
    quote = QuoteFactory()
    services.quote_reassign_to_new_speaker(quote=quote, name="  Piotr   Nowak ", role="Deputy", by=admin,
                                           reason="named in the caption")
    speaker = Speaker.objects.get(name="Piotr Nowak")
    assert quote.speaker == speaker and speaker.role == "Deputy"
    assert speaker.history.get().history_user == admin
    assert services.speaker_resolve(found=extraction.Speaker(name="Piotr Nowak")) == speaker


def test_a_corrected_speaker_survives_reprocessing(processed, admin):
    quote = _quote(processed, "door")
    other = SpeakerFactory(name="Piotr Nowak")
    services.quote_reassign(quote=quote, speaker=other, by=admin)
    reprocess(processed)
    quote.refresh_from_db()
    assert quote.speaker == other


# --- Reject and restore -----------------------------------------------------------


def test_a_rejected_quote_is_hidden_everywhere_and_restorable(processed, admin):
    quote = _quote(processed, "door")
    services.quote_reject(quote=quote, by=admin, reason="a slogan on a banner")
    assert quote not in selectors.article_quotes(article=processed)
    assert not selectors.quote_list(data={})[1].filter(pk=quote.pk).exists()
    assert selectors.article_list().get(pk=processed.pk).quote_count == processed.quotes.count() - 1
    assert selectors.article_rejected_quotes(article=processed) == [quote]
    services.quote_restore(quote=quote, by=admin)
    assert quote in selectors.article_quotes(article=processed)


def test_a_rejected_quote_is_never_recreated_by_reprocessing(processed, admin):
    quote = _quote(processed, "door")
    services.quote_reject(quote=quote, by=admin)
    reprocess(processed)
    assert list(processed.quotes.filter(text__contains="door")) == [quote]
    quote.refresh_from_db()
    assert quote.is_rejected


def test_a_rejected_quote_stays_rejected_when_the_extractor_moves_its_span(processed, admin):
    quote = _quote(processed, "door")
    # An older extractor drew the span one character short.
    Quote.objects.filter(pk=quote.pk).update(end=quote.end - 1, text=quote.text[:-1])
    quote.refresh_from_db()
    services.quote_reject(quote=quote, by=admin)
    reprocess(processed)
    assert not processed.quotes.visible().filter(text__contains="door").exists()
    assert processed.quotes.filter(text__contains="door").count() == 1


# --- Add and respan -------------------------------------------------------------------


def test_an_added_quote_and_its_speaker_survive_reprocessing(processed, admin):
    start = BODY.index("met her counterparts")
    end = BODY.index(" on Monday")
    officials = SpeakerFactory(name="Ministry officials")
    added = services.quote_add(article=processed, start=start - 1, end=end + 1, speaker=officials, by=admin,
                               is_direct=False, reason="reported speech the extractor missed")
    assert (added.start, added.end) == (start, end)  # the blanks around the selection are trimmed
    assert added.text == BODY[start:end]
    reprocess(processed)
    added.refresh_from_db()
    assert (added.speaker, added.origin, added.start) == (officials, Quote.Origin.HUMAN, start)
    assert added.history.get().history_user == admin


def test_adding_over_a_quote_is_refused_with_a_clear_message(processed, admin):
    quote = _quote(processed, "door")
    with pytest.raises(services.CorrectionError, match=f"overlaps quote #{quote.pk}"):
        services.quote_add(article=processed, start=quote.start + 2, end=quote.end + 3, speaker=None, by=admin)
    with pytest.raises(services.CorrectionError, match="within the article"):
        services.quote_add(article=processed, start=5, end=len(BODY) + 1, speaker=None, by=admin)


def test_a_fixed_span_survives_reprocessing(processed, admin):
    quote = _quote(processed, "photographs")
    services.quote_respan(quote=quote, start=quote.start + 1, end=quote.end - 2, by=admin, reason="no marks")
    fixed = (quote.start, quote.end, quote.text)
    assert quote.text == "We expect results, not photographs"
    reprocess(processed)
    quote.refresh_from_db()
    assert (quote.start, quote.end, quote.text) == fixed
    assert processed.quotes.filter(text__contains="photographs").count() == 1  # no second copy


# --- Stances ------------------------------------------------------------------------


def test_a_stance_is_labelled_on_a_topic_the_model_has_not_classified(admin):
    quote = QuoteFactory()
    topic = TopicFactory(slug="tariffs", name="Tariffs", description="tariffs on steel")
    record = services.quote_stance_label(quote=quote, topic=topic, label="against", by=admin, reason="read it")
    assert (record.label, record.source, record.model_label) == ("against", Stance.Source.HUMAN, "")
    assert record.history.get().history_user == admin


def test_a_human_label_moves_with_its_quote_when_the_extractor_moves_the_span(processed, admin):
    quote = _quote(processed, "door")
    topic = TopicFactory()
    services.quote_stance_label(quote=quote, topic=topic, label="against", by=admin)
    extractor_span = (quote.start, quote.end)
    # As stored by an older extractor, which started the span one character later.
    Quote.objects.filter(pk=quote.pk).update(start=quote.start + 1, text=quote.text[1:])
    reprocess(processed)
    quote.refresh_from_db()
    assert (quote.start, quote.end) == extractor_span
    assert quote.stances.get(topic=topic).label == "against"
    assert processed.quotes.filter(text__contains="door").count() == 1


def test_classification_skips_rejected_quotes_and_keeps_human_labels(processed, admin):
    """The real stance model: a rejected quote gets no new stance, a human label stays."""
    topic = TopicFactory()
    rejected, labelled = _quote(processed, "door"), _quote(processed, "photographs")
    services.quote_reject(quote=rejected, by=admin)
    services.quote_stance_label(quote=labelled, topic=topic, label="none", by=admin)
    services.article_classify(article=processed)
    assert not rejected.stances.exists()
    human = labelled.stances.get(topic=topic)
    assert (human.label, human.source) == ("none", Stance.Source.HUMAN) and human.model_label and human.model_version


# --- Speakers and merges ---------------------------------------------------------------


def test_speaker_update_and_aliases_are_recorded(admin):
    speaker = SpeakerFactory(name="Anna Kowalska", role="")
    services.speaker_update(speaker=speaker, role="Foreign Minister", organisation="Government", by=admin,
                            reason="from the ministry's site")
    assert (speaker.role, speaker.organisation) == ("Foreign Minister", "Government")
    alias = services.speaker_alias_add(speaker=speaker, alias="Kowalska", by=admin)
    with pytest.raises(services.CorrectionError, match="not a name"):
        services.speaker_alias_add(speaker=speaker, alias="she", by=admin)
    services.speaker_alias_remove(alias=alias, by=admin, reason="ambiguous")
    assert not speaker.aliases.filter(alias="Kowalska").exists()
    assert list(SpeakerAlias.history.filter(speaker_id=speaker.pk).values_list("history_type", "history_user"))
    assert speaker.history.latest().history_change_reason == "from the ministry's site"


def _rows():
    return (
        list(Speaker.objects.order_by("pk").values()),
        list(SpeakerAlias.objects.order_by("pk").values()),
        list(Quote.objects.order_by("pk").values()),
    )


def test_merge_keeps_the_picked_speaker_and_undo_restores_the_exact_rows(admin):
    newer = SpeakerFactory(name="Anna M. Kowalska", role="", organisation="")
    older = SpeakerFactory(name="Anna Kowalska", role="Foreign Minister", organisation="Government")
    Speaker.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    services.speaker_alias_add(speaker=older, alias="Kowalska", by=admin)
    services.speaker_alias_add(speaker=older, alias="Anna M. Kowalska", by=admin)
    services.speaker_alias_add(speaker=newer, alias="Anna M. Kowalska", by=admin)
    quotes = [QuoteFactory(speaker=older), QuoteFactory(speaker=older, corrected_fields=["span"])]
    QuoteFactory(speaker=newer)
    before = _rows()

    preview = selectors.speaker_merge_preview(source=older, target=newer)
    assert [q.pk for q in preview.quotes] == [q.pk for q in quotes]
    assert preview.aliases_moving == ["Kowalska"] and preview.aliases_known == ["Anna M. Kowalska"]
    assert preview.fields_filled == {"role": "Foreign Minister", "organisation": "Government"}

    older_id = older.pk
    merge = services.speaker_merge(source=older, target=newer, by=admin)
    assert not Speaker.objects.filter(pk=older_id).exists()  # the picked (newer) one is kept
    newer.refresh_from_db()
    assert newer.quotes.count() == 3 and newer.role == "Foreign Minister"
    assert all(q.corrected_fields[-1] == "speaker" for q in Quote.objects.filter(pk__in=[q.pk for q in quotes]))

    services.speaker_merge_undo(merge=merge, by=admin)
    after = _rows()
    for rows_before, rows_after in zip(before, after, strict=True):
        for row_before, row_after in zip(rows_before, rows_after, strict=True):
            assert row_after == row_before
    assert after == before
    merge.refresh_from_db()
    assert merge.undone_by == admin
    with pytest.raises(services.CorrectionError, match="already undone"):
        services.speaker_merge_undo(merge=merge, by=admin)


def test_undo_keeps_a_correction_made_after_the_merge(admin):
    source, target, third = SpeakerFactory(), SpeakerFactory(), SpeakerFactory()
    moved, recorrected = QuoteFactory(speaker=source), QuoteFactory(speaker=source)
    source_id = source.pk
    merge = services.speaker_merge(source=source, target=target, by=admin)
    services.quote_reassign(quote=Quote.objects.get(pk=recorrected.pk), speaker=third, by=admin)
    services.speaker_merge_undo(merge=merge, by=admin)
    assert Quote.objects.get(pk=moved.pk).speaker_id == source_id
    assert Quote.objects.get(pk=recorrected.pk).speaker_id == third.pk
    assert SpeakerMerge.objects.get().undone_at is not None


def test_merge_into_itself_is_refused(admin):
    speaker = SpeakerFactory()
    with pytest.raises(services.CorrectionError):
        services.speaker_merge(source=speaker, target=speaker, by=admin)


# --- History -----------------------------------------------------------------------------


def test_history_reads_after_the_speaker_was_merged_away(admin):
    source, target = SpeakerFactory(name="Sergei Lavrov"), SpeakerFactory(name="Sergey Lavrov")
    quote = QuoteFactory(speaker=source)
    services.speaker_merge(source=source, target=target, by=admin)
    for record in quote.history.all():
        assert str(record)  # Quote.__str__ on the vanished speaker used to raise
    changes = selectors.quote_history(quote_id=quote.pk)
    moved = next(change for change in changes if change.action == "changed")
    assert ("speaker", "Sergei Lavrov (merged or deleted)", "Sergey Lavrov") in moved.fields
    assert moved.who == admin and "merged" in moved.reason
    assert any(change.action == "merged" for change in selectors.speaker_history(slug=source.slug))


def _respanned_and_taken(admin):
    """A quote moved off its span by a fix, and a quote added since on the span it left."""
    article = ArticleFactory(body=BODY)
    start = BODY.index("“We")
    quote = QuoteFactory(article=article, start=start, end=BODY.index("”", start) + 1)
    old = (quote.start, quote.end)
    services.quote_respan(quote=quote, start=BODY.index("“The"), end=BODY.index("”", BODY.index("“The")) + 1, by=admin)
    added = services.quote_add(article=article, start=old[0], end=old[1], speaker=quote.speaker, by=admin)
    return quote, added


def test_reverting_a_span_onto_one_taken_since_is_refused_with_a_reason_and_changes_nothing(admin):
    quote, added = _respanned_and_taken(admin)
    record, moved_to, records = quote.history.latest(), (quote.start, quote.end), quote.history.count()
    with pytest.raises(services.CorrectionError, match=rf"cannot be reverted.*overlaps quote #{added.pk}"):
        services.history_revert(record=record, by=admin)
    quote.refresh_from_db()
    assert (quote.start, quote.end) == moved_to and quote.history.count() == records
    assert Quote.objects.filter(pk=added.pk, start=added.start, end=added.end).exists()


def test_revert_sets_one_change_back(admin):
    quote = QuoteFactory()
    original = quote.speaker
    services.quote_reassign(quote=quote, speaker=SpeakerFactory(), by=admin, reason="wrong guess")
    services.history_revert(record=quote.history.latest(), by=admin, reason="it was right")
    quote.refresh_from_db()
    assert quote.speaker == original and quote.corrected_fields == []
    latest = quote.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (admin, "it was right")
    with pytest.raises(PermissionDenied):
        services.history_revert(record=latest, by=UserFactory(role="editor"))
