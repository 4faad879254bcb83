"""The self bias: a quote whose speaker is the person the topic is about gets a shift of its favor /
against logits, fitted on a dev split and saved in the artifact (names and topics written here)."""

from __future__ import annotations

import pytest

from quotes.stance import StanceInput, get_model
from quotes.stance.model import DEFAULT_ARTIFACT, load_artifact
from quotes.stance.relation import speaks_for_self, topic_person
from quotes.stance.training import fit_self_bias

TOPIC = "Margaret Ellison as governor"


@pytest.mark.parametrize(
    ("topic", "person"),
    [
        (TOPIC, "Ellison"),
        ("Thomas J. Whitfield's plan to close the port", "Whitfield"),
        ("the investigation of Margaret Ellison's emails", ""),  # about her, not her own cause
        ("The FBI investigation of the port authority", ""),
        ("the U.S.-Canada talks on a new fishing treaty", ""),
        ("a tax on sugary drinks", ""),
    ],
)
def test_a_topic_is_a_persons_when_it_opens_with_their_name(topic: str, person: str) -> None:
    assert topic_person(topic) == person


@pytest.mark.parametrize(
    ("speaker", "own"),
    [
        ("Margaret Ellison", True),
        ("Ms. Ellison", True),
        ("Ellison", True),
        ("Ellison's campaign manager Tom Reyes", False),
        ("Tom Reyes", False),
        ("", False),
    ],
)
def test_the_speaker_is_the_topics_person_only_when_their_name_ends_the_speakers(speaker: str, own: bool) -> None:
    assert speaks_for_self(speaker, TOPIC) is own
    assert speaks_for_self(speaker, "a tax on sugary drinks") is False


def _log_probabilities(rows):
    import torch

    return torch.log(torch.tensor(rows)).float()


def test_the_fit_shifts_only_the_marked_rows_toward_what_their_gold_says():
    # the marked rows lean against but are favor; the unmarked against rows must stay against
    marked = [[0.30, 0.60, 0.05, 0.05]] * 10
    unmarked = [[0.30, 0.60, 0.05, 0.05]] * 10
    none_rows = [[0.05, 0.05, 0.85, 0.05]] * 10
    gold = ["favor"] * 10 + ["against"] * 10 + ["none"] * 10
    own = [True] * 10 + [False] * 20
    bias = fit_self_bias(_log_probabilities(marked + unmarked + none_rows), gold, own)
    assert bias[0] - bias[1] > 0.7  # favor beats against on the marked rows (log 2 apart before)
    assert bias[2:] == (0.0, 0.0)
    assert fit_self_bias(_log_probabilities(marked + unmarked + none_rows), gold, [False] * 30) == (0.0,) * 4


@pytest.fixture(scope="module")
def self_biased_path(tmp_path_factory):
    import torch

    artifact = dict(load_artifact(DEFAULT_ARTIFACT), self_bias=[6.0, 0.0, 0.0, 0.0])
    path = tmp_path_factory.mktemp("self-bias") / "self-biased.pt"
    torch.save(artifact, path)
    return path


ITEMS = [
    StanceInput(text="My opponent has no plan for the roads.", topic=TOPIC, speaker="Margaret Ellison"),
    StanceInput(text="She has no plan for the roads.", topic=TOPIC, speaker="Tom Reyes"),
    StanceInput(text="The vote is on Tuesday.", topic=TOPIC, speaker="Ellison"),
]


def test_the_artifacts_self_bias_shifts_exactly_the_quotes_of_the_topics_person(self_biased_path):
    import torch

    plain_model = get_model(DEFAULT_ARTIFACT)
    biased_model = get_model(self_biased_path)
    shipped = tuple(load_artifact(DEFAULT_ARTIFACT).get("self_bias", (0.0,) * 4)) or (0.0,) * 4
    plain = torch.log(plain_model.predict_proba(ITEMS))
    biased = torch.log(biased_model.predict_proba(ITEMS))
    shift = (biased - plain) - (biased - plain)[:, 2:3]  # log-probabilities differ by a constant per row
    own_shift = [6.0 - shipped[0], -shipped[1], 0.0, 0.0]
    expected = torch.tensor([own_shift, [0.0] * 4, own_shift])
    assert torch.allclose(shift, expected, atol=1e-4)
    together = biased_model.predict(ITEMS)
    assert [together[0].label, together[2].label] == ["favor", "favor"]
    for item, result in zip(ITEMS, together, strict=True):
        (alone,) = biased_model.predict([item])
        assert alone.label == result.label and alone.scores == pytest.approx(result.scores, abs=1e-6)
