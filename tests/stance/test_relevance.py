"""The relevance expert: the untuned sentence encoder's cosine moves only the off_topic logit."""

from __future__ import annotations

import dataclasses

import pytest

from quotes.stance import StanceInput, get_model
from quotes.stance.model import INNER_LABELS, load_artifact
from quotes.stance.training import fit_relevance

TOPIC = "lowering the speed limit on residential streets to 20 mph"
ON_TOPIC = StanceInput(text="Drivers on our street go far too fast; slower traffic would protect the children.",
                       topic=TOPIC)
OFF_TOPIC = StanceInput(text="The orchestra's new conductor opens the season with Mahler.", topic=TOPIC)


def test_shipped_artifact_carries_a_calibrated_relevance_expert(stance_model) -> None:
    assert stance_model.relevance is not None
    # Closer to the topic: less likely off topic, for bare texts and for quotes in context alike.
    assert set(stance_model.relevance.calibration) == {"bare", "in_context"}
    assert all(fit["weight"] < 0 for fit in stance_model.relevance.calibration.values())
    on_topic, off_topic = stance_model.relevance.cosines([ON_TOPIC, OFF_TOPIC]).tolist()
    assert on_topic > off_topic + 0.2


def test_only_the_off_topic_logit_moves(stance_model) -> None:
    shift = stance_model.relevance_shift([ON_TOPIC, OFF_TOPIC])
    off_topic = INNER_LABELS.index("off_topic")
    assert shift.shape == (2, len(INNER_LABELS))
    others = [i for i in range(len(INNER_LABELS)) if i != off_topic]
    assert shift[:, others].abs().sum() == 0
    assert shift[1, off_topic] > shift[0, off_topic]


def test_relevance_pushes_an_off_topic_quote_toward_none(stance_model) -> None:
    with_expert = stance_model.predict_proba([OFF_TOPIC])[0]
    without = dataclasses.replace(stance_model, relevance=None).predict_proba([OFF_TOPIC])[0]
    off_topic = INNER_LABELS.index("off_topic")
    assert with_expert[off_topic] > without[off_topic]
    assert stance_model.predict([OFF_TOPIC])[0].none_kind == "off_topic"


def test_an_artifact_without_the_expert_still_loads(tmp_path) -> None:
    import torch

    from quotes.stance.model import DEFAULT_ARTIFACT

    artifact = load_artifact(DEFAULT_ARTIFACT)
    del artifact["relevance"]
    path = tmp_path / "no-relevance.pt"
    torch.save(artifact, path)
    model = get_model(path)
    assert model.relevance is None
    assert model.relevance_shift([OFF_TOPIC]).abs().sum() == 0
    assert model.predict([ON_TOPIC])[0].label in ("favor", "against", "none")


def test_fit_relevance_learns_that_distance_means_off_topic() -> None:
    topics = ["raising the minimum wage", "building a new football stadium", "banning plastic bags"]
    texts = [
        "Workers cannot live on what the minimum wage pays today.",
        "A higher wage floor will cost small shops jobs.",
        "The stadium will bring matches and visitors to the city.",
        "Public money should not pay for a football ground.",
        "Plastic bags choke rivers and should go.",
        "Shoppers need cheap bags; a ban punishes the poor.",
    ]
    examples = []
    for position, text in enumerate(texts):
        own = topics[position // 2]
        examples.append((StanceInput(text=text, topic=own), "favor" if position % 2 == 0 else "against"))
        examples += [(StanceInput(text=text, topic=other), "off_topic") for other in topics if other != own]
    calibration = fit_relevance(examples)
    # No example has a context: quotes in context get the fit over all examples.
    assert calibration["bare"] == calibration["in_context"]
    assert calibration["bare"]["weight"] < 0
    with pytest.raises(ValueError, match="both off_topic and on-topic"):
        fit_relevance([(StanceInput(text="a", topic="b"), "favor")])


def test_the_topic_decides_a_quote_with_a_side_on_its_own_topic_is_none_on_another(stance_model) -> None:
    quote = "“I will vote against this speed limit, it is a war on drivers,”"
    item = StanceInput(text=quote, topic=TOPIC, context=f"{quote} said Mr Hale, a councillor.", speaker="Mr Hale")
    other = dataclasses.replace(item, topic="the peace talks between Armenia and Azerbaijan")
    on_own, on_other = stance_model.predict([item, other])
    # This test is about relevance: a side on its own topic (which side is test_model's business; the
    # shipped model reads this one as favor, see MODEL_CARD Limits), none and off_topic on another.
    assert on_own.label in ("favor", "against") and on_own.relevance == "on_topic"
    assert (on_other.label, on_other.relevance) == ("none", "off_topic")
