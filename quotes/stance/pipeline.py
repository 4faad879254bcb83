"""End-to-end recipes used by the management commands: train the shipped artifact, evaluate it."""

from __future__ import annotations

import dataclasses
import logging
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .corpora import argq_examples, newsmtsc_examples, perspectrum_examples, snli_examples
from .data import (
    Example,
    add_negated_motions,
    add_restated_motions,
    add_synthetic_none,
    ibm_test_examples,
    news_examples,
    news_rows,
    public_examples,
    public_rows,
)
from .model import DEFAULT_ARTIFACT
from .training import (
    BaseTrainingConfig,
    fit_class_bias,
    fit_relevance,
    fit_self_bias,
    save_base_artifact,
    train_member,
)

log = logging.getLogger(__name__)

# Recipe of the shipped artifact (change it and the artifact's model_version changes too).
ARGKP_PER_TOPIC_LABEL = 40
NONE_PAIRS_PER_TEXT = 1.0
NEGATED_MOTION_FRACTION = 0.5
RESTATED_MOTION_FRACTION = 1.0
NEWS_WEIGHT = 3.0  # in-domain rows count 3x: they are few but they are what we serve


def training_examples(
    data_dir: str | Path,
    news_path: str | Path | None,
    seed: int = 0,
    exclude_news_topics: tuple[str, ...] = (),
    argkp_per_topic_label: int | None = None,
    negated_motion_fraction: float | None = None,
    restated_motion_fraction: float | None = None,
    none_pairs_per_text: float | None = None,
) -> tuple[list[Example], list[float], dict[str, Any]]:
    argkp_cap = ARGKP_PER_TOPIC_LABEL if argkp_per_topic_label is None else argkp_per_topic_label
    negation = NEGATED_MOTION_FRACTION if negated_motion_fraction is None else negated_motion_fraction
    restated = RESTATED_MOTION_FRACTION if restated_motion_fraction is None else restated_motion_fraction
    none_pairs = NONE_PAIRS_PER_TEXT if none_pairs_per_text is None else none_pairs_per_text
    rows = public_rows(data_dir, "train", argkp_per_topic_label=argkp_cap, seed=seed)
    # None pairs first (from original topics only), then negated copies of the motions.
    rows = add_synthetic_none(rows, random.Random(seed), per_text=none_pairs)
    rows = add_negated_motions(rows, random.Random(seed + 1), negation)
    rows = add_restated_motions(rows, random.Random(seed + 2), restated)
    examples = public_examples(rows)
    weights = [1.0] * len(examples)
    n_news = 0
    if news_path:
        train_rows = [r for r in news_rows(news_path, "train") if r["topic"] not in exclude_news_topics]
        news = news_examples(train_rows)
        n_news = len(news)
        examples += news
        weights += [NEWS_WEIGHT] * len(news)
    info = {
        "n_public": len(examples) - n_news,
        "n_news_train": n_news,
        "excluded_news_topics": list(exclude_news_topics),
        "argkp_per_topic_label": argkp_cap,
        "negated_motion_fraction": negation,
        "restated_motion_fraction": restated,
        "none_pairs_per_text": none_pairs,
        "news_weight": NEWS_WEIGHT,
    }
    return examples, weights, info


# Recipe "real-news" (newsdesk-stance/3): what each source contributes to the stance stage, and its weight.
# In-domain real news counts 3x; the debate corpora teach direction toward a claim on many topics.
MIX = {
    "argkp_per_topic_label": 20,
    "negated_motion_fraction": 0.5,
    "restated_motion_fraction": 0.5,
    "none_pairs_per_text": 0.5,
    "argq_per_topic_label": 15,
    "perspectrum_per_claim": 4,
    "newsmtsc_limit": 2000,
    "real_news_weight": 3.0,
}


