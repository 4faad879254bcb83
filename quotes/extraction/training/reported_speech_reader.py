"""spaCy corpus reader for the reported-speech tagger (loaded by ``spacy train`` as code).

The stored documents carry the engine's parse (TAG, DEP), which the tagger embeds as features;
so the *predicted* side of each Example keeps that parse, and the *reference* side carries the
attribution labels as its tags. spaCy's own ``spacy.Corpus.v1`` would re-tokenize the text and
lose the parse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import registry


@registry.readers("newsdesk.ParsedCorpus.v1")
def parsed_corpus(path: str, max_docs: int = 0) -> Callable[[Language], Iterator[Example]]:
    def read(nlp: Language) -> Iterator[Example]:
        docs = DocBin().from_disk(Path(path)).get_docs(nlp.vocab)
        for number, doc in enumerate(docs):
            if max_docs and number >= max_docs:
                break
            labels = doc.user_data.get("labels")
            if not labels:
                continue
            words = [token.text for token in doc]
            spaces = [bool(token.whitespace_) for token in doc]
            reference = Doc(nlp.vocab, words=words, spaces=spaces, tags=list(labels))
            doc.user_data = {}
            yield Example(doc, reference)

    return read
