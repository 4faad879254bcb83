"""Training: the shipped base artifact (LoRA + head) and per-topic heads ("learning from corrections")."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import Example
from .model import (
    BASE_FORMAT,
    INNER_LABELS,
    LABELS,
    TOPIC_HEAD_FORMAT,
    InputEncoder,
    Relevance,
    StanceModel,
    add_lora,
    base_model_dir,
    build_adapter,
    build_head,
    default_num_threads,
    file_digest,
    get_model,
    length_buckets,
    load_sentence_encoder,
    lora_state_from,
    mean_pool,
    norm_state_from,
    pad_batch,
    passage_kind,
)

log = logging.getLogger(__name__)

# Which inner classes a label allows: "none" accepts either kind of none.
ALLOWED_INNER: dict[str, tuple[int, ...]] = {
    "favor": (0,),
    "against": (1,),
    "neutral": (2,),
    "off_topic": (3,),
    "none": (2, 3),
}


def target_mask(labels: Sequence[str]) -> Any:
    import torch

    mask = torch.zeros((len(labels), len(INNER_LABELS)), dtype=torch.bool)
    for row, label in enumerate(labels):
        if label not in ALLOWED_INNER:
            raise ValueError(f"unknown label {label!r}; expected one of {sorted(ALLOWED_INNER)}")
        mask[row, list(ALLOWED_INNER[label])] = True
    return mask


def set_of_labels_loss(logits: Any, mask: Any, weights: Any | None = None) -> Any:
    """-log P(label set): cross-entropy when one class is allowed, marginal for "none"."""
    import torch

    log_probs = torch.log_softmax(logits, dim=-1)
    picked = torch.logsumexp(log_probs.masked_fill(~mask, float("-inf")), dim=-1)
    losses = -picked
    if weights is not None:
        return (losses * weights).sum() / weights.sum()
    return losses.mean()


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)


# --------------------------------------------------------------------------- base training


@dataclass
class BaseTrainingConfig:
    epochs: float = 4.0
    batch_size: int = 32
    lora_rank: int = 16
    lora_alpha: float = 32.0
    lora_dropout: float = 0.05
    lr_lora: float = 6e-4
    lr_head: float = 1e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    seed: int = 0
    max_minutes: float = 28.0  # per member: stop early rather than exceed the hour with two members
    members: int = 2  # member k is trained with seed + k; their votes are averaged
    log_every: int = 50


def build_trainable(config: BaseTrainingConfig, init_member: dict[str, Any] | None = None) -> tuple[Any, Any, Any]:
    """fp32 MiniLM with trainable LoRA + LayerNorms, and a head; optionally from a trained member."""
    from transformers import AutoModel, AutoTokenizer

    model_dir = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    encoder = AutoModel.from_pretrained(model_dir, local_files_only=True)
    for param in encoder.parameters():
        param.requires_grad = False
    rank = init_member["lora_rank"] if init_member else config.lora_rank
    alpha = init_member["lora_alpha"] if init_member else config.lora_alpha
    config.lora_rank, config.lora_alpha = rank, alpha
    add_lora(encoder, rank, alpha, config.lora_dropout)
    head = build_head()
    if init_member:
        state = {k: v.float() for k, v in init_member["lora"].items()}
        state.update({k: v.float() for k, v in init_member["norms"].items()})
        # LayerNorms sit outside the LoRA wrappers, so their names are unchanged.
        _missing, unexpected = encoder.load_state_dict(state, strict=False)
        if unexpected:
            raise ValueError(f"artifact keys not in the model: {unexpected[:3]}")
        head.load_state_dict({k: v.float() for k, v in init_member["head"].items()})
    for name, param in encoder.named_parameters():
        if "lora_" in name or "LayerNorm" in name:
            param.requires_grad = True
    return encoder, head, tokenizer


def train_member(
    examples: Sequence[Example],
    config: BaseTrainingConfig | None = None,
    sample_weights: Sequence[float] | None = None,
    init_member: dict[str, Any] | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 200,
    max_steps: int | None = None,
) -> dict[str, Any]:
    """Fit LoRA (rank r on every Linear of MiniLM) + LayerNorms + head: one member of the base artifact.

    init_member: continue from a trained member (its LoRA, norms and head) instead of zero.
    checkpoint: a file where the run saves its state every `checkpoint_every` steps and which it
    resumes from (same examples and config: the batch order is fixed up front by the seed).
    max_steps: stop after this many steps of the schedule (the learning rate follows the full one).
    Returns the member's tensors (LoRA and norms in fp16) and the facts of its run.
    """
    import torch

    config = config or BaseTrainingConfig()
    torch.set_num_threads(default_num_threads())
    seed_everything(config.seed)
    encoder, head, tokenizer = build_trainable(config, init_member)
    encoder.train()
    head.train()

    input_encoder = InputEncoder(tokenizer)
    encoded = input_encoder.encode([item for item, _ in examples])
    labels = [label for _, label in examples]
    weights = torch.tensor(sample_weights if sample_weights is not None else [1.0] * len(examples))
    rng = random.Random(config.seed)

    def epoch_batches() -> list[list[int]]:
        # Shuffle, then bucket by length inside chunks of 50 batches: fast and still random.
        order = list(range(len(encoded)))
        rng.shuffle(order)
        batches: list[list[int]] = []
        chunk = config.batch_size * 50
        for start in range(0, len(order), chunk):
            part = order[start : start + chunk]
            for bucket in length_buckets([len(encoded[i].input_ids) for i in part], config.batch_size):
                batches.append([part[i] for i in bucket])
        rng.shuffle(batches)
        return batches

    steps_per_epoch = math.ceil(len(encoded) / config.batch_size)
    total_steps = max(1, int(steps_per_epoch * config.epochs))
    warmup_steps = max(1, int(total_steps * config.warmup_fraction))
    # The whole run's batch order, fixed up front by the seed (so a resumed run takes the same path).
    schedule: list[list[int]] = []
    while len(schedule) < total_steps:
        schedule.extend(epoch_batches())
    schedule = schedule[: min(total_steps, max_steps or total_steps)]
    lora_params = [p for n, p in encoder.named_parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": lora_params, "lr": config.lr_lora},
            {"params": list(head.parameters()), "lr": config.lr_head},
        ],
        weight_decay=config.weight_decay,
    )
    def warmup_then_linear_decay(step: int) -> float:
        return min((step + 1) / warmup_steps, max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_then_linear_decay)
    pad_id = tokenizer.pad_token_id
    step, spent = 0, 0.0
    if checkpoint and Path(checkpoint).exists():
        step, spent = _resume(Path(checkpoint), encoder, head, optimizer, scheduler)
        log.info("resumed %s at step %d/%d", checkpoint, step, total_steps)
    started = time.monotonic() - spent
    running_loss = 0.0
    for batch_indices in schedule[step:]:
        tensors = pad_batch([encoded[i] for i in batch_indices], pad_id)
        hidden = encoder(**tensors).last_hidden_state
        logits = head(mean_pool(hidden, tensors["attention_mask"]))
        loss = set_of_labels_loss(logits, target_mask([labels[i] for i in batch_indices]), weights[batch_indices])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(lora_params + list(head.parameters()), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        running_loss += loss.item()
        if step % config.log_every == 0:
            elapsed = time.monotonic() - started
            log.info("step %d/%d loss %.4f (%.0fs)", step, total_steps, running_loss / config.log_every, elapsed)
            running_loss = 0.0
        timed_out = time.monotonic() - started > config.max_minutes * 60
        if checkpoint and (step % checkpoint_every == 0 or step == len(schedule) or timed_out):
            _save_checkpoint(Path(checkpoint), encoder, head, optimizer, scheduler, step, time.monotonic() - started)
        if timed_out:
            log.warning("time box of %.0f min reached at step %d/%d", config.max_minutes, step, total_steps)
            break

    return {
        "lora_rank": config.lora_rank,
        "lora_alpha": config.lora_alpha,
        # fp16 halves the file; merged into fp32 weights at load, measured no score change.
        "lora": {k: v.half() for k, v in lora_state_from(encoder).items()},
        "norms": {k: v.half() for k, v in norm_state_from(encoder).items()},
        "head": {k: v.detach().clone() for k, v in head.state_dict().items()},
        "metadata": {"steps": step, "train_seconds": round(time.monotonic() - started, 1), "config": config.__dict__},
    }



def _save_checkpoint(path: Path, encoder: Any, head: Any, optimizer: Any, scheduler: Any, step: int,
                     seconds: float) -> None:
    import torch

    trainable = {n: p.detach().clone() for n, p in encoder.named_parameters() if p.requires_grad}
    state = {"encoder": trainable, "head": head.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "step": step, "seconds": seconds,
             "torch_rng": torch.get_rng_state()}
    temporary = path.with_suffix(".tmp")
    torch.save(state, temporary)
    temporary.replace(path)  # atomic: a run killed while saving keeps the previous checkpoint


def _resume(path: Path, encoder: Any, head: Any, optimizer: Any, scheduler: Any) -> tuple[int, float]:
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    encoder.load_state_dict(state["encoder"], strict=False)
    head.load_state_dict(state["head"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    return state["step"], state["seconds"]


def save_base_artifact(
    members: Sequence[dict[str, Any]],
    output_path: str | os.PathLike,
    relevance: dict[str, dict[str, float]] | None = None,
    metadata: dict[str, Any] | None = None,
    class_bias: Sequence[float] | None = None,
    self_bias: Sequence[float] | None = None,
) -> Path:
    """Write the members (their votes are averaged), the relevance expert's calibration, the class
    bias (see fit_class_bias) and the bias for a topic's own person speaking (fit_self_bias) as one file."""
    import torch

    artifact = {
        "format": BASE_FORMAT,
        "created": dt.date.today().strftime("%Y.%m.%d"),
        "members": list(members),
        **({"relevance": relevance} if relevance else {}),
        **({"class_bias": [float(b) for b in class_bias]} if class_bias else {}),
        **({"self_bias": [float(b) for b in self_bias]} if self_bias else {}),
        "metadata": dict(metadata or {}, n_members=len(members)),
    }
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(artifact, output_path)
    return output_path