def real_news_mixture(
    data_dir: str | Path,
    real_news_dir: str | Path,
    news_path: str | Path | None = None,
    seed: int = 0,
) -> tuple[list[Example], list[float], dict[str, Any]]:
    """The stance stage's examples: IBM claim stance train + ArgKP (as before, smaller), ArgQ-30k train,
    Perspectrum train, NewsMTSC train (voiced evaluations only, see corpora), the real-news train split
    with its extra none items (weight 3), and optionally the team's synthetic news train split (weight 3)."""
    debate, _, _ = training_examples(
        data_dir,
        None,
        seed,
        argkp_per_topic_label=MIX["argkp_per_topic_label"],
        negated_motion_fraction=MIX["negated_motion_fraction"],
        restated_motion_fraction=MIX["restated_motion_fraction"],
        none_pairs_per_text=MIX["none_pairs_per_text"],
    )
    parts: dict[str, list[Example]] = {
        "ibm_claim_stance+argkp": debate,
        "argq30k": argq_examples(data_dir, MIX["argq_per_topic_label"], seed),
        "perspectrum": perspectrum_examples(data_dir, "train", MIX["perspectrum_per_claim"], seed),
        "newsmtsc": newsmtsc_examples(data_dir, "train", MIX["newsmtsc_limit"], seed),
    }
    real_news_dir = Path(real_news_dir)
    weighted = {"real_news": news_examples(news_rows(real_news_dir / "train.jsonl"))
                + news_examples(news_rows(real_news_dir / "train.extra_none.jsonl"))}
    if news_path:
        weighted["synthetic_news"] = news_examples(news_rows(news_path, "train"))
    examples: list[Example] = []
    weights: list[float] = []
    for name, part in {**parts, **weighted}.items():
        examples += part
        weights += [MIX["real_news_weight"] if name in weighted else 1.0] * len(part)
    sizes = {name: len(part) for name, part in {**parts, **weighted}.items()}
    info = {"recipe": "real-news", "mix": dict(MIX), "sizes": sizes}
    return examples, weights, info


# Optional stage 1 (train_stance --snli PATH; not in the shipped artifact, see MODEL_CARD.md): natural-language
# inference as stance (hypothesis = topic) over 100k SNLI pairs, the first NLI_STEPS steps of one epoch's schedule.
NLI_CONFIG = {"epochs": 1.0, "max_minutes": 600.0}
NLI_STEPS = 1000
# The stance stage of recipe "real-news": two passes over the mixture, two members: one from the plain
# encoder, one from the NLI pre-trained member (with --snli; without it both start plain).
REAL_NEWS_CONFIG = {"epochs": 2.0, "max_minutes": 600.0, "members": 2}
REAL_NEWS_NLI_MEMBERS = 1


def nli_member(snli_path: str | Path, config: BaseTrainingConfig | None = None, **run: Any) -> dict[str, Any]:
    """Pre-train a member on SNLI (entailment/contradiction/neutral -> favor/against/neutral, plus
    off-topic pairs): what the stance members start from. run: train_member's checkpoint options."""
    config = dataclasses.replace(config or BaseTrainingConfig(), **NLI_CONFIG)
    examples = snli_examples(snli_path, seed=config.seed)
    log.info("NLI pre-training on %d pairs", len(examples))
    return train_member(examples, config, **run)


