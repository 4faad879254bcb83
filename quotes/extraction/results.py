"""Result types of the attribution engine (plain data, no spaCy, no Django)."""

from __future__ import annotations

from dataclasses import dataclass

# What a speaker is, decided by the engine: a named person, an organisation (or a place or
# outlet speaking as one), a group of people, or a person described but not named.
PERSON = "person"
ORGANISATION = "organisation"
GROUP = "group"
DESCRIPTION = "description"
SPEAKER_KINDS = (PERSON, ORGANISATION, GROUP, DESCRIPTION)


@dataclass(frozen=True)
class Speaker:
    name: str  # canonical: full name as in the article, or the nominal/organisation as written
    role: str = ""  # e.g. "Russian Foreign Minister"; "" when unknown
    aliases: tuple[str, ...] = ()  # surface forms seen in the article
    is_person: bool = True  # False for organisations and institutional nominals
    kind: str = PERSON  # one of SPEAKER_KINDS


@dataclass(frozen=True)
class Quote:
    start: int  # text[start:end] is the content; for a split quote first fragment start .. last fragment end
    end: int
    text: str
    direct: bool
    cue: str  # cue verb/phrase as written, "" if none
    speaker_mention: str  # mention as written nearest the quote ("he", "Lavrov"), "" if none
    speaker: str | None  # key of Extraction.speakers; None = unattributed
    confidence: float  # attribution confidence in [0, 1]
    spans: tuple[tuple[int, int], ...] = ()  # fragments when discontinuous, else ()
    method: str = "rules"  # who found the span: "rules" or "learned" (the reported-speech finder)


@dataclass(frozen=True)
class Extraction:
    quotes: list[Quote]  # sorted by start
    speakers: dict[str, Speaker]


def quote_to_prediction(quote: Quote) -> dict:
    """The JSON shape used by extract_quotes and the benchmark scorer."""
    prediction = {
        "start": quote.start,
        "end": quote.end,
        "text": quote.text,
        "speaker": quote.speaker,
        "direct": quote.direct,
        "confidence": quote.confidence,
    }
    if quote.spans:
        prediction["spans"] = [list(span) for span in quote.spans]
    if quote.method != "rules":
        prediction["method"] = quote.method
    return prediction
