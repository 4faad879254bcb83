"""A cheap stand-in for spaCy's attribute_ruler: coarse POS from fine tags.

In en_core_web_sm the attribute_ruler runs ~180 token patterns over every
token and costs about as much as the parser; the engine only needs its POS
output. The same rules (read from the installed pipeline's ruler, so they stay
in step with it) are applied here with one dictionary lookup per token.
"""

from __future__ import annotations

import numpy
from spacy.attrs import DEP, LOWER, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as UNIVERSAL_POS_IDS
from spacy.strings import StringStore
from spacy.tokens import Doc

COMPONENT_NAME = "newsdesk_pos_from_tags"


def rules_from_attribute_ruler(nlp: Language) -> list[list[str]]:
    """[tag, lower or "", dep or "", pos] for every single-token POS pattern of the pipeline's ruler."""
    rules = []
    for pattern in nlp.get_pipe("attribute_ruler").patterns:
        tokens = pattern["patterns"][0]
        pos = pattern["attrs"].get("POS")
        if pos is None or len(tokens) != 1 or not set(tokens[0]) <= {"TAG", "LOWER", "DEP"} or "TAG" not in tokens[0]:
            continue
        choices = {key: _alternatives(value) for key, value in tokens[0].items()}
        if any(options is None for options in choices.values()):
            continue
        for tag in choices["TAG"]:
            for lower in choices.get("LOWER", [""]):
                for dep in choices.get("DEP", [""]):
                    rules.append([tag, lower, dep, pos])
    return rules


def _alternatives(value) -> list[str] | None:
    """A pattern value as the list of strings it accepts ("x" or {"IN": [...]}); None if other."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return list(value["IN"])
    return None


@Language.factory(COMPONENT_NAME, default_config={"rules": []})
def make_pos_from_tags(nlp: Language, name: str, rules: list[list[str]]) -> PosFromTags:
    return PosFromTags(rules, nlp.vocab.strings)


class PosFromTags:
    def __init__(self, rules: list[list[str]], strings: StringStore) -> None:
        # keyed by string ids so the lookup runs on token arrays, not Token objects
        # (StringStore ids, not raw hashes: tags such as "POS" are built-in symbols with small ids)
        def string_id(value: str) -> int:
            return strings.add(value) if value else 0

        self.by_tag: dict[int, int] = {}
        self.by_word: dict[tuple[int, int, int], int] = {}
        for tag, lower, dep, pos in rules:
            pos_id = UNIVERSAL_POS_IDS[pos]
            if lower or dep:
                key = (string_id(tag), string_id(lower), string_id(dep))
                self.by_word[key] = pos_id
            else:
                self.by_tag[string_id(tag)] = pos_id

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        by_word, by_tag = self.by_word, self.by_tag
        columns = doc.to_array([TAG, LOWER, DEP, POS]).tolist()
        new_pos = []
        for tag, lower, dep, current in columns:
            pos = by_word.get((tag, lower, dep)) or by_word.get((tag, lower, 0)) or by_word.get((tag, 0, dep))
            new_pos.append(pos or by_tag.get(tag) or current)
        doc.from_array([POS], numpy.array(new_pos, dtype=numpy.uint64))
        return doc
