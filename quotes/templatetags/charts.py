"""Charts drawn on the server as SVG (no script, no CDN), and links into the quote explorer.

Colour is never alone: favor is drawn above the axis (or right of it), against below (or left of it)
and hatched, none in a lane of its own, each lane named in words; every chart has a table beside it
with the same numbers, each a link to the explorer filtered to the quotes it counts.
"""
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=16)
def _explorer_path(script_prefix: str, urlconf: str) -> str:
    return reverse("quotes:quote_list", urlconf=urlconf)


@register.simple_tag
def explorer_url(**params) -> str:
    """The quote explorer filtered by `params` (empty ones left out), e.g. speaker, topic, stance.

    A speaker's page links every bucket of its timelines (hundreds of links): the explorer's path is
    reversed once per script prefix and URLconf, not per link."""
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    path = _explorer_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{path}?{query}" if query else path


def bucket_label(bucket, unit: str) -> str:
    return f"week of {bucket.start.day} {bucket.start:%b %Y}" if unit == "week" else f"{bucket.start:%b %Y}"


@register.filter
def bucket_name(bucket, unit: str) -> str:
    """How a table row names its bucket: "week of 3 Mar 2025" or "Mar 2025"."""
    return bucket_label(bucket, unit)


def _hatch(pattern_id: str) -> str:
    return format_html(
        '<defs><pattern id="{}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect class="hatch-bg" width="4" height="4"></rect><line class="hatch-line" x1="0" y1="0" x2="0" y2="4">'
        "</line></pattern></defs>",
        pattern_id,
    )


def _rect(label: str, x, y, width, height, hatch: str = "") -> str:
    fill = format_html(' fill="url(#{})"', hatch) if label == "against" and hatch else ""
    return format_html('<rect class="bar-{}" x="{}" y="{}" width="{}" height="{}"{}></rect>',
                       label, round(x, 1), round(y, 1), round(width, 1), round(height, 1), fill)


# Stance over time: favor up from the axis, against down from it, none in its own lane below.
T_LEFT, T_TOP, T_LANE, T_NONE, T_GAP = 92, 8, 52, 22, 10


