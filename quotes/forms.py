from django import forms
from django.conf import settings

from quotes import services
from quotes.models import QuoteFlag, Speaker, Stance, Topic


class ArticleForm(forms.Form):
    """Paste an article's text, or upload a .txt or .html file: exactly one of the two."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), required=False, strip=False)
    file = forms.FileField(required=False, help_text="A .txt or .html file.")
    title = forms.CharField(max_length=500, required=False)
    url = forms.URLField(max_length=1000, required=False, assume_scheme="https")
    published_at = forms.DateTimeField(
        required=False, label="Published", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self):
        cleaned = super().clean()
        has_text = bool((cleaned.get("text") or "").strip())
        if has_text == bool(cleaned.get("file")):
            raise forms.ValidationError("Paste the article's text or choose a file (one of the two).")
        return cleaned

    def save(self, *, by=None):
        """Ingest through the service, as `by`; its refusals become form errors. Returns the Article or None."""
        data = self.cleaned_data
        try:
            if data["file"]:
                upload = data["file"]
                if upload.size > settings.NEWSDESK["MAX_UPLOAD_BYTES"]:
                    raise services.IngestError(f"“{upload.name}” is too large ({upload.size:,} bytes).")
                return services.article_ingest_file(
                    filename=upload.name, data=upload.read(), title=data["title"] or None,
                    url=data["url"] or None, published_at=data["published_at"], by=by,
                )
            return services.article_ingest(
                text=data["text"],
                title=data["title"] or None,
                url=data["url"] or None,
                published_at=data["published_at"],
                by=by,
            )
        except services.IngestError as error:
            self.add_error(None, str(error))
            return None


class QuoteFlagForm(forms.Form):
    """What looks wrong with a quote, in an editor's words."""

    kind = forms.ChoiceField(choices=QuoteFlag.Kind.choices, label="What is wrong")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class TopicForm(forms.Form):
    """A topic's name and the description the stance model reads; saved through the topic services."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="What the stance model reads, e.g. “raising tariffs on imports”. "
        "Changing it classifies every quote again.",
    )
    reason = forms.CharField(required=False, max_length=500)

    def save(self, *, by, topic: Topic | None = None) -> Topic | None:
        """Create (or, given `topic`, update) the topic as `by`; a refusal becomes a form error."""
        data = self.cleaned_data
        try:
            if topic is None:
                return services.topic_create(
                    name=data["name"], description=data["description"], by=by, reason=data["reason"]
                )
            return services.topic_update(
                topic=topic, name=data["name"], description=data["description"], by=by, reason=data["reason"]
            )
        except services.TopicError as error:
            self.add_error(error.field, str(error))
            return None


# --- Corrections ------------------------------------------------------------------


class SpeakerField(forms.CharField):
    """A known speaker, typed as the slug the autocomplete offers or as their exact name."""

    def clean(self, value):
        value = " ".join((super().clean(value) or "").split())
        if not value:
            return None
        speaker = Speaker.objects.filter(slug=value).first()
        if speaker is None:
            matches = list(Speaker.objects.filter(name__iexact=value)[:2])
            if len(matches) != 1:
                raise forms.ValidationError(
                    f"No single known speaker is called “{value}”; pick one from the list or create a new speaker."
                )
            speaker = matches[0]
        return speaker


class SpeakerChoiceForm(forms.Form):
    """Who said it: a known speaker, a new one, or (for a reassignment) nobody."""

    speaker = SpeakerField(required=False, max_length=220)
    new_speaker_name = forms.CharField(required=False, max_length=200, label="or a new speaker")
    new_speaker_role = forms.CharField(required=False, max_length=300, label="their role")
    reason = forms.CharField(required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        choices = [bool(cleaned.get("speaker")), bool((cleaned.get("new_speaker_name") or "").strip())]
        if "nobody" in self.fields:
            choices.append(bool(cleaned.get("nobody")))
        if sum(choices) != 1 and not self.errors:
            raise forms.ValidationError("Choose a known speaker, or name a new one (one of the two).")
        return cleaned


class ReassignForm(SpeakerChoiceForm):
    nobody = forms.BooleanField(required=False, label="nobody (unattributed)")
    make_alias = forms.BooleanField(required=False, label="also make the mention an alias of this speaker")


class SpanForm(forms.Form):
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    reason = forms.CharField(required=False, max_length=500)


class AddQuoteForm(SpeakerChoiceForm, SpanForm):
    is_direct = forms.BooleanField(required=False, initial=True, label="direct (in quote marks)")


class QuoteStanceForm(forms.Form):
    topic = forms.ModelChoiceField(Topic.objects.all(), to_field_name="slug")
    label = forms.ChoiceField(choices=Stance.Label.choices)
    reason = forms.CharField(required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


class SpeakerUpdateForm(forms.Form):
    name = forms.CharField(max_length=200)
    role = forms.CharField(max_length=300, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    reason = forms.CharField(required=False, max_length=500)


class AliasForm(forms.Form):
    alias = forms.CharField(max_length=300)
    reason = forms.CharField(required=False, max_length=500)
