"""The class bias: a shift of the favor/against logits fitted on a dev split, saved in the artifact, applied
as the model serves (the same for an item alone and inside any batch)."""

from __future__ import annotations

import math

import pytest

from quotes.stance import StanceInput, get_model
from quotes.stance.model import DEFAULT_ARTIFACT, load_artifact
from quotes.stance.training import fit_class_bias

TOPIC = "building a new public park in the city centre"
ITEMS = [
    StanceInput(text="This park is exactly what our children need.", topic=TOPIC, speaker="Mayor Cole"),
    StanceInput(text="A park there would be a waste of taxpayers' money.", topic=TOPIC),
    StanceInput(text="The council meets on Tuesday to discuss the plan.", topic=TOPIC),
]


def _log_probabilities(rows):
    import torch

    return torch.log(torch.tensor(rows)).float()


def test_a_side_the_model_under_calls_gets_a_positive_bias_and_the_rest_none():
    # favor items lean favor but lose to neutral; against and none items are right already.
    favor_items = [[0.40, 0.05, 0.50, 0.05]] * 10
    against_items = [[0.05, 0.80, 0.10, 0.05]] * 10
    none_items = [[0.05, 0.05, 0.85, 0.05]] * 10
    gold = ["favor"] * 10 + ["against"] * 10 + ["none"] * 10
    bias = fit_class_bias(_log_probabilities(favor_items + against_items + none_items), gold)
    assert bias[0] > math.log(0.50 / 0.40) and bias[0] < math.log(0.85 / 0.05)  # favor now wins where it should
    assert bias[2:] == (0.0, 0.0)
    assert abs(bias[1]) <= 1.0  # against needs no help


def test_a_model_already_right_keeps_no_bias_and_the_fit_is_deterministic():
    rows = [[0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1]] * 5
    gold = ["favor", "against", "none"] * 5
    assert fit_class_bias(_log_probabilities(rows), gold) == (0.0, 0.0, 0.0, 0.0)
    assert fit_class_bias(_log_probabilities(rows), gold) == fit_class_bias(_log_probabilities(rows), gold)


@pytest.fixture(scope="module")
def favor_biased_path(tmp_path_factory):
    import torch

    artifact = dict(load_artifact(DEFAULT_ARTIFACT), class_bias=[6.0, 0.0, 0.0, 0.0])
    path = tmp_path_factory.mktemp("bias") / "favor-biased.pt"
    torch.save(artifact, path)
    return path


def test_the_artifacts_bias_shifts_the_served_probabilities_exactly(favor_biased_path):
    import torch

    unbiased = load_artifact(DEFAULT_ARTIFACT)
    plain_model = get_model(DEFAULT_ARTIFACT)
    biased_model = get_model(favor_biased_path)
    assert biased_model.class_bias == (6.0, 0.0, 0.0, 0.0)
    assert plain_model.class_bias == tuple(unbiased.get("class_bias", ()))
    plain = torch.log(plain_model.predict_proba(ITEMS)) - torch.tensor(plain_model.class_bias or [0.0] * 4)
    biased = torch.log(biased_model.predict_proba(ITEMS))
    shift = (biased - plain) - (biased - plain)[:, 2:3]  # log-probabilities differ by a constant per row
    assert torch.allclose(shift, torch.tensor([[6.0, 0.0, 0.0, 0.0]] * len(ITEMS)), atol=1e-4)
    assert [r.label for r in biased_model.predict(ITEMS)] == ["favor"] * len(ITEMS)


def test_with_a_bias_an_item_alone_and_inside_a_batch_get_the_same_result(favor_biased_path):
    model = get_model(favor_biased_path)
    together = model.predict(ITEMS)
    for item, result in zip(ITEMS, together, strict=True):
        (alone,) = model.predict([item])
        assert alone.label == result.label and alone.scores == pytest.approx(result.scores, abs=1e-6)