def train_shipped_artifact(
    data_dir: str | Path,
    news_path: str | Path | None,
    output_path: str | Path = DEFAULT_ARTIFACT,
    config: BaseTrainingConfig | None = None,
    exclude_news_topics: tuple[str, ...] = (),
    *,
    recipe: str = "real-news",
    real_news_dir: str | Path | None = None,
    snli_path: str | Path | None = None,
    checkpoint_dir: str | Path | None = None,
    nli_members: int = REAL_NEWS_NLI_MEMBERS,
    **overrides: Any,
) -> dict[str, Any]:
    """Train config.members members, member k with everything seeded by seed + k (its sample of the
    data, its none pairs, its order), fit the relevance expert on the first member's data, save.

    recipe "real-news" (shipped): each member trained on real_news_mixture (news_path: the synthetic news
    train split, or None); with snli_path, the last `nli_members` members start from an NLI pre-trained
    member instead of the plain encoder. Seeds count per start: the k-th plain member and the k-th NLI
    member both use seed + k. Then the class bias is fitted on the real-news dev split (fit_class_bias).
    recipe "debate": the previous artifact's recipe (training_examples; overrides are its knobs).
    checkpoint_dir: every stage saves and resumes there (a killed run picks up where it stopped).
    """
    if recipe not in ("real-news", "debate"):
        raise ValueError(f"unknown recipe {recipe!r}: real-news or debate")
    config = config or BaseTrainingConfig()
    started = time.monotonic()
    checkpoints = Path(checkpoint_dir) if checkpoint_dir else None
    if checkpoints:
        checkpoints.mkdir(parents=True, exist_ok=True)
    init, nli_info = None, {}
    if recipe == "real-news" and snli_path:
        init = nli_member(snli_path, config, checkpoint=checkpoints / "nli.ckpt" if checkpoints else None,
                          max_steps=NLI_STEPS)
        nli_info = {"nli_steps": init["metadata"]["steps"], "nli_seconds": init["metadata"]["train_seconds"]}
    n_nli = min(nli_members, config.members) if init is not None else 0
    starts = [("member", k, None) for k in range(config.members - n_nli)]
    starts += [("nli-member", k, init) for k in range(n_nli)]
    members, relevance, info = [], None, {}
    for number, (name, k, start) in enumerate(starts):
        member_config = dataclasses.replace(config, seed=config.seed + k)
        if recipe == "real-news":
            if real_news_dir is None:
                raise ValueError("recipe real-news needs the real-news gold folder (build.py build)")
            examples, weights, info = real_news_mixture(data_dir, real_news_dir, news_path, member_config.seed)
        else:
            examples, weights, info = training_examples(
                data_dir, news_path, member_config.seed, exclude_news_topics, **overrides
            )
        member_info = dict(info, **(nli_info if start is not None else {}), start="nli" if start else "plain")
        if relevance is None:
            relevance = fit_relevance(examples)
            log.info("relevance expert: %s", relevance)
        log.info("member %d/%d (%s), seed %d, training on %s", number + 1, len(starts), member_info["start"],
                 member_config.seed, member_info)
        member = train_member(examples, member_config, sample_weights=weights, init_member=start,
                              checkpoint=checkpoints / f"{name}-{k}.ckpt" if checkpoints else None)
        members.append(dict(member, metadata=dict(member["metadata"], **member_info)))
    path = save_base_artifact(members, output_path, relevance, metadata={"recipe": recipe})
    bias = own_bias = None
    dev_path = Path(real_news_dir) / "dev.jsonl" if recipe == "real-news" and real_news_dir else None
    if dev_path and dev_path.exists():
        dev = news_examples(news_rows(dev_path))
        bias = class_bias_on(path, dev)
        path = save_base_artifact(members, output_path, relevance, metadata={"recipe": recipe}, class_bias=bias)
        own_bias = self_bias_on(path, dev)
        path = save_base_artifact(members, output_path, relevance, metadata={"recipe": recipe}, class_bias=bias,
                                  self_bias=own_bias)
    return dict(info, **nli_info, output=str(path), members=len(members), class_bias=bias, self_bias=own_bias,
                seconds=round(time.monotonic() - started, 1), bytes=path.stat().st_size)


def class_bias_on(artifact_path: str | Path, examples: Sequence[Example]) -> tuple[float, ...]:
    """The class bias fitted on `examples` (the real-news dev split) for the artifact as it serves
    (int8, members averaged, relevance expert), before any bias."""
    import torch

    from .evaluation import outer
    from .model import load_base_uncached

    model = load_base_uncached(artifact_path)
    log_probabilities = torch.log(model.predict_proba([item for item, _ in examples]))
    bias = fit_class_bias(log_probabilities, [outer(label) for _, label in examples])
    log.info("class bias on %d dev items: %s", len(examples), bias)
    return bias


