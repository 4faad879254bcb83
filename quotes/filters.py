"""FilterSets shared by the HTML pages, the exports and the API, so an export equals the screen."""
import django_filters
import django_filters.fields
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q

from quotes.models import Article, Quote, Speaker, Stance, Topic

# The configuration of Quote.search_vector's trigger (migration 0006).
SEARCH_CONFIG = "english"

SORTS = {
    "newest": ["-article__published_at", "article_id", "start"],
    "oldest": ["article__published_at", "article_id", "start"],
    "confidence": ["-attribution_confidence", "pk"],
    "speaker": [F("speaker__name").asc(nulls_last=True), "-article__published_at", "pk"],
}


class SpeakerChoiceField(django_filters.fields.ModelChoiceField):
    """A speaker by slug (what autocomplete fills in and URLs carry), or by a name or alias that
    only one speaker carries (what someone types without JavaScript); anything else is a clear error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        from quotes.services import normalize_name

        value = " ".join(str(value).split())
        speaker = Speaker.objects.filter(slug=value).first()
        if speaker is not None:
            return speaker
        key = normalize_name(value)
        same_name = Q(name__iexact=value) | Q(aliases__normalized=key) if key else Q(name__iexact=value)
        named = list(Speaker.objects.filter(same_name).distinct().order_by("name", "pk")[:6])
        if len(named) == 1:
            return named[0]
        if named:
            names = ", ".join(f"{speaker.name} ({speaker.slug})" for speaker in named[:5])
            raise ValidationError(f"Several speakers are called “{value}”: {names}. Pick one from the suggestions.",
                                  code="ambiguous")
        raise ValidationError(f"No speaker is called “{value}”. Type the start of a name and pick a suggestion.",
                              code="invalid_choice")


class SpeakerFilter(django_filters.ModelChoiceFilter):
    field_class = SpeakerChoiceField


class StrictBooleanField(forms.NullBooleanField):
    """true / false (or 1 / 0, True / False) or empty; anything else is an error, never "either"."""

    ACCEPTED = {"true", "false", "1", "0", "True", "False"}

    def to_python(self, value):
        if value not in self.empty_values and value not in (True, False) and str(value) not in self.ACCEPTED:
            raise ValidationError(f"“{value}” is neither true nor false.", code="invalid")
        return super().to_python(value)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class QuoteFilter(django_filters.FilterSet):
    DATE_INPUT = forms.DateInput(attrs={"type": "date"})

    q = django_filters.CharFilter(method="filter_text", label="Text search")
    # A slug in a text field: a <select> of every speaker does not scale (autocomplete fills it).
    speaker = SpeakerFilter(
        queryset=Speaker.objects.all(), to_field_name="slug", label="Speaker",
        widget=forms.TextInput(attrs={"placeholder": "start of a name", "autocomplete": "off"}),
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.all(), method="filter_topic", to_field_name="slug", label="Topic",
        empty_label="Any topic",
    )
    stance = django_filters.ChoiceFilter(
        choices=Stance.Label.choices, method="filter_topic", label="Stance", empty_label="Any stance"
    )
    outlet = django_filters.CharFilter(field_name="article__outlet", lookup_expr="iexact", label="Outlet")
    published_after = django_filters.DateFilter(
        field_name="article__published_at", lookup_expr="date__gte", label="Published from", widget=DATE_INPUT
    )
    published_before = django_filters.DateFilter(
        field_name="article__published_at", lookup_expr="date__lte", label="Published until", widget=DATE_INPUT
    )
    is_direct = StrictBooleanFilter(
        label="Kind",
        widget=forms.Select(choices=[("", "Direct and reported"), ("true", "Direct only"), ("false", "Reported only")]),
    )
    min_confidence = django_filters.NumberFilter(
        field_name="attribution_confidence", lookup_expr="gte", label="Minimum confidence",
        widget=forms.NumberInput(attrs={"min": 0, "max": 1, "step": 0.05}),
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, key.capitalize()) for key in SORTS], method="filter_sort", label="Sort",
        empty_label="Best match / newest",
    )

    class Meta:
        model = Quote
        fields = ["q", "speaker", "topic", "stance", "outlet", "published_after", "published_before",
                  "is_direct", "min_confidence", "sort"]

    def filter_text(self, queryset, name, value):
        """Full-text search of the quote's words (stemmed, web-search syntax), best match first unless
        sorted, on PostgreSQL (stored vector, GIN index); a plain substring match elsewhere. Ties go
        newest stored first: a key on the quote alone lets PostgreSQL join articles for one page only."""
        if connection.vendor != "postgresql":
            return queryset.filter(Q(text__icontains=value) | Q(speaker_mention__icontains=value))
        query = SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")
        matches = queryset.filter(search_vector=query)
        if self.form.cleaned_data.get("sort"):
            return matches
        return matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-pk")

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def filter_topic(self, queryset, name: str, value: Topic | str):
        # Topic and stance must constrain the same Stance row, so they are applied together; a
        # semi-join (EXISTS) keeps one row per quote without a DISTINCT over the whole result.
        topic, label = self.form.cleaned_data.get("topic"), self.form.cleaned_data.get("stance")
        if name == "stance" and topic:
            return queryset  # applied with the topic
        conditions = {}
        if topic:
            conditions["topic"] = topic
        if label:
            conditions["label"] = label
        if not conditions:
            return queryset
        return queryset.filter(Exists(Stance.objects.filter(quote=OuterRef("pk"), **conditions)))


ARTICLE_SORTS = {"title": "title", "outlet": "outlet", "published": "published_at", "quotes": "quote_count",
                 "status": "status"}


class ArticleFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("published_after"), cleaned.get("published_before")
        if after and before and after > before:
            self.add_error("published_before", "The end date is before the start date.")
        return cleaned


class ArticleFilter(django_filters.FilterSet):
    """The article list: search in title, outlet and body; outlet, date range and status; a sort."""

    q = django_filters.CharFilter(method="filter_text", label="Search")
    outlet = django_filters.CharFilter(field_name="outlet", lookup_expr="iexact", label="Outlet")
    published_after = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__gte", label="Published from", widget=QuoteFilter.DATE_INPUT
    )
    published_before = django_filters.DateFilter(
        field_name="published_at", lookup_expr="date__lte", label="Published until", widget=QuoteFilter.DATE_INPUT
    )
    status = django_filters.ChoiceFilter(choices=Article.Status.choices, label="Status", empty_label="Any status")
    sort = django_filters.ChoiceFilter(
        choices=[(f"{sign}{key}", f"{key} ({'descending' if sign else 'ascending'})")
                 for key in ARTICLE_SORTS for sign in ("", "-")],
        method="filter_sort", label="Sort",
    )

    class Meta:
        model = Article
        form = ArticleFilterForm
        fields = ["q", "outlet", "published_after", "published_before", "status", "sort"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(outlet__icontains=value) | Q(body__icontains=value))

    def filter_sort(self, queryset, name, value):
        field = ("-" if value.startswith("-") else "") + ARTICLE_SORTS[value.lstrip("-")]
        # The primary key breaks ties, so pages never repeat or skip an article.
        return queryset.order_by(field, "-pk")
