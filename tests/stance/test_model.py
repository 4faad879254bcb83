"""Behaviour of the real stance model: offline load, batching, probabilities, unseen topics, edge cases."""

from __future__ import annotations

import math
import os

import pytest

from quotes.stance import LABELS, StanceInput, StanceResult, get_model
from quotes.stance.model import DEFAULT_ARTIFACT, inner_to_result

PARK = "building a new public park in the city centre"
SPEED = "lowering the speed limit on residential streets to 20 mph"


def test_shipped_artifact_is_small_and_loads_offline(stance_model) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert DEFAULT_ARTIFACT.stat().st_size < 5 * 1024 * 1024
    assert stance_model.model_version.startswith("minilm-l6+lora-")
    # A second call is served from the per-process cache.
    assert get_model() is stance_model


def test_scores_are_probabilities_over_the_three_labels(stance_model) -> None:
    results = stance_model.predict(
        [
            StanceInput(text="We will keep fighting this plan.", topic=PARK),
            StanceInput(text="It was sunny.", topic=SPEED, context="'It was sunny,' she said.", speaker="Ann Lee"),
        ]
    )
    for result in results:
        assert isinstance(result, StanceResult)
        assert set(result.scores) == set(LABELS)
        assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-5)
        assert all(0.0 <= p <= 1.0 for p in result.scores.values())
        assert result.label == max(result.scores, key=result.scores.get)
        assert result.none_kind in (("neutral", "off_topic") if result.label == "none" else ("",))


def test_inner_scores_collapse_into_none() -> None:
    result = inner_to_result([0.1, 0.2, 0.3, 0.4])
    assert result.label == "none" and result.none_kind == "off_topic"
    assert math.isclose(result.scores["none"], 0.7)


def test_a_quotes_stance_does_not_depend_on_the_rest_of_its_batch(stance_model) -> None:
    items = [
        StanceInput(text="This park is exactly what our children need.", topic=PARK, speaker="Mayor Cole"),
        StanceInput(text="A park there would be a waste of taxpayers' money.", topic=PARK),
        StanceInput(
            text="Slower cars save lives, and I back the 20 mph limit wholeheartedly because the evidence "
            "from every city that tried it shows fewer deaths and calmer streets.",
            topic=SPEED,
        ),
        StanceInput(text="No.", topic=SPEED, context='Asked whether she supports the limit, she said: "No."'),
        StanceInput(text="The quarterly earnings of the bank rose by four percent.", topic=PARK),
    ]
    others = [
        StanceInput(text="We will never accept this plan, whatever the council says about it " * 3, topic=SPEED),
        StanceInput(text="Yes.", topic=PARK, context="Asked if she backs it, the mayor said yes."),
        StanceInput(text="Prices at the pump fell again this week.", topic=SPEED, speaker="A spokesman"),
    ]
    assert stance_model.quantized  # the shipped int8 path is the one that must be batch-invariant
    alone = [stance_model.predict([item])[0] for item in items]
    mixes = [
        stance_model.predict(items),
        stance_model.predict(others + items)[len(others):],
        stance_model.predict(list(reversed(items)) + others)[: len(items)][::-1],
        stance_model.predict(items + others, batch_size=2)[: len(items)],
    ]
    for mix in mixes:
        for single, in_mix in zip(alone, mix, strict=True):
            assert (in_mix.label, in_mix.none_kind) == (single.label, single.none_kind)
            for label in LABELS:
                assert in_mix.scores[label] == pytest.approx(single.scores[label], abs=1e-6)


def test_int8_linear_is_the_integer_product_at_each_rows_own_scale() -> None:
    import torch

    from quotes.stance.model import _rowwise_int8_class

    if not hasattr(torch.ops.onednn, "qlinear_pointwise"):
        pytest.skip("this torch build has no oneDNN int8 kernels (the model stays in fp32)")
    torch.manual_seed(0)
    linear = torch.nn.Linear(16, 8)
    layer = _rowwise_int8_class()(linear)
    x = torch.randn(2, 5, 16) * torch.tensor([1.0, 40.0])[:, None, None]  # both signs, two magnitudes
    scale = x.abs().amax(-1, keepdim=True) / 127
    weight_ints = torch.round(linear.weight / layer.weight_scale[:, None])
    expected = (torch.round(x / scale).double() @ weight_ints.double().T) * scale.double() * layer.weight_scale.double()
    expected += linear.bias.double()
    out = layer(x)
    assert torch.allclose(out.double(), expected, rtol=1e-5, atol=1e-6)
    assert torch.equal(layer(x[1:]), out[1:])  # a row's result does not see the other rows


def test_results_keep_input_order_across_length_buckets(stance_model) -> None:
    # A long favor quote and a short against quote alternate; bucketing sorts them by length.
    long_favor = "This park will be a wonderful place for families and I support it fully. " * 6
    short_against = "I oppose this park."
    items = [StanceInput(text=long_favor, topic=PARK), StanceInput(text=short_against, topic=PARK)] * 3
    results = stance_model.predict(items, batch_size=2)
    assert [r.label for r in results] == ["favor", "against"] * 3
    for position, result in enumerate(results):
        first = results[position % 2]
        assert result.scores["favor"] == pytest.approx(first.scores["favor"], abs=1e-6)


@pytest.mark.parametrize(
    ("text", "topic", "expected"),
    [
        ("The new park is a great idea and I support it.", PARK, "favor"),
        ("The park is a terrible idea and I will vote against it.", PARK, "against"),
        ("We must lower the speed limit to 20 mph now: it will save children's lives.", SPEED, "favor"),
        ("A 20 mph limit is pointless and I oppose it.", SPEED, "against"),
        ("The quarterly earnings of the bank rose by four percent.", PARK, "none"),
    ],
)
def test_clear_cases_on_topics_never_seen_in_training(stance_model, text: str, topic: str, expected: str) -> None:
    assert stance_model.predict([StanceInput(text=text, topic=topic)])[0].label == expected


def test_support_stated_outright_beside_negative_words() -> None:
    text = "I strongly support the new park; the city centre badly needs green space."
    assert get_model().predict([StanceInput(text=text, topic=PARK)])[0].label == "favor"


@pytest.mark.xfail(strict=True, reason="known weakness: defences and negated attacks read by their negative words; "
                                       "see MODEL_CARD (Limits)")
def test_support_phrased_as_a_defence_or_a_negated_attack() -> None:
    texts = [
        "Without this park our children will keep suffering in dirty, dangerous streets, so I back it.",
        "Critics who attack the park plan are wrong and shameful; it deserves to be built.",
        "It would be a terrible mistake to cancel the park.",
    ]
    labels = [r.label for r in get_model().predict([StanceInput(text=t, topic=PARK) for t in texts])]
    assert labels == ["favor"] * len(texts)


def test_a_call_to_stop_the_talks_opposes_them() -> None:
    quote = "“The talks are a betrayal and must stop now,”"
    item = StanceInput(text=quote, topic="the U.S.–Russia talks on ending the war in Ukraine",
                       context=f"{quote} Brandt said.", speaker="Lena Brandt")
    assert get_model().predict([item])[0].label == "against"


def test_empty_and_huge_inputs_are_handled(stance_model) -> None:
    assert stance_model.predict([]) == []
    huge = "The council said the plan would go ahead. " * 20000  # ~800k characters
    results = stance_model.predict(
        [
            StanceInput(text="", topic=PARK),
            StanceInput(text=huge, topic=PARK, context=huge),
            StanceInput(text="x", topic=""),
        ]
    )
    assert len(results) == 3
    for result in results:
        assert result.label in LABELS
        assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-5)
