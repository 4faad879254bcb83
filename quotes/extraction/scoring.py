"""Attribution scoring with the same rules as the project benchmark scorer.

Rules (kept identical to the benchmark so numbers agree):
- text is cut into ``\\w+`` word tokens; a span covers every word token it touches;
- a predicted and a gold quote match when ``|P & G| / max(|P|, |G|) >= min_overlap``
  (default 0.5); pairs are taken greedily, best overlap first, one-to-one;
- a matched pair has the right speaker when the predicted speaker shares a
  "name word" with the gold source text or its resolved name (name words are
  lower-cased word tokens longer than two letters that are not digits, stop
  words, pronouns or titles); a gold attribution without a source only accepts
  an empty speaker;
- end-to-end true positives need both; figures are micro-averaged over articles
  and reported for the subsets "all" and "direct".

Also loads the two gold formats: PolNeAR JSONL ("attributions") and the seed
format ({"quotes": [{start, end, speaker, direct}]}) whose text lives in a
sibling ``.txt`` file.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from quotes.jsonl import parse_jsonl

WORD_PATTERN = re.compile(r"\w+")
# Quote marks the scorer looks at when a prediction does not say whether it is direct.
DIRECT_MARKS = '\u201c\u201d"'

# Words that never identify a speaker: function words, cue verbs, pronouns, titles.
NON_NAME_WORDS = frozenset(
    """
    a an the and or but nor of in on at to for from by with about as into over after before
    under between than then that this these those there here which who whom whose what when
    where why how not no yes all any some each every both either neither other another such own
    same its it's his her hers their theirs our ours your yours my mine him she they them we you
    me myself himself herself itself themselves ourselves yourself yourselves one ones also just
    said says say told tells according has have had was were are been being will would could
    should can may might must shall did does doing mr mrs ms miss dr sir jr sr president vice
    presidential senator sen rep reps representative congressman congresswoman gov governor
    secretary minister prime chairman chairwoman chair spokesman spokeswoman spokesperson
    spokespeople official officials aide aides adviser advisers advisor director mayor judge
    justice general gen chief former candidate nominee leader leaders head state foreign deputy
    press attorney campaign administration department office committee party
    """.split()
)


def name_words(value: str | None) -> set[str]:
    """Lower-cased words of ``value`` that can identify a speaker."""
    if not value:
        return set()
    return {
        word
        for word in WORD_PATTERN.findall(value.lower())
        if len(word) > 2 and word not in NON_NAME_WORDS and not word.isdigit()
    }


# ---------------------------------------------------------------- loading


def _read_json_documents(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        raw = handle.read()
    if not raw.strip():
        return []
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        return [parsed]
    if isinstance(parsed, list):
        return parsed
    return list(parse_jsonl(raw.splitlines(), path))


def _strip_gold_suffix(name: str) -> str:
    for suffix in (".gold.json", ".json", ".jsonl"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _seed_text(document: dict, path: str, text_path: str | None) -> str:
    candidates = [text_path] if text_path else []
    candidates.append(_strip_gold_suffix(path) + ".txt")
    if document.get("id"):
        candidates.append(os.path.join(os.path.dirname(path), f"{document['id']}.txt"))
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            with open(candidate, encoding="utf-8") as handle:
                return handle.read()
    raise FileNotFoundError(f"no article text for seed gold {path} (tried {candidates})")


def seed_document_to_gold(document: dict, path: str, text_path: str | None = None) -> dict:
    """Turn a seed gold document into the PolNeAR-like shape used for scoring."""
    article_id = document.get("id") or _strip_gold_suffix(os.path.basename(path))
    text = document.get("text")
    if text is None:
        text = _seed_text(document, path, text_path)
    attributions = []
    for quote in document["quotes"]:
        speaker = quote.get("speaker")
        attributions.append(
            {
                "source": {"start": None, "end": None, "text": speaker} if speaker else None,
                "source_resolved": speaker,
                "content": [
                    {"start": quote["start"], "end": quote["end"], "text": text[quote["start"] : quote["end"]]}
                ],
                "direct": bool(quote.get("direct")),
            }
        )
    return {"id": article_id, "text": text, "attributions": attributions}


def load_gold(path: str, text_path: str | None = None) -> dict[str, dict]:
    """Gold articles by id, from PolNeAR JSONL or a seed gold file."""
    articles: dict[str, dict] = {}
    for document in _read_json_documents(path):
        if "attributions" not in document and "quotes" in document:
            document = seed_document_to_gold(document, path, text_path)
        elif "text" not in document:
            if not (text_path and os.path.isfile(text_path)):
                raise ValueError(f"gold article {document.get('id')} has no text")
            with open(text_path, encoding="utf-8") as handle:
                document["text"] = handle.read()
        articles[document["id"]] = document
    return articles


def is_seed_gold(path: str) -> bool:
    """True when the gold file uses the seed ("quotes") rather than PolNeAR format."""
    documents = _read_json_documents(path)
    return bool(documents) and "attributions" not in documents[0] and "quotes" in documents[0]


# ---------------------------------------------------------------- scoring


class WordIndex:
    """Maps character spans to the set of word-token indices they touch."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for match in WORD_PATTERN.finditer(text):
            self.starts.append(match.start())
            self.ends.append(match.end())

    def covered(self, spans: Iterable[tuple[int, int]]) -> frozenset[int]:
        indices: set[int] = set()
        for start, end in spans:
            position = bisect.bisect_right(self.ends, start)
            while position < len(self.starts) and self.starts[position] < end:
                indices.add(position)
                position += 1
        return frozenset(indices)