def self_bias_on(artifact_path: str | Path, examples: Sequence[Example]) -> tuple[float, ...]:
    """The bias for quotes whose speaker is the topic's own person (relation.speaks_for_self), fitted
    on `examples` (the real-news dev split) for the artifact as it serves, class bias included."""
    import torch

    from .evaluation import outer
    from .model import load_base_uncached
    from .relation import speaks_for_self

    model = load_base_uncached(artifact_path)
    items = [item for item, _ in examples]
    log_probabilities = torch.log(model.predict_proba(items))
    own = [speaks_for_self(item.speaker, item.topic) for item in items]
    bias = fit_self_bias(log_probabilities, [outer(label) for _, label in examples], own)
    log.info("self bias on %d dev items (%d where the topic's person speaks): %s", len(items), sum(own), bias)
    return bias


# Topics nothing in the 2016 election news is about, for the unrelated-quotes check (written here;
# the first is in the style of the seed article's topic, about other talks).
UNRELATED_TOPICS = (
    "the peace talks between Armenia and Azerbaijan on ending the Nagorno-Karabakh conflict",
    "a tax on sugary drinks",
)


def unrelated_examples(rows: Sequence[dict[str, Any]], topic: str = UNRELATED_TOPICS[0]) -> list[Example]:
    """Every distinct quote of `rows`, classified on a topic it is not about: the gold is none (off_topic)."""
    seen: set[str] = set()
    examples = []
    for item, _ in news_examples(rows):
        if item.text not in seen:
            seen.add(item.text)
            examples.append((dataclasses.replace(item, topic=topic), "off_topic"))
    return examples


