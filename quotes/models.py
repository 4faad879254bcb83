"""Articles, the quotes found in them, who said them, and where they stand."""
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Topic(models.Model):
    """Something speakers take a stance on; the model reads its description."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(help_text="What the stance model reads, e.g. “the U.S.–Russia talks”.")
    is_active = models.BooleanField(default=True, help_text="Active topics are classified on every quote.")
    # Learning from corrections: a stance head fitted on this topic's human labels.
    stance_head = models.BinaryField(null=True, blank=True, editable=False)
    stance_model_version = models.CharField(max_length=200, blank=True, editable=False)
    stance_head_labels = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many human labels the topic's head was fitted on."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who created, renamed, re-described or (de)activated it; the fitted head is data, not a change.
    history = HistoricalRecords(excluded_fields=["stance_head"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quotes:topic_detail", args=[self.slug])


class TopicBackfill(models.Model):
    """Classifying every existing quote on a topic, batch by batch, in the background.

    One row per topic, restarted (`run` + 1) when the topic is created, reactivated or
    re-described. `cursor` is the last quote id classified: a batch task carries the cursor it
    expects, so a duplicate or stale task (a redelivery, a re-enqueue, an earlier run) is a no-op,
    and a restarted worker continues from the cursor. Quotes after `last_quote_id` are newer than
    the run: article classification covers them.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        STOPPED = "stopped", "Stopped"

    ACTIVE_STATES = (State.PENDING, State.RUNNING)

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="backfill")
    run = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    cursor = models.PositiveBigIntegerField(default=0)
    last_quote_id = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.topic}: {self.get_state_display()} {self.done}/{self.total}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))

    @property
    def eta(self) -> timedelta | None:
        """Time left at the rate so far; None before the first batch or once it stopped."""
        elapsed = (self.updated_at - self.started_at).total_seconds() if self.updated_at else 0
        if self.state != self.State.RUNNING or not self.done or elapsed <= 0:
            return None
        return timedelta(seconds=round(max(self.total - self.done, 0) * elapsed / self.done))


class Speaker(models.Model):
    """One canonical person or organisation, across articles; or one unnamed source of one article.

    `kind` is what the extraction engine decided (results.SPEAKER_KINDS), or what a person set.
    An unnamed speaker ("a senior official", "the workers") belongs to the one article that
    described it (`article`) and is never matched from another article.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        GROUP = "group", "Group"
        DESCRIPTION = "description", "Unnamed description"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    role = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    is_person = models.BooleanField(default=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON, db_index=True)
    # set only for an unnamed speaker: the article it was described in (it speaks for no other)
    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, null=True, blank=True, related_name="unnamed_speakers",
        help_text="Only for an unnamed speaker: the one article that describes it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quotes:speaker_detail", args=[self.slug])


class SpeakerAlias(models.Model):
    """A surface form a speaker was written as ("Lavrov", "Russian Foreign Minister Sergey Lavrov")."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, db_index=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(fields=["speaker", "normalized"], name="unique_alias_per_speaker"),
        ]
        verbose_name_plural = "speaker aliases"

    def __str__(self) -> str:
        return self.alias


class Article(models.Model):
    """A news article and the state of its processing."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    body = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    extractor_version = models.CharField(max_length=100, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The claim of the one run working on it (the Celery task id) and when that claim lapses: only
    # that run may write its results; another may take over once the lease expired.
    lease_token = models.CharField(max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False, help_text="Runs begun since it was queued.")
    # When its task was last handed to the broker; empty while the broker could not take it.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A person checked every quote of the article (spans, speakers, none missing): it is gold.
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="unique_article_url"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["outlet"]),
            models.Index(fields=["published_at"]),
        ]

    # Set (not stored) by services.article_ingest when the same text was already there.
    already_stored = False

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quotes:article_detail", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.PROCESSING)

    @property
    def is_stuck(self) -> bool:
        """Busy, but nobody is on it: its run's lease expired, or its task is not (or long) in the queue."""
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        if self.status == self.Status.PROCESSING:
            return self.lease_expires_at is not None and self.lease_expires_at < now
        waited = timedelta(seconds=settings.NEWSDESK["SWEEP_PENDING_SECONDS"])
        return self.status == self.Status.PENDING and (self.queued_at is None or self.queued_at < now - waited)


class QuoteQuerySet(models.QuerySet):
    def visible(self):
        """Quotes the newsroom shows: everything but those a human rejected as "not a quote"."""
        return self.filter(is_rejected=False)