# --------------------------------------------------------------------------- class bias

CLASS_BIAS_GRID = tuple(round(0.1 * step, 1) for step in range(-5, 21))


def fit_class_bias(
    log_probabilities: Any, gold: Sequence[str], grid: Sequence[float] = CLASS_BIAS_GRID, rows: Any = None
) -> tuple[float, float, float, float]:
    """The shift of the favor and against logits (neutral, off_topic stay 0) that maximises macro-F1
    of `gold` (outer labels) over the grid; among equals the smallest shift, so the fit is deterministic.
    log_probabilities: the model's inner log-probabilities (n x 4) on a dev split; `rows` (n x 1 of
    0/1): shift only those rows (default: all)."""
    import torch

    from .evaluation import f1_scores
    from .model import inner_to_result

    weight = torch.ones((len(log_probabilities), 1)) if rows is None else rows

    def macro_f1(bias: tuple[float, float]) -> float:
        shift = weight * torch.tensor([bias[0], bias[1], 0.0, 0.0])
        shifted = torch.softmax(log_probabilities + shift, dim=-1)
        return f1_scores(list(gold), [inner_to_result(row.tolist()).label for row in shifted])["macro_f1"]

    candidates = sorted(((f, a) for f in grid for a in grid), key=lambda b: (abs(b[0]) + abs(b[1]), b))
    best = max(candidates, key=macro_f1)  # max keeps the first (smallest) of equal scores
    return (best[0], best[1], 0.0, 0.0)


