"""A cheap stand-in for spaCy's attribute_ruler: coarse POS from fine tags.

In en_core_web_sm the attribute_ruler runs ~180 token patterns over every
token and costs about as much as the parser; the engine only needs its POS
output. The same rules (read from the installed pipeline's ruler, so they stay
in step with it) are applied here with one dictionary lookup per token.
"""

from __future__ import annotations

from spacy.language import Language
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
    return PosFromTags(rules)


class PosFromTags:
    def __init__(self, rules: list[list[str]]) -> None:
        self.by_tag: dict[str, str] = {}
        self.by_word: dict[tuple[str, str, str], str] = {}
        for tag, lower, dep, pos in rules:
            if lower or dep:
                self.by_word[(tag, lower, dep)] = pos
            else:
                self.by_tag[tag] = pos

    def __call__(self, doc: Doc) -> Doc:
        by_word, by_tag = self.by_word, self.by_tag
        for token in doc:
            tag = token.tag_
            pos = by_word.get((tag, token.lower_, token.dep_)) or by_word.get((tag, token.lower_, ""))
            if pos is None:
                pos = by_word.get((tag, "", token.dep_)) or by_tag.get(tag)
            if pos is not None:
                token.pos_ = pos
        return doc
