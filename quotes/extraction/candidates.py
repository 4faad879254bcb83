"""Quote candidates before speaker resolution (``Attribution``), shared by every layout."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from .context import DocumentContext
from .marks import QuotedSpan
from .registry import ResolvedSpeaker


@dataclass
class Attribution:
    """A quote candidate before speaker resolution."""

    spans: list[tuple[int, int]]  # character spans, in order
    direct: bool
    cue: Token | None = None
    cue_text: str = ""
    speaker_token: Token | None = None
    continuation_of: Attribution | None = None  # previous quote whose speaker carries over
    paragraph: int = 0
    quoted: list[QuotedSpan] = field(default_factory=list)  # the quoted spans it reports
    # set when one speech act's fragments are joined: the quote this one became part of
    merged_into: Attribution | None = None
    # (speaker, confidence) once resolved; the extractor fills it, at most once
    resolution: tuple[ResolvedSpeaker | None, float] | None = None
    # who proposed it: "rules", or "learned" (spanfinder.py) with the model's confidence in the span
    method: str = "rules"
    confidence: float = 1.0

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


def opens_next_paragraph(context: DocumentContext, attribution: Attribution, previous: Attribution) -> bool:
    """An uncued quote that opens the paragraph right after the previous quote's (blank lines aside)."""
    text = context.text
    paragraph_start = context.paragraph_starts[attribution.paragraph]
    previous_paragraph = context.paragraph_of(previous.end - 1)
    if attribution.cue is not None or attribution.paragraph <= previous_paragraph:
        return False
    if text[paragraph_start : attribution.start].strip():
        return False
    return not text[context.paragraph_starts[previous_paragraph + 1] : paragraph_start].strip()