SELF_BIAS_GRID = tuple(round(0.5 * step, 1) for step in range(-8, 9))


def fit_self_bias(
    log_probabilities: Any, gold: Sequence[str], own: Sequence[bool], grid: Sequence[float] = SELF_BIAS_GRID
) -> tuple[float, float, float, float]:
    """The shift of the favor and against logits of the rows where the topic's own person speaks
    (`own`) that maximises macro-F1 of `gold` over all rows; among equals the smallest, as fit_class_bias.
    log_probabilities: inner log-probabilities (n x 4) with the class bias already in."""
    import torch

    rows = torch.tensor([[float(flag)] for flag in own])
    return fit_class_bias(log_probabilities, gold, grid, rows=rows)


# --------------------------------------------------------------------------- relevance


def fit_relevance(examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    """Calibrate the relevance expert: P(off_topic | cosine), a logistic regression on the training pairs.

    One fit per passage_kind (bare texts, quotes in context); a kind without both on- and
    off-topic examples gets the fit over all of them. Biases are net of the training prior's
    log-odds, which the head has already learnt. Pairs labelled plain "none" (kind unknown) are left out.
    """
    import torch

    encoder, tokenizer = load_sentence_encoder()
    torch.set_num_threads(default_num_threads())
    known = [(item, label) for item, label in examples if label != "none"]
    cosines = Relevance(encoder, InputEncoder(tokenizer), {}).cosines([item for item, _ in known])
    off_topic = torch.tensor([float(label == "off_topic") for _, label in known])
    if not 0 < off_topic.sum() < len(known):
        raise ValueError("fit_relevance needs both off_topic and on-topic examples")
    overall = _logistic_fit(cosines, off_topic)
    calibration = {}
    for kind in ("bare", "in_context"):
        rows = torch.tensor([passage_kind(item) == kind for item, _ in known])
        has_both = 0 < off_topic[rows].sum() < rows.sum()
        calibration[kind] = _logistic_fit(cosines[rows], off_topic[rows]) if has_both else overall
    return calibration


def _logistic_fit(x: Any, y: Any) -> dict[str, float]:
    """weight and bias of P(y | x) = sigmoid(weight * x + bias), the bias less the log-odds of y's mean."""
    import torch

    weight = torch.zeros(1, requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([weight, bias], max_iter=200)

    def closure() -> Any:
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(weight * x + bias, y)
        loss.backward()
        return loss

    optimizer.step(closure)
    prior = float(y.mean())
    return {"weight": round(weight.item(), 4), "bias": round(bias.item() - math.log(prior / (1 - prior)), 4)}


# --------------------------------------------------------------------------- corrections


@dataclass
class HeadArtifact:
    """A topic's adapter (beside the shared head); save() it and load with get_model(head_path=...)."""

    adapter_state: dict[str, Any]
    base_version: str
    topic: str = ""
    n_examples: int = 0
    label_counts: dict[str, int] = field(default_factory=dict)
    train_seconds: float = 0.0
    l2: float = 0.0  # the pull toward the base it was fitted with (see train_head)

    def save(self, path: str | os.PathLike) -> Path:
        import torch

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {
                "format": TOPIC_HEAD_FORMAT,
                "base_version": self.base_version,
                "topic": self.topic,
                "n_examples": self.n_examples,
                "label_counts": self.label_counts,
                "l2": self.l2,
                "adapter": self.adapter_state,
            },
            path,
        )
        return path

    def model_version(self, path: str | os.PathLike) -> str:
        """The version get_model(path) will report once saved at `path`."""
        return f"{self.base_version}+head-{file_digest(Path(path))}"

    def apply(self, base: StanceModel) -> StanceModel:
        """An in-memory model using this adapter (no file needed), sharing the base encoder and head."""
        adapter = build_adapter(base.head[1].in_features, len(base.members))
        adapter.load_state_dict(self.adapter_state)
        adapter.eval()
        return dataclasses.replace(
            base,
            model_version=f"{base.base_version}+head-mem",
            metadata=dict(base.metadata, topic=self.topic),
            adapter=adapter,
        )


# The adapter's L2 pull toward the base (on the standardised inputs): 0.01 before; 0.1 chosen on the
# real-news dev topics, the tie with 1-10 there broken on the synthetic held-out topics, where a
# stronger pull costs more (MODEL_CARD.md, "Learning from corrections"; a per-topic cross-validated
# choice did no better).
ADAPTER_L2 = 0.1


def fit_adapter(
    inputs: Any,
    base_logits: Any,
    labels: Sequence[str],
    *,
    l2: float,
    steps: int = 300,
    lr: float = 1e-2,
) -> tuple[Any, Any]:
    """The adapter Linear (weight [4, d], bias [4]) added to `base_logits`, fitted on `inputs` (pure tensors).

    Starts at zero (= the base model); standardised inputs, full-batch Adam, class-balanced
    set-of-labels loss plus `l2` times the squared weights (the pull toward the base); the
    standardisation is folded into the returned Linear."""
    import torch

    mask = target_mask(labels)
    mean, scale = inputs.mean(0), inputs.std(0, unbiased=False) + 1e-6
    standardized = (inputs - mean) / scale
    # Balance classes so a topic with 25 "against" and 5 "favor" still learns "favor".
    label_counts = {label: labels.count(label) for label in set(labels)}
    weights = torch.tensor([1.0 / label_counts[label] for label in labels])
    weight = torch.zeros((inputs.shape[1], len(INNER_LABELS)), requires_grad=True)
    bias = torch.zeros(len(INNER_LABELS), requires_grad=True)
    optimizer = torch.optim.Adam([weight, bias], lr=lr)
    for _ in range(steps):
        logits = base_logits + standardized @ weight + bias
        loss = set_of_labels_loss(logits, mask, weights) + l2 * (weight**2).sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    # Fold the standardisation into one Linear: (x - mean) / scale @ W + b.
    folded = (weight / scale[:, None]).detach()
    return folded.T.contiguous(), (bias - (mean / scale) @ weight).detach()


def train_head(
    examples: Sequence[Example],
    *,
    base: StanceModel | None = None,
    seed: int = 0,
    steps: int = 300,
    lr: float = 1e-2,
    l2: float = ADAPTER_L2,
    topic: str = "",
) -> HeadArtifact:
    """Learn one topic from its labelled examples (learning from corrections).

    The members' encoders and heads stay frozen; a linear adapter over every member's pooled
    ADAPTER_LAYERS is added to the ensemble's logits, starting from zero (= the base model), fitted
    full-batch with an L2 pull toward zero (fit_adapter, ADAPTER_L2). The states are computed once
    (~0.02 s per example), so 30 labels fit in about a second. Labels: favor | against | none | neutral |
    off_topic. The labelled quotes themselves keep their human labels in the app whatever the head
    says (services.topic_reclassify only rewrites model labels).
    """

    if not examples:
        raise ValueError("train_head needs at least one labelled example")
    started = time.monotonic()
    base = base or get_model()
    labels = [label for _, label in examples]
    target_mask(labels)  # an unknown label fails before the encoders run
    seed_everything(seed)
    items = [item for item, _ in examples]
    pooled, inputs = base.features(items, with_adapter_layers=True)
    base_logits = base.base_logits(items, pooled)
    weight, bias = fit_adapter(inputs, base_logits, labels, l2=l2, steps=steps, lr=lr)
    return HeadArtifact(
        adapter_state={"weight": weight, "bias": bias},
        base_version=base.base_version,
        topic=topic,
        n_examples=len(examples),
        label_counts={label: labels.count(label) for label in sorted(set(labels))},
        train_seconds=round(time.monotonic() - started, 2),
        l2=float(l2),
    )


def outer_label(label: str) -> str:
    """Inner label -> favor/against/none."""
    return label if label in LABELS else "none"
