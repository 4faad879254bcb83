from django import forms
from django.conf import settings

from quotes import services


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
                    filename=upload.name, data=upload.read(), title=data["title"] or None, by=by
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
