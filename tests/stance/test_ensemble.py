"""The base artifact is an ensemble: members' votes averaged, trained and saved by the pipeline's own code."""

from __future__ import annotations

import dataclasses

import pytest

from quotes.stance import StanceInput, get_model
from quotes.stance.model import BASE_FORMAT, DEFAULT_ARTIFACT, load_artifact
from quotes.stance.training import BaseTrainingConfig, save_base_artifact, train_member

TOPIC = "building a new public park in the city centre"
ITEMS = [
    StanceInput(text="This park is exactly what our children need.", topic=TOPIC, speaker="Mayor Cole"),
    StanceInput(text="A park there would be a waste of taxpayers' money.", topic=TOPIC),
    StanceInput(text="The bank's quarterly earnings rose.", topic=TOPIC, context="The bank's quarterly earnings rose."),
]


def test_a_one_member_artifact_of_the_first_format_still_loads(tmp_path) -> None:
    import torch

    artifact = load_artifact(DEFAULT_ARTIFACT)
    path = tmp_path / "one-member.pt"
    torch.save({"format": "newsdesk-stance/1", "created": artifact["created"], **artifact["members"][0]}, path)
    model = get_model(path)
    assert model.ensemble == () and model.relevance is None
    assert [r.label for r in model.predict(ITEMS[:2])] == ["favor", "against"]


@pytest.fixture(scope="module")
def two_member_path(tmp_path_factory):
    examples = [(item, label) for item, label in zip(ITEMS, ("favor", "against", "off_topic"), strict=True)] * 2
    config = BaseTrainingConfig(epochs=1, batch_size=3, log_every=1)
    members = [train_member(examples, dataclasses.replace(config, seed=seed)) for seed in (0, 1)]
    assert members[0]["metadata"]["steps"] == 2 and members[0]["metadata"]["config"]["seed"] == 0
    assert not members[0]["head"]["1.weight"].equal(members[1]["head"]["1.weight"])
    calibration = {kind: {"weight": -10.0, "bias": 2.0} for kind in ("bare", "in_context")}
    return save_base_artifact(members, tmp_path_factory.mktemp("two") / "tiny.pt", calibration,
                              metadata={"note": "test"})


def test_trained_members_save_and_load_as_one_artifact(two_member_path) -> None:
    model = get_model(two_member_path)
    assert len(model.members) == 2
    assert model.relevance.calibration == {kind: {"weight": -10.0, "bias": 2.0} for kind in ("bare", "in_context")}
    assert model.metadata["n_members"] == 2 and model.metadata["note"] == "test"
    results = model.predict(ITEMS)
    assert len(results) == 3 and all(sum(r.scores.values()) == pytest.approx(1.0) for r in results)


def test_an_ensemble_averages_its_members_votes(two_member_path) -> None:
    import torch

    model = get_model(two_member_path)
    votes = []
    for encoder, head in model.members:
        alone = dataclasses.replace(model, encoder=encoder, head=head, ensemble=(), relevance=None)
        votes.append(alone.predict_proba(ITEMS).log())
    expected = torch.softmax(torch.stack(votes).mean(0) + model.relevance_shift(ITEMS), dim=-1)
    assert model.predict_proba(ITEMS) == pytest.approx(expected, abs=1e-5)
    assert not torch.allclose(votes[0], votes[1], atol=1e-4)


def test_shipped_artifact_is_a_base_artifact(stance_model) -> None:
    assert load_artifact(DEFAULT_ARTIFACT)["format"] == BASE_FORMAT
    assert len(stance_model.members) >= 1 and stance_model.relevance is not None


def test_a_run_resumed_from_its_checkpoint_ends_where_an_unbroken_run_ends(tmp_path) -> None:
    import torch

    examples = [(item, label) for item, label in zip(ITEMS, ("favor", "against", "off_topic"), strict=True)] * 4
    config = BaseTrainingConfig(epochs=1, batch_size=3, log_every=1)
    unbroken = train_member(examples, config)
    checkpoint = tmp_path / "member.ckpt"
    stopped = train_member(examples, config, checkpoint=checkpoint, checkpoint_every=1, max_steps=2)
    assert stopped["metadata"]["steps"] == 2
    resumed = train_member(examples, config, checkpoint=checkpoint)
    assert resumed["metadata"]["steps"] == unbroken["metadata"]["steps"] == 4
    for part in ("lora", "norms", "head"):
        for key, tensor in unbroken[part].items():
            assert torch.allclose(resumed[part][key].float(), tensor.float(), atol=1e-3), key
    assert not torch.equal(stopped["head"]["1.weight"], unbroken["head"]["1.weight"])
