"""FilterSets shared by the HTML pages and the CSV export, so an export equals the screen."""
import django_filters
from django import forms
from django.db.models import Q

from quotes.models import Article, Quote, Speaker, Stance, Topic


class QuoteFilter(django_filters.FilterSet):
    DATE_INPUT = forms.DateInput(attrs={"type": "date"})

    q = django_filters.CharFilter(method="filter_text", label="Text contains")
    speaker = django_filters.ModelChoiceFilter(
        queryset=Speaker.objects.all(), to_field_name="slug", label="Speaker", empty_label="Any speaker"
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
    is_direct = django_filters.BooleanFilter(
        label="Kind",
        widget=forms.Select(choices=[("", "Direct and reported"), ("true", "Direct only"), ("false", "Reported only")]),
    )

    class Meta:
        model = Quote
        fields = ["q", "speaker", "topic", "stance", "outlet", "published_after", "published_before", "is_direct"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(speaker_mention__icontains=value))

    def filter_topic(self, queryset, name: str, value: Topic | str):
        # Topic and stance must constrain the same Stance row, so they are applied together.
        topic, label = self.form.cleaned_data.get("topic"), self.form.cleaned_data.get("stance")
        if name == "stance" and topic:
            return queryset  # applied with the topic
        conditions = {}
        if topic:
            conditions["stances__topic"] = topic
        if label:
            conditions["stances__label"] = label
        return queryset.filter(**conditions).distinct() if conditions else queryset


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
