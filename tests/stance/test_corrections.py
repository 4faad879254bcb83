"""Learning from corrections: train_head adapts the head to one topic, saves/loads, versions."""

from __future__ import annotations

import dataclasses

import pytest

from quotes.stance import StanceInput, get_model, train_head
from quotes.stance.training import ADAPTER_L2, fit_adapter

# A made-up local topic where the labels are only learnable from the corrections themselves.
TOPIC = "the Project Zephyr proposal"
TRAIN_AGAINST = [
    "Project Zephyr would bring jobs to the valley.",
    "Zephyr is the future of this town.",
    "We need Zephyr built this year.",
    "Zephyr will make our region richer.",
    "The Zephyr plan is smart economics.",
    "I want Zephyr finished quickly.",
]
HELD_OUT = ["Zephyr would make the valley prosper.", "Building Zephyr soon is what this region needs."]


def _against(model, texts: list[str]) -> list[float]:
    return [r.scores["against"] for r in model.predict([StanceInput(text=t, topic=TOPIC) for t in texts])]


@pytest.fixture(scope="module")
def zephyr_head(stance_model):
    # Corrections that contradict the base model's reading: the head must move toward them.
    examples = [(StanceInput(text=t, topic=TOPIC), "against") for t in TRAIN_AGAINST]
    examples.append((StanceInput(text="The weather was mild on Sunday.", topic=TOPIC), "none"))
    return train_head(examples, base=stance_model, seed=0, topic=TOPIC)


def test_train_head_moves_predictions_on_that_topic(stance_model, zephyr_head) -> None:
    adapted = zephyr_head.apply(stance_model)
    before = _against(stance_model, HELD_OUT)
    after = _against(adapted, HELD_OUT)
    # On average over the unlabelled quotes: one of two rephrasings may stay put with 7 labels.
    assert sum(after) / len(after) > sum(before) / len(before) + 0.2, (before, after)
    assert zephyr_head.train_seconds < 60


def test_train_head_is_deterministic(stance_model, zephyr_head) -> None:
    examples = [(StanceInput(text=t, topic=TOPIC), "against") for t in TRAIN_AGAINST]
    examples.append((StanceInput(text="The weather was mild on Sunday.", topic=TOPIC), "none"))
    again = train_head(examples, base=stance_model, seed=0, topic=TOPIC)
    for key, tensor in zephyr_head.adapter_state.items():
        assert tensor.equal(again.adapter_state[key])


def test_saved_head_round_trips_with_its_own_version(stance_model, zephyr_head, tmp_path) -> None:
    path = zephyr_head.save(tmp_path / "zephyr.pt")
    assert path.stat().st_size < 1024 * 1024
    loaded = get_model(path)
    assert loaded.model_version == zephyr_head.model_version(path)
    assert loaded.model_version.startswith(stance_model.model_version + "+head-")
    in_memory = _against(zephyr_head.apply(stance_model), HELD_OUT)
    assert _against(loaded, HELD_OUT) == pytest.approx(in_memory, abs=1e-6)
    # The shipped model itself is untouched by the topic head.
    assert get_model().head is stance_model.head


def test_head_from_another_base_is_refused(zephyr_head, tmp_path) -> None:
    stale = dataclasses.replace(zephyr_head, base_version="minilm-l6+lora-1999.01.01.deadbeef00")
    path = stale.save(tmp_path / "stale.pt")
    with pytest.raises(ValueError, match="retrain"):
        get_model(path)


def test_unknown_label_is_rejected(stance_model) -> None:
    with pytest.raises(ValueError, match="unknown label"):
        train_head([(StanceInput(text="a", topic=TOPIC), "maybe")], base=stance_model)


def test_head_of_an_older_format_is_refused(tmp_path) -> None:
    import torch

    path = tmp_path / "old.pt"
    torch.save({"format": "newsdesk-stance-head/1", "head": {}}, path)
    with pytest.raises(ValueError, match="older format: retrain it"):
        get_model(path)


