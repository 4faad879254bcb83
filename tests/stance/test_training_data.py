"""Augmentations of the public training rows (pure Python, no model)."""

from __future__ import annotations

import random

from quotes.stance.data import add_restated_motions, motion_object


def test_motion_object_reads_the_verb_polarity() -> None:
    assert motion_object("We should ban human cloning") == ("human cloning", -1)
    assert motion_object("We should legalize cannabis") == ("cannabis", 1)
    assert motion_object("Homeschooling should be banned") == ("homeschooling", -1)
    assert motion_object("Routine child vaccinations should be mandatory") == ("routine child vaccinations", 1)
    assert motion_object("We should not ban human cloning") is None
    assert motion_object("The USA is a good country to live in") is None


def test_restated_motions_follow_the_polarity() -> None:
    row = {"text": "Cloning is unsafe.", "target": "We should ban human cloning", "label": "favor",
           "topic_id": "t", "form": "motion"}
    none_row = dict(row, label="none")
    rows = add_restated_motions([row, none_row], random.Random(0), fraction=1.0)
    assert rows[:2] == [row, none_row]
    added = rows[2:]
    assert len(added) == 2  # the bare object + one restatement; none rows are left alone
    bare, other = added
    assert (bare["target"], bare["label"], bare["form"]) == ("human cloning", "against", "np")
    _obj, polarity = motion_object(other["target"])
    assert other["label"] == ("favor" if polarity < 0 else "against")
    assert add_restated_motions([row], random.Random(0), fraction=0.0) == [row]