@register.simple_tag
def stance_timeline_chart(timeline, speaker) -> str:
    count = len(timeline.buckets)
    step = max(6.0, min(56.0, 640 / max(count, 1)))
    bar = max(3.0, step - 2)
    axis = T_TOP + T_LANE
    none_top = axis + T_LANE + T_GAP
    height = none_top + T_NONE + 22
    width = T_LEFT + count * step + 4
    hatch = f"hatch-{timeline.topic.slug}"
    parts = [_hatch(hatch)]
    parts.append(format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>', T_LEFT, axis,
                             round(width, 1), axis))
    parts.append(format_html('<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>', T_LEFT,
                             none_top + T_NONE, round(width, 1), none_top + T_NONE))
    peak, peak_none = timeline.peak, timeline.peak_none  # each a pass over the buckets
    for text, y in ((f"+ favor (max {peak})", T_TOP + 10),
                    (f"− against (max {peak})", axis + T_LANE - 2),
                    (f"○ none (max {peak_none})", none_top + T_NONE - 6)):
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', T_LEFT - 4, y, text))
    for index, bucket in enumerate(timeline.buckets):
        x = T_LEFT + index * step + (step - bar) / 2
        rects = []
        if bucket.favor:
            h = T_LANE * bucket.favor / peak
            rects.append(_rect("favor", x, axis - h, bar, h))
        if bucket.against:
            rects.append(_rect("against", x, axis, bar, T_LANE * bucket.against / peak, hatch))
        if bucket.none:
            h = T_NONE * bucket.none / peak_none
            rects.append(_rect("none", x, none_top + T_NONE - h, bar, h))
        if not rects:
            continue
        title = (f"{bucket_label(bucket, timeline.unit)}: favor {bucket.favor}, against {bucket.against}, "
                 f"none {bucket.none}")
        url = explorer_url(speaker=speaker.slug, topic=timeline.topic.slug, published_after=bucket.start.isoformat(),
                           published_before=bucket.end.isoformat())
        parts.append(format_html('<a href="{}" tabindex="-1"><title>{}</title>{}</a>', url, title,
                                 mark_safe("".join(rects))))  # noqa: S308 (built by format_html)
    if timeline.buckets:
        labelled = {0: "start", count - 1: "end"} if count * step >= 240 else {0: "start"}
        if count * step >= 480:
            labelled[count // 2] = "middle"
        for index, anchor in sorted(labelled.items()):
            x = T_LEFT + index * step + step / 2
            if anchor == "start":
                x = T_LEFT
            elif anchor == "end":
                x = T_LEFT + count * step
            parts.append(format_html('<text x="{}" y="{}" text-anchor="{}">{}</text>', round(x, 1), height - 6, anchor,
                                     bucket_label(timeline.buckets[index], timeline.unit)))
    label = (f"{speaker.name} on {timeline.topic.name}: stances per {timeline.unit}, "
             f"{bucket_label(timeline.buckets[0], timeline.unit)} to "
             f"{bucket_label(timeline.buckets[-1], timeline.unit)} (the table below has the numbers)")
    return format_html(
        '<svg class="chart timeline-chart" id="timeline-{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}</svg>',
        timeline.topic.slug, round(width), height, round(width), height, label,
        mark_safe("".join(parts)),  # noqa: S308 (each part is built by format_html)
    )


# Where they stand: per speaker, against left of the axis (hatched), favor right of it.
R_LABEL, R_HALF, R_ROW, R_BAR, R_TOP = 180, 170, 20, 13, 20


@register.simple_tag
def topic_ranking_chart(ranked, topic) -> str:
    rows = list(ranked)
    peak = max([1, *(max(r.summary.favor, r.summary.against) for r in rows)])
    axis = R_LABEL + R_HALF
    width = axis + R_HALF + 120
    height = R_TOP + len(rows) * R_ROW + 6
    hatch = f"hatch-rank-{topic.slug}"
    parts = [_hatch(hatch)]
    parts.append(format_html('<text x="{}" y="12" text-anchor="end">− against</text>', axis - 4))
    parts.append(format_html('<text x="{}" y="12">+ favor</text>', axis + 4))
    parts.append(format_html('<text x="{}" y="12">net · ○ none</text>', axis + R_HALF + 8))
    parts.append(format_html('<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>', axis, R_TOP - 4, axis,
                             height))
    for index, row in enumerate(rows):
        summary = row.summary
        y = R_TOP + index * R_ROW
        name = summary.speaker.name if len(summary.speaker.name) <= 26 else summary.speaker.name[:25] + "…"
        rects = []
        if summary.against:
            w = R_HALF * summary.against / peak
            rects.append(_rect("against", axis - w, y, w, R_BAR, hatch))
        if summary.favor:
            rects.append(_rect("favor", axis, y, R_HALF * summary.favor / peak, R_BAR))
        title = (f"{row.rank_label}. {summary.speaker.name}: net {summary.net:+d} (favor {summary.favor}, "
                 f"against {summary.against}, none {summary.none})")
        url = explorer_url(topic=topic.slug, speaker=summary.speaker.slug)
        parts.append(format_html(
            '<a href="{}" tabindex="-1"><title>{}</title><text x="{}" y="{}" text-anchor="end">{} {}</text>{}'
            '<text x="{}" y="{}">{} · ○ {}</text></a>',
            url, title, R_LABEL - 6, y + R_BAR - 2, row.rank_label, name, mark_safe("".join(rects)),  # noqa: S308
            axis + R_HALF + 8, y + R_BAR - 2, f"{summary.net:+d}", summary.none,
        ))
    return format_html(
        '<svg class="chart ranking-chart" id="ranking-chart" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}</svg>',
        width, height, width, height,
        f"{topic.name}: each speaker's quotes against (left) and in favor (right), in the ranking's order "
        "(the table below has the numbers)",
        mark_safe("".join(parts)),  # noqa: S308 (each part is built by format_html)
    )


@register.simple_tag
def stance_link(count, **params):
    """A count linked to the explorer filtered to the quotes it counts (a plain 0 when there are none)."""
    if not count:
        return mark_safe('<span class="muted">0</span>')
    return format_html('<a href="{}">{}</a>', explorer_url(**params), count)