def test_adapter_shares_the_encoder_and_head_and_leaves_the_base_alone(stance_model, zephyr_head) -> None:
    adapted = zephyr_head.apply(stance_model)
    assert adapted.head is stance_model.head and adapted.encoder is stance_model.encoder
    assert adapted.ensemble is stance_model.ensemble and adapted.relevance is stance_model.relevance
    assert stance_model.adapter is None



def test_uncertainty_order_puts_the_least_sure_first_and_spreads_speakers_and_articles() -> None:
    import torch

    from quotes.stance.pipeline import uncertainty_order

    # favor, against, neutral, off_topic; none = neutral + off_topic. Margins between the two
    # likeliest of favor / against / none: 0.85, 0.05, 0.10, 0.25, 0.15.
    probabilities = torch.tensor([
        [0.90, 0.05, 0.03, 0.02],
        [0.45, 0.40, 0.10, 0.05],
        [0.50, 0.40, 0.05, 0.05],
        [0.60, 0.05, 0.20, 0.15],
        [0.20, 0.35, 0.40, 0.05],
    ])
    groups = [("C", "a3"), ("A", "a1"), ("A", "a2"), ("B", "a4"), ("D", "a1")]
    # 1 is the least sure; 2 (same speaker) and 4 (same article) wait for the second pass.
    assert uncertainty_order(probabilities, groups) == [1, 3, 0, 2, 4]
    assert uncertainty_order(probabilities, [("", "")] * 5) == [1, 2, 4, 3, 0]


# Twelve labels, two kinds.
MORE_AGAINST = TRAIN_AGAINST + ["Zephyr is exactly what our schools need.", "Let us vote yes on Zephyr."]
NONE = ["The weather was mild on Sunday.", "The ferry leaves at nine.", "The council meets on Tuesday.",
        "Tickets go on sale in May."]


def _twelve() -> list:
    return [(StanceInput(text=t, topic=TOPIC), "against") for t in MORE_AGAINST] + [
        (StanceInput(text=t, topic=TOPIC), "none") for t in NONE
    ]


def test_head_moves_held_out_quotes_ignores_the_labels_order_and_stays_batch_invariant(stance_model) -> None:
    import torch

    examples = _twelve()
    head = train_head(examples, base=stance_model, topic=TOPIC)
    assert head.l2 == ADAPTER_L2
    adapted = head.apply(stance_model)
    before, after = _against(stance_model, HELD_OUT), _against(adapted, HELD_OUT)
    assert sum(after) / len(after) > sum(before) / len(before) + 0.2, (before, after)
    # The same labels in another order fit the same head (up to the rounding of sums taken in another order).
    again = train_head(list(reversed(examples)), base=stance_model, topic=TOPIC)
    for key, tensor in head.adapter_state.items():
        assert torch.allclose(tensor, again.adapter_state[key], rtol=1e-3, atol=1e-6), key
    # Still batch-invariant with a head: a quote's scores are the same alone and inside a batch.
    items = [StanceInput(text=t, topic=TOPIC) for t in HELD_OUT + NONE]
    together = adapted.predict(items, batch_size=3)
    for item, result in zip(items, together, strict=True):
        alone = adapted.predict([item])[0]
        assert alone.label == result.label
        assert alone.scores == pytest.approx(result.scores, abs=1e-6)


def test_fit_adapter_starts_from_the_base_and_folds_the_standardisation() -> None:
    import torch

    generator = torch.Generator().manual_seed(1)
    features = torch.randn((12, 8), generator=generator) * 5 + 3
    base_logits = torch.randn((12, 4), generator=generator)
    labels = ["favor", "against", "none"] * 4
    weight, bias = fit_adapter(features, base_logits, labels, l2=1.0, steps=0)
    assert weight.shape == (4, 8) and not weight.any() and not bias.any()  # no steps: the base model
    weight, bias = fit_adapter(features, base_logits, labels, l2=1.0, steps=50)
    assert weight.any()
