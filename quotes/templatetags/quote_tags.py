"""The pieces every list of quotes repeats per row (its speaker, its stance badges), drawn in Python.

The explorer, the speaker page, the article page and the review queue show them for up to 50
quotes and 100 stances a page; as included templates (`_speaker.html`, `_stance_badge.html`) they
were most of a page's rendering time (a template variable costs a lookup chain, a filter a call).
Here each is one string, every value escaped as a template would.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from quotes.models import Stance

register = template.Library()

_HUNDREDTHS = Decimal("0.01")
_LABELS = dict(Stance.Label.choices)
UNATTRIBUTED = mark_safe('<span class="muted">Unattributed</span>')


def two_places(value) -> str:
    """What `|floatformat:2` writes for a score (rounded half up on its decimal repr: 0.125 → 0.13)."""
    if value is None:
        return ""
    try:
        return format(Decimal(repr(float(value))).quantize(_HUNDREDTHS, ROUND_HALF_UP), "f")
    except (TypeError, ValueError, InvalidOperation):
        return ""


@register.simple_tag
def stance_badge(stance) -> str:
    """A stance as a coloured label; its title says who set it (a person, or which model and its scores).

    Up to 100 a page: each value is escaped with `html.escape`, as Django's `escape` does, without
    `format_html`'s lazy-string checks, and the label is named from the choices without
    `get_label_display` building a dict of them per call."""
    if not stance:
        return ""
    label, topic = escape(str(stance.label)), escape(str(stance.topic.name))
    shown = escape(str(_LABELS.get(stance.label, stance.label)))
    if stance.source == "human":
        return mark_safe(  # noqa: S308 (every value escaped above)
            f'<span class="stance stance-{label}" title="{topic} · labelled by a person">{shown} ✓</span>')
    return mark_safe(  # noqa: S308 (every value escaped above or a number)
        f'<span class="stance stance-{label}" title="{topic} · model {escape(str(stance.model_version))}: '
        f"favor {two_places(stance.score_favor)}, against {two_places(stance.score_against)}, "
        f'none {two_places(stance.score_none)}">{shown}</span>'
    )


@register.simple_tag
def stance_badges(quote) -> str:
    """`stance_badge` for each of the quote's (prefetched) stances."""
    return mark_safe("".join(stance_badge(stance) for stance in quote.stances.all()))  # noqa: S308 (each one safe)


@register.simple_tag
def speaker_cell(quote) -> str:
    """Who said it: the speaker linked to their page (and role), else the unresolved mention, else "Unattributed"."""
    speaker = quote.speaker
    if speaker:
        link = format_html('<a class="speaker" href="{}">{}</a>', speaker.get_absolute_url(), speaker.name)
        return format_html('{} <span class="muted">{}</span>', link, speaker.role) if speaker.role else link
    if quote.speaker_mention:
        return format_html('<span class="speaker unresolved" title="Not resolved to a known speaker">{}</span>',
                           quote.speaker_mention)
    return UNATTRIBUTED
