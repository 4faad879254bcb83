"""Articles, the quotes found in them, who said them, and where they stand."""
from django.db import models
from django.db.models import Q
from django.urls import reverse
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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quotes:topic_detail", args=[self.slug])


class Speaker(models.Model):
    """One canonical person or organisation, across articles."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    role = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    is_person = models.BooleanField(default=True)
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

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quotes:article_detail", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.PROCESSING)


class Quote(models.Model):
    """A span of an article's body that someone said, and who said it."""

    class CorrectableField(models.TextChoices):
        SPEAKER = "speaker", "Speaker"

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

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

    def __str__(self) -> str:
        return f"{self.speaker or 'Unattributed'}: {self.text[:60]}"

    def is_corrected(self, field: str) -> bool:
        return field in self.corrected_fields


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
        indexes = [models.Index(fields=["topic", "label"])]

    def __str__(self) -> str:
        return f"{self.get_label_display()} on {self.topic}"