def evaluate_suite(
    model: Any,
    data_dir: str | Path | None,
    news_path: str | Path | None,
    real_news_dir: str | Path | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Every set the model card reports, as dicts of scores: IBM test (unseen topics + synthetic none),
    the synthetic news dev and held-out topics, the real-news dev and test splits, NewsMTSC devtest
    mapped to stance, and how often quotes of other subjects come out none on UNRELATED_TOPICS."""
    from .corpora import newsmtsc_gold_rows
    from .evaluation import evaluate_examples

    report: dict[str, Any] = {"model_version": model.model_version}
    if data_dir:
        report["ibm_test"] = evaluate_examples(model, ibm_test_examples(data_dir, seed))
        for split in ("devtest_mt", "devtest_rw"):
            report[f"newsmtsc_{split}"] = evaluate_examples(model, news_examples(newsmtsc_gold_rows(data_dir, split)))
    if news_path:
        for split in ("dev", "heldout"):
            report[f"news_{split}"] = evaluate_examples(model, news_examples(news_rows(news_path, split)))
    if real_news_dir:
        for split in ("dev", "test"):
            stance_set = news_rows(Path(real_news_dir) / f"{split}.jsonl")
            report[f"real_news_{split}"] = evaluate_examples(model, news_examples(stance_set))
            every_quote = stance_set + news_rows(Path(real_news_dir) / f"{split}.extra_none.jsonl")
            for number, topic in enumerate(UNRELATED_TOPICS):
                scores = evaluate_examples(model, unrelated_examples(every_quote, topic))
                report[f"unrelated_{split}_{number}_none_rate"] = scores["per_class"]["none"]["recall"]
    return report


def uncertainty_order(probabilities: Any, groups: Sequence[tuple[str, str]]) -> list[int]:
    """Indices, least sure first (smallest margin between the two likeliest of favor/against/none),
    spread over speakers and articles: a pass takes at most one quote per speaker and per article,
    the next pass the next least sure, and so on."""
    import torch

    outer = torch.stack([probabilities[:, 0], probabilities[:, 1], probabilities[:, 2:].sum(-1)], dim=-1)
    top2 = outer.topk(2, dim=-1).values
    by_margin = sorted(range(len(groups)), key=lambda i: (float(top2[i, 0] - top2[i, 1]), i))
    order: list[int] = []
    while by_margin:
        speakers, articles, left = set(), set(), []
        for i in by_margin:
            speaker, article = groups[i]
            if (speaker and speaker in speakers) or (article and article in articles):
                left.append(i)
                continue
            order.append(i)
            speakers.add(speaker)
            articles.add(article)
        by_margin = left
    return order


def corrections_experiment(
    model: Any,
    examples_by_topic: dict[str, list[Example]],
    n_labels: int = 30,
    seeds: tuple[int, ...] = (0, 1, 2),
    strategy: str = "random",
    groups_by_topic: dict[str, list[tuple[str, str]]] | None = None,
) -> dict[str, Any]:
    """For each topic: label `n_labels` quotes, train_head, score the topic's other quotes.

    strategy "random": a random draw per seed. "uncertainty": the quotes the model is least sure of
    first, spread over speakers and articles (`groups_by_topic`: (speaker, article) per example); it
    is deterministic, so it runs once. Returns zero-shot vs adapted macro-F1 per topic (mean over
    draws) and the mean gain.
    """
    from .evaluation import evaluate_examples
    from .training import outer_label, train_head

    if strategy not in ("random", "uncertainty"):
        raise ValueError(f"unknown strategy {strategy!r}: random or uncertainty")
    per_topic: dict[str, Any] = {}
    for topic, examples in sorted(examples_by_topic.items()):
        if len(examples) <= n_labels + 5:
            continue
        if strategy == "uncertainty":
            groups = (groups_by_topic or {}).get(topic) or [("", "")] * len(examples)
            orders = [uncertainty_order(model.predict_proba([item for item, _ in examples]), groups)]
        else:
            orders = []
            for seed in seeds:
                order = list(range(len(examples)))
                random.Random(seed).shuffle(order)
                orders.append(order)
        zero, adapted, seconds = [], [], []
        for seed, order in zip(seeds, orders, strict=False):
            # People label favor / against / none: the kind of none is the model's business.
            labelled = [(examples[i][0], outer_label(examples[i][1])) for i in order[:n_labels]]
            rest = [examples[i] for i in order[n_labels:]]
            head = train_head(labelled, base=model, seed=seed, topic=topic)
            zero.append(evaluate_examples(model, rest)["macro_f1"])
            adapted.append(evaluate_examples(head.apply(model), rest)["macro_f1"])
            seconds.append(head.train_seconds)
        per_topic[topic] = {
            "zero_shot_macro_f1": sum(zero) / len(zero),
            "adapted_macro_f1": sum(adapted) / len(adapted),
            "gain": (sum(adapted) - sum(zero)) / len(zero),
            "train_head_seconds_max": max(seconds),
            "n_rest": len(examples) - n_labels,
            "draws": len(zero),
            "gain_per_draw": [a - z for a, z in zip(adapted, zero, strict=True)],
        }
    gains = [v["gain"] for v in per_topic.values()]
    # The mean gain over topics of each draw, and its spread (sd over draws; 0 for one draw).
    n_draws = min((v["draws"] for v in per_topic.values()), default=0)
    per_draw = [sum(v["gain_per_draw"][d] for v in per_topic.values()) / len(per_topic) for d in range(n_draws)]
    spread = statistics.stdev(per_draw) if len(per_draw) > 1 else 0.0

    def mean_of(key: str) -> float:
        return sum(v[key] for v in per_topic.values()) / len(per_topic) if per_topic else 0.0

    return {"per_topic": per_topic, "mean_gain": sum(gains) / len(gains) if gains else 0.0, "n_labels": n_labels,
            "strategy": strategy, "mean_gain_per_draw": per_draw, "gain_sd_over_draws": spread,
            "mean_zero_shot_macro_f1": mean_of("zero_shot_macro_f1"),
            "mean_adapted_macro_f1": mean_of("adapted_macro_f1")}