class Quote(models.Model):
    """A span of an article's body that someone said, and who said it."""

    class CorrectableField(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        SPAN = "span", "Span"

    class Origin(models.TextChoices):
        EXTRACTOR = "extractor", "Extractor"
        HUMAN = "human", "Added by a person"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    speaker = models.ForeignKey(
        Speaker, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    text = models.TextField()
    start = models.PositiveIntegerField(help_text="Offset of the first character in the article body.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    is_direct = models.BooleanField(default=True, help_text="Inside quote marks, not reported speech.")
    cue = models.CharField(max_length=100, blank=True)
    speaker_mention = models.CharField(max_length=300, blank=True, help_text="The speaker as written.")
    attribution_confidence = models.FloatField(default=0.0)
    corrected_fields = models.JSONField(
        default=list, blank=True, help_text="Fields a human corrected; re-processing keeps them."
    )
    # A person accepted the attribution as it stands: the quote leaves the review queue.
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+",
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EXTRACTOR)
    is_rejected = models.BooleanField(
        default=False, help_text="A human said this is not a quote: kept, hidden, never re-created."
    )
    # The text's full-text vector, kept by a PostgreSQL trigger (migration 0006) and GIN-indexed, so a
    # ranked search reads it instead of parsing every matching text; unused (NULL) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_vector"])

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="unique_quote_span"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="quote_span_not_empty"),
            models.CheckConstraint(
                condition=Q(attribution_confidence__gte=0) & Q(attribution_confidence__lte=1),
                name="quote_confidence_in_unit_range",
            ),
        ]
        # For the explorer's confidence filter and sort, and the summaries' cache stamp (max updated_at).
        # The full-text GIN index and its trigger are PostgreSQL-only, created in migration 0006.
        indexes = [
            # A speaker's shown quotes counted from the index alone (the most quoted hold ~15 %).
            models.Index(fields=["speaker", "is_rejected"], name="quote_speaker_shown_idx"),
            models.Index(fields=["attribution_confidence"], name="quote_confidence_idx"),
            models.Index(fields=["updated_at"], name="quote_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_name or 'Unattributed'}: {self.text[:60]}"

    @property
    def speaker_name(self) -> str:
        """The speaker's name, or the mention; a history record may point at a merged-away speaker."""
        try:
            speaker = self.speaker
        except Speaker.DoesNotExist:
            speaker = None
        return speaker.name if speaker else self.speaker_mention

    def is_corrected(self, field: str) -> bool:
        return field in self.corrected_fields

    @property
    def span_is_human(self) -> bool:
        """A person drew or fixed this span: re-processing keeps it as it is."""
        return self.origin == self.Origin.HUMAN or self.is_corrected(self.CorrectableField.SPAN)


class Stance(models.Model):
    """Where a quote stands on a topic: the model's opinion, overridden by a human label.

    `label` is the effective stance; `source` says who set it. The model_* fields always
    hold the model's latest opinion, so a human override never loses it.
    """

    class Label(models.TextChoices):
        FAVOR = "favor", "Favor"
        AGAINST = "against", "Against"
        NONE = "none", "None"

    class Source(models.TextChoices):
        MODEL = "model", "Model"
        HUMAN = "human", "Human"

    class Relevance(models.TextChoices):
        ON_TOPIC = "on_topic", "About the topic"
        OFF_TOPIC = "off_topic", "Not about the topic"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="stances")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="stances")
    label = models.CharField(max_length=10, choices=Label.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MODEL)
    model_label = models.CharField(max_length=10, choices=Label.choices, blank=True)
    score_favor = models.FloatField(default=0.0)
    score_against = models.FloatField(default=0.0)
    score_none = models.FloatField(default=0.0)
    # The model's reading of whether the quote is about the topic at all: a none can be neutral talk
    # about the topic (on_topic) or not about it (off_topic). Both are shown as none.
    relevance = models.CharField(max_length=10, choices=Relevance.choices, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quote", "topic"], name="one_stance_per_quote_and_topic"),
        ]
        # (topic, label, quote): the explorer's stance filter and the per-topic counts read the index only.
        indexes = [
            models.Index(fields=["topic", "label", "quote"], name="stance_topic_label_quote_idx"),
            models.Index(fields=["updated_at"], name="stance_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_label_display()} on {self.topic}"


class QuoteFlag(models.Model):
    """An editor's note that a quote looks wrong, open until an admin resolves it."""

    class Kind(models.TextChoices):
        WRONG_SPEAKER = "wrong_speaker", "Wrong speaker"
        NOT_A_QUOTE = "not_a_quote", "Not a quote"
        OTHER = "other", "Other"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True, help_text="What the admin did about it.")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.quote.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class SpeakerMerge(models.Model):
    """One speaker folded into another, with the rows it changed, so it can be undone exactly."""

    source_name = models.CharField(max_length=200)
    source_slug = models.SlugField(max_length=220, db_index=True)
    target = models.ForeignKey(Speaker, on_delete=models.SET_NULL, null=True, related_name="merges_in")
    target_name = models.CharField(max_length=200)
    # The rows before the merge: the source speaker, its aliases, the moved quotes, the target.
    previous_rows = models.JSONField(encoder=DjangoJSONEncoder, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_name} merged into {self.target_name}"
