"""Span finding: every quote candidate of a document, direct, indirect and mixed, in text order.

Produces ``Attribution`` candidates that carry the cue token and the speaker token; turning
the speaker token into a canonical name is the resolver's job. What differs between
annotation conventions is read from a ``Convention`` (conventions.py).
"""

from __future__ import annotations

from spacy.tokens import Doc

from .candidates import Attribution, opens_next_paragraph
from .context import DocumentContext, build_context
from .conventions import Convention, convention_named
from .direct import find_direct_quotes
from .indirect import find_indirect_speech
from .mixed import absorb_quoted_phrases, continuations_of_mixed_quotes, embedded_quote_clauses
from .subjects import reporting_source

# the marks that make a quote direct where single marks do not count
_DOUBLE_MARKS = '\u201c\u201d"'


def find_attributions(
    doc: Doc,
    convention: str | Convention = "newsdesk",
    text: str | None = None,
    finder=None,
    finder_scores=None,
) -> tuple[list[Attribution], DocumentContext]:
    """All quote candidates of a parsed document, in text order, with the context they were read from.

    ``finder`` (a ``spanfinder.ReportedSpeechFinder``) adds the reported speech the rules did not
    find, marked ``method="learned"``; the rules' own candidates are the same with or without it.
    ``finder_scores``: the finder's probabilities for ``doc`` when already computed (batched).
    """
    convention = convention_named(convention)
    context = build_context(doc, text)
    direct = find_direct_quotes(context, convention)
    indirect = find_indirect_speech(context, convention)
    if convention.mixed_quotes:
        indirect.extend(embedded_quote_clauses(context, direct, indirect))
    indirect, absorbed = absorb_quoted_phrases(context, convention, indirect)
    if convention.mixed_quotes:
        direct = continuations_of_mixed_quotes(context, direct, absorbed)
    if convention.one_quote_per_speech_act:
        direct = _merge_split_quotes(context, direct)
    if convention.outer_source_speaks:
        for attribution in direct + indirect:
            _credit_outer_source(context, attribution)
    if convention.direct_needs_double_marks:
        for attribution in direct + indirect:
            attribution.direct = any(context.text[q.start] in _DOUBLE_MARKS for q in attribution.quoted)
    attributions = _without_duplicates(direct + indirect)
    if finder is not None:
        learned = finder.find(context, convention, attributions, finder_scores)
        if learned:
            attributions = sorted(attributions + learned, key=lambda a: (a.start, a.end))
    return attributions, context


def _credit_outer_source(context: DocumentContext, attribution: Attribution) -> None:
    """'"…," Roe said, according to CNN.' and 'According to CNN, Roe said …' are CNN's."""
    tokens = context.tokens_within(attribution.start, attribution.end)
    reporter = reporting_source(context, tokens.start, tokens.stop - 1) if len(tokens) else None
    if reporter is not None:
        attribution.speaker_token = reporter


def _without_duplicates(attributions: list[Attribution]) -> list[Attribution]:
    """In text order, exact duplicates dropped (e.g. nested cues yielding the same clause)."""
    seen: set[tuple] = set()
    combined: list[Attribution] = []
    for attribution in sorted(attributions, key=lambda a: (a.start, a.end)):
        key = (tuple(attribution.spans), attribution.direct)
        if key in seen:
            continue
        seen.add(key)
        combined.append(attribution)
    return combined


def _merge_split_quotes(context: DocumentContext, direct: list[Attribution]) -> list[Attribution]:
    """'"A," he said. "B."', a quote going on in the next paragraph and re-opened paragraphs become
    one multi-fragment quote."""
    merged: list[Attribution] = []
    for attribution in direct:
        previous = merged[-1] if merged else None
        continued = attribution.continuation_of
        if continued is not None:
            continued = continued.merged_into or continued
        same_act = previous is not None and (
            (continued is previous and attribution.paragraph == previous.paragraph)
            or (attribution.cue is not None and previous.cue is not None and attribution.cue.i == previous.cue.i)
            or (attribution.quoted[0].continued_from_previous and continued is previous)
            or (continued is previous and opens_next_paragraph(context, attribution, previous))
        )
        if same_act and previous is not None:
            previous.spans.extend(attribution.spans)
            previous.quoted.extend(attribution.quoted)
            attribution.merged_into = previous
            continue
        merged.append(attribution)
    return merged
