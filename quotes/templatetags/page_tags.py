"""Template helpers for the article page and the dashboard: quotes explained in words, trend charts."""
import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

NEAR = 120  # characters either side of a quote in which its cue counts as next to it
HIGH_CONFIDENCE = 0.85


def confidence_in_words(confidence: float) -> str:
    """High, medium or low; low is what the review queue takes up."""
    if confidence >= HIGH_CONFIDENCE:
        return "high"
    return "medium" if confidence >= settings.NEWSDESK["REVIEW_MIN_CONFIDENCE"] else "low"


def _cue_position(body: str, start: int, end: int, cue: str) -> str:
    """Where the cue stands in the text: "right after", "after", "before", or "" when not found."""
    pattern = re.compile(rf"\b{re.escape(cue)}\b", re.IGNORECASE)
    after = pattern.search(body, end, min(len(body), end + NEAR))
    if after:
        between = body[end : after.start()].split()
        return "right after" if len(between) <= 1 else "after"
    before = [match for match in pattern.finditer(body, max(0, start - NEAR), start)]
    return "before" if before else ""


@register.filter
def attribution_explained(quote, body: str) -> str:
    """How the extractor attributed the quote, in a sentence: the cue, where it stands, the confidence."""
    confidence = f"confidence {confidence_in_words(quote.attribution_confidence)} " \
                 f"({quote.attribution_confidence:.2f})"
    if quote.is_corrected("speaker"):
        return f"Attributed by a person; the extractor's {confidence}."
    if quote.speaker_id is None and not quote.speaker_mention:
        return f"No speaker found; {confidence}."
    if not quote.cue:
        return f"Attributed from the context, with no speech verb next to it; {confidence}."
    kind = "verb" if len(quote.cue.split()) == 1 else "phrase"
    position = _cue_position(body, quote.start, quote.end, quote.cue)
    where = f" {position} the quote" if position else ""
    return f"Attributed by the {kind} ‘{quote.cue}’{where}; {confidence}."


@register.filter
def stance_on(quote, topic):
    """The quote's stance on the topic, from its prefetched stances (None if not classified)."""
    if topic is None:
        return None
    return next((stance for stance in quote.stances.all() if stance.topic_id == topic.pk), None)


CHART_BAR, CHART_GAP, CHART_HEIGHT = 14, 4, 40


@register.simple_tag
def stance_weeks_chart(balance) -> str:
    """A topic's weekly favor / against / none as stacked bars, drawn on the server (no script, no
    CDN); the table beside it gives the same numbers."""
    bars = []
    for index, week in enumerate(balance.weeks):
        x, y = index * (CHART_BAR + CHART_GAP), CHART_HEIGHT
        for label in ("none", "against", "favor"):
            height = round(CHART_HEIGHT * getattr(week, label) / balance.peak, 1)
            if height:
                y -= height
                bars.append(format_html(
                    '<rect class="bar-{}" x="{}" y="{}" width="{}" height="{}"></rect>',
                    label, x, round(y, 1), CHART_BAR, height,
                ))
    width = len(balance.weeks) * (CHART_BAR + CHART_GAP) - CHART_GAP
    return format_html(
        '<svg class="weeks-chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">{}</svg>',
        width, CHART_HEIGHT, width, CHART_HEIGHT,
        f"{balance.topic.name}: stances per week over the last {len(balance.weeks)} weeks (table below)",
        mark_safe("".join(bars)),  # noqa: S308 (each bar is built by format_html)
    )