def looks_direct(text: str, start: int, end: int) -> bool:
    """Fallback for predictions without "direct": quote marks inside or right around."""
    if any(mark in text[start:end] for mark in DIRECT_MARKS):
        return True
    before, after = start - 1, end
    while before >= 0 and text[before].isspace():
        before -= 1
    while after < len(text) and text[after].isspace():
        after += 1
    return before >= 0 and after < len(text) and text[before] in DIRECT_MARKS and text[after] in DIRECT_MARKS


def prediction_spans(prediction: dict) -> list[tuple[int, int]]:
    if prediction.get("spans"):
        return [(int(a), int(b)) for a, b in prediction["spans"]]
    return [(int(prediction["start"]), int(prediction["end"]))]


def match_greedily(
    predicted: Sequence[frozenset[int]], gold: Sequence[frozenset[int]], min_overlap: float
) -> list[tuple[int, int]]:
    """One-to-one (prediction index, gold index) pairs, best overlap first."""
    candidates = []
    for gold_index, gold_words in enumerate(gold):
        if not gold_words:
            continue
        for predicted_index, predicted_words in enumerate(predicted):
            shared = len(predicted_words & gold_words)
            if not shared:
                continue
            overlap = shared / max(len(predicted_words), len(gold_words))
            if overlap >= min_overlap:
                candidates.append((-overlap, -shared, gold_index, predicted_index))
    candidates.sort()
    taken_gold: set[int] = set()
    taken_predicted: set[int] = set()
    pairs = []
    for _overlap, _shared, gold_index, predicted_index in candidates:
        if gold_index in taken_gold or predicted_index in taken_predicted:
            continue
        taken_gold.add(gold_index)
        taken_predicted.add(predicted_index)
        pairs.append((predicted_index, gold_index))
    return pairs


def count_exact(predicted: Sequence[frozenset[int]], gold: Sequence[frozenset[int]]) -> int:
    available: dict[frozenset[int], int] = {}
    for words in predicted:
        if words:
            available[words] = available.get(words, 0) + 1
    exact = 0
    for words in gold:
        if words and available.get(words):
            available[words] -= 1
            exact += 1
    return exact


def speaker_is_right(predicted_speaker: str | None, gold_attribution: dict) -> bool:
    source = gold_attribution.get("source")
    if source is None:
        return not (predicted_speaker or "").strip()
    gold_words = name_words(source.get("text")) | name_words(gold_attribution.get("source_resolved"))
    return bool(gold_words & name_words(predicted_speaker))


def speaker_is_scoreable(gold_attribution: dict) -> bool:
    source = gold_attribution.get("source")
    if source is None:
        return True
    return bool(name_words(source.get("text")) | name_words(gold_attribution.get("source_resolved")))


@dataclass
class SubsetCounts:
    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    exact: int = 0
    speaker_right: int = 0
    speaker_scoreable: int = 0
    # per-article details for error analysis: (article id, kind, payload)
    misses: list = field(default_factory=list)


def _is_gold_direct(attribution: dict, direct_definition: str) -> bool:
    if direct_definition == "full" and "quote_kind" in attribution:
        return attribution["quote_kind"] == "full"
    return bool(attribution.get("direct"))


def _in_subset(subset: str, direct: bool) -> bool:
    """'all' takes everything, 'direct' the direct quotes, 'indirect' the rest (reported speech)."""
    if subset == "direct":
        return direct
    if subset == "indirect":
        return not direct
    return True


