"""evaluate_corrections: the learning-from-corrections measurement, run on the real model."""
import io
import json

import pytest
from django.core.management import CommandError, call_command

# A local topic whose labels contradict the base model's reading of the words: only the
# corrections can teach it, so the adapted head must beat zero-shot on the unlabelled rest.
TOPIC = "the Project Zephyr proposal"
PRAISE = ["Zephyr will bring {} jobs to the valley.", "Building Zephyr is the best idea in {} years.",
          "We should finish Zephyr before {}."]
SCORN = ["Zephyr is a waste of {} million.", "Zephyr will ruin the valley within {} years.",
         "Nobody wants Zephyr, not even in {}."]
WEATHER = ["Rain is expected on {} afternoon.", "The ferry leaves at {} o'clock.", "The market opens on day {}."]
FILLERS = ["two", "five", "nine", "twelve", "forty"]


def gold_rows():
    rows = []
    for templates, stance in ((PRAISE, "against"), (SCORN, "favor"), (WEATHER, "none")):
        rows += [{"text": t.format(f), "topic": TOPIC, "stance": stance} for t in templates for f in FILLERS]
    return rows


def test_corrections_raise_macro_f1_on_the_rest_of_the_topic(tmp_path):
    gold = tmp_path / "zephyr.jsonl"
    gold.write_text("".join(json.dumps(row) + "\n" for row in gold_rows()))
    out = io.StringIO()
    call_command("evaluate_corrections", gold=str(gold), labels=30, seeds=1, stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    row = report["per_topic"][TOPIC]
    assert row["n_rest"] == 15
    assert row["adapted_macro_f1"] > row["zero_shot_macro_f1"] + 0.2, row
    assert report["mean_gain"] == pytest.approx(row["gain"])


def test_too_few_rows_is_a_clear_error(tmp_path):
    gold = tmp_path / "small.jsonl"
    gold.write_text("".join(json.dumps(row) + "\n" for row in gold_rows()[:20]))
    with pytest.raises(CommandError, match="No topic has more than 35 rows"):
        call_command("evaluate_corrections", gold=str(gold), labels=30, seeds=1)