def score_predictions(
    gold: dict[str, dict],
    predictions: dict[str, list[dict]],
    subsets: Sequence[str] = ("all", "direct"),
    min_overlap: float = 0.5,
    direct_definition: str = "flag",
    keep_misses: bool = False,
) -> dict[str, SubsetCounts]:
    counts = {subset: SubsetCounts() for subset in subsets}
    for article_id, article in gold.items():
        text = article["text"]
        words = WordIndex(text)
        article_predictions = predictions.get(article_id, [])
        for prediction in article_predictions:
            if "direct" not in prediction:
                spans = prediction_spans(prediction)
                prediction["direct"] = looks_direct(text, spans[0][0], spans[-1][1])
        for subset in subsets:
            gold_items = [
                a for a in article["attributions"] if _in_subset(subset, _is_gold_direct(a, direct_definition))
            ]
            predicted_items = [p for p in article_predictions if _in_subset(subset, bool(p.get("direct")))]
            gold_words = [words.covered((c["start"], c["end"]) for c in a["content"]) for a in gold_items]
            predicted_words = [words.covered(prediction_spans(p)) for p in predicted_items]
            subset_counts = counts[subset]
            subset_counts.n_gold += len(gold_items)
            subset_counts.n_pred += len(predicted_items)
            pairs = match_greedily(predicted_words, gold_words, min_overlap)
            subset_counts.matched += len(pairs)
            subset_counts.exact += count_exact(predicted_words, gold_words)
            for predicted_index, gold_index in pairs:
                right = speaker_is_right(predicted_items[predicted_index].get("speaker"), gold_items[gold_index])
                subset_counts.speaker_right += right
                subset_counts.speaker_scoreable += speaker_is_scoreable(gold_items[gold_index])
                if keep_misses and not right:
                    subset_counts.misses.append(
                        (article_id, "speaker", predicted_items[predicted_index], gold_items[gold_index])
                    )
            if keep_misses:
                matched_gold = {g for _p, g in pairs}
                matched_predicted = {p for p, _g in pairs}
                for index, item in enumerate(gold_items):
                    if index not in matched_gold:
                        subset_counts.misses.append((article_id, "missed", None, item))
                for index, item in enumerate(predicted_items):
                    if index not in matched_predicted:
                        subset_counts.misses.append((article_id, "spurious", item, None))
    return counts


def _precision_recall_f1(true_positives: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = true_positives / n_pred if n_pred else 0.0
    recall = true_positives / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


def summarize_counts(counts: SubsetCounts) -> dict:
    overlap = _precision_recall_f1(counts.matched, counts.n_pred, counts.n_gold)
    exact = _precision_recall_f1(counts.exact, counts.n_pred, counts.n_gold)
    end_to_end = _precision_recall_f1(counts.speaker_right, counts.n_pred, counts.n_gold)
    return {
        "n_gold": counts.n_gold,
        "n_pred": counts.n_pred,
        "overlap": {"p": overlap[0], "r": overlap[1], "f1": overlap[2], "tp": counts.matched},
        "exact": {"p": exact[0], "r": exact[1], "f1": exact[2], "tp": counts.exact},
        "speaker_acc": round(counts.speaker_right / counts.matched, 4) if counts.matched else 0.0,
        "speaker_ceiling": round(counts.speaker_scoreable / counts.matched, 4) if counts.matched else 0.0,
        "e2e": {"p": end_to_end[0], "r": end_to_end[1], "f1": end_to_end[2], "tp": counts.speaker_right},
        "overlap_f1": overlap[2],
        "exact_f1": exact[2],
        "e2e_f1": end_to_end[2],
    }


def build_report(counts: dict[str, SubsetCounts], config: dict | None = None) -> dict:
    """The benchmark's JSON shape: per-subset figures plus top-level copies of the primary subset."""
    subsets = list(counts)
    report: dict = {subset: summarize_counts(counts[subset]) for subset in subsets}
    primary = report[subsets[0]]
    report.update(
        {
            "subset": subsets[0],
            "n_gold": primary["n_gold"],
            "n_pred": primary["n_pred"],
            "quote_p": primary["overlap"]["p"],
            "quote_r": primary["overlap"]["r"],
            "quote_f1": primary["overlap"]["f1"],
            "exact_f1": primary["exact"]["f1"],
            "speaker_acc": primary["speaker_acc"],
            "e2e_p": primary["e2e"]["p"],
            "e2e_r": primary["e2e"]["r"],
            "e2e_f1": primary["e2e"]["f1"],
        }
    )
    if config is not None:
        report["config"] = config
    return report


def format_table(report: dict, subsets: Sequence[str]) -> str:
    header = "subset  n_gold n_pred | ovl P   R     F1    | exact P  R     F1    | spk_acc (ceil) | e2e P   R     F1"
    lines = [header, "-" * len(header)]
    for subset in subsets:
        figures = report[subset]
        o, x, e = figures["overlap"], figures["exact"], figures["e2e"]
        lines.append(
            f"{subset:<7} {figures['n_gold']:6d} {figures['n_pred']:6d} | "
            f"{o['p']:.3f} {o['r']:.3f} {o['f1']:.3f} | {x['p']:.3f} {x['r']:.3f} {x['f1']:.3f} | "
            f"{figures['speaker_acc']:.3f} ({figures['speaker_ceiling']:.3f})  | "
            f"{e['p']:.3f} {e['r']:.3f} {e['f1']:.3f}"
        )
    return "\n".join(lines)
