"""The real-news stance builder (quotes/stance/data/real_news/build.py): no Django, no model.

The builder (gold rows, the none cap of the stance set, the extra-none files) is checked on a small
hand-made PolNeAR-like fixture (no PolNeAR text); the committed labels are checked against
../shared/data/polnear when it is present and labels exist.
"""
from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD_PY = REPO / "quotes" / "stance" / "data" / "real_news" / "build.py"
_spec = importlib.util.spec_from_file_location("real_news_build", BUILD_PY)
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

TEXT_A = (
    "The mayor spoke on Monday. \u201cThe new bridge is a waste of money,\u201d said Dana Reyes, "
    "a council member. She added that the river park was the better plan.\n\n"
    "The vote is set for June."
)
TEXT_B = "Officials said the budget would be published on Friday. \u201cWe back the bridge,\u201d he said."


def span(text: str, fragment: str) -> dict:
    start = text.index(fragment)
    return {"start": start, "end": start + len(fragment), "text": fragment}


def attribution(text: str, ident: str, source: str, content: list[str], resolved: str | None = None) -> dict:
    return {
        "id": ident, "source": span(text, source), "source_resolved": resolved, "cue": None,
        "content": [span(text, c) for c in content], "direct": "\u201c" in content[0], "quote_kind": "none",
    }


@pytest.fixture()
def polnear(tmp_path: Path) -> Path:
    article_a = {"id": "pub_2016-01-01_bridge", "text": TEXT_A, "attributions": [
        attribution(TEXT_A, "E1", "Dana Reyes", ["\u201cThe new bridge is a waste of money,\u201d"]),
        attribution(TEXT_A, "E2", "She", ["the river park was the better plan"], resolved="Dana Reyes"),
    ]}
    article_b = {"id": "pub_2016-02-02_budget", "text": TEXT_B, "attributions": [
        attribution(TEXT_B, "E1", "Officials", ["the budget would be published on Friday"]),
        attribution(TEXT_B, "E2", "he", ["\u201cWe back the bridge,\u201d"], resolved="Sam Ortiz"),
    ]}
    folder = tmp_path / "polnear"
    build.write_jsonl(folder / "train.jsonl", [article_a])
    build.write_jsonl(folder / "dev.jsonl", [article_b])
    return folder


@pytest.fixture()
def topics(tmp_path: Path) -> Path:
    path = tmp_path / "topics.json"
    path.write_text(json.dumps({"topics": [
        {"slug": "bridge", "name": "Bridge", "description": "building the new bridge",
         "candidate_patterns": ["bridge"]},
        {"slug": "park", "name": "Park", "description": "the river park plan", "candidate_patterns": ["park"]},
    ]}), encoding="utf-8")
    return path


def write_labels(folder: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    build.write_jsonl(folder / "chunk_01.jsonl", [
        {"article_id": a, "attribution_id": e, "topic": t, "label": label, "labeller": "chunk_01"}
        for a, e, t, label in rows
    ])
    return folder


def test_build_joins_labels_with_text_maps_labels_and_drops_skip(tmp_path, polnear, topics):
    labels = write_labels(tmp_path / "labels", [
        ("pub_2016-01-01_bridge", "E1", "bridge", "against"),
        ("pub_2016-01-01_bridge", "E2", "bridge", "off_topic"),
        ("pub_2016-01-01_bridge", "E2", "park", "favor"),
        ("pub_2016-02-02_budget", "E1", "bridge", "neutral"),
        ("pub_2016-02-02_budget", "E2", "bridge", "skip"),
    ])
    out = tmp_path / "out"
    splits, extra = build.build(labels_dir=labels, polnear_dir=polnear, topics_path=topics, out_dir=out)

    rows = {r["id"]: r for part in (splits, extra) for split in part.values() for r in split}
    assert len(rows) == 4  # skip dropped; the stance set and the extra none hold every other label once
    quote = rows["pub_2016-01-01_bridge:E1:bridge"]
    assert quote["text"] == "\u201cThe new bridge is a waste of money,\u201d"
    assert quote["topic"] == "building the new bridge"
    assert quote["speaker"] == "Dana Reyes"
    assert quote["context"] == "\u201cThe new bridge is a waste of money,\u201d said Dana Reyes, a council member."
    assert (quote["stance"], quote["none_kind"], quote["relevance"]) == ("against", None, "on_topic")
    off = rows["pub_2016-01-01_bridge:E2:bridge"]
    assert (off["stance"], off["none_kind"], off["relevance"]) == ("none", "off_topic", "off_topic")
    assert off["speaker"] == "Dana Reyes"  # the resolved name, not "She"
    neutral = rows["pub_2016-02-02_budget:E1:bridge"]
    assert (neutral["stance"], neutral["none_kind"], neutral["relevance"]) == ("none", "neutral", "on_topic")
    # one article, one split; the files are what was returned
    for split in build.SPLITS:
        for name, part in ((f"{split}.jsonl", splits), (f"{split}.extra_none.jsonl", extra)):
            assert {r["split"] for r in part[split]} <= {split}
            assert [json.loads(line) for line in (out / name).read_text().splitlines()] == part[split]
    assert rows["pub_2016-01-01_bridge:E1:bridge"]["split"] == rows["pub_2016-01-01_bridge:E2:park"]["split"]


def test_build_caps_none_near_a_third_and_writes_the_rest_to_extra_none(tmp_path, polnear, topics):
    # both fixture articles fall in train: 2 favor/against, 5 none (3 neutral, 2 off_topic)
    labels = write_labels(tmp_path / "labels", [
        ("pub_2016-01-01_bridge", "E1", "bridge", "against"),
        ("pub_2016-02-02_budget", "E2", "bridge", "favor"),
        ("pub_2016-01-01_bridge", "E2", "bridge", "neutral"),
        ("pub_2016-01-01_bridge", "E1", "park", "neutral"),
        ("pub_2016-02-02_budget", "E1", "bridge", "neutral"),
        ("pub_2016-01-01_bridge", "E2", "park", "off_topic"),
        ("pub_2016-02-02_budget", "E1", "park", "off_topic"),
    ])
    out = tmp_path / "out"
    splits, extra = build.build(labels_dir=labels, polnear_dir=polnear, topics_path=topics, out_dir=out)
    assert {build.split_of("pub_2016-01-01_bridge"), build.split_of("pub_2016-02-02_budget")} == {"train"}
    kept, rest = splits["train"], extra["train"]
    assert Counter(r["stance"] for r in kept) == {"favor": 1, "against": 1, "none": 1}  # 2 sides -> 1 none
    assert len(rest) == 4 and all(r["stance"] == "none" for r in rest)
    assert {r["id"] for r in kept} | {r["id"] for r in rest} == {f"{a}:{e}:{t}" for a, e, t, _ in [
        ("pub_2016-01-01_bridge", "E1", "bridge", ""), ("pub_2016-02-02_budget", "E2", "bridge", ""),
        ("pub_2016-01-01_bridge", "E2", "bridge", ""), ("pub_2016-01-01_bridge", "E1", "park", ""),
        ("pub_2016-02-02_budget", "E1", "bridge", ""), ("pub_2016-01-01_bridge", "E2", "park", ""),
        ("pub_2016-02-02_budget", "E1", "park", "")]}
    assert [json.loads(line) for line in (out / "train.extra_none.jsonl").read_text().splitlines()] == rest
    assert (out / "dev.extra_none.jsonl").read_text() == ""  # every split has its file, empty or not


def gold_rows(counts: dict[str, int], prefix: str = "a") -> list[dict]:
    return [{"id": f"{prefix}{label}{i:03d}", "label": label, "stance": "none" if label in ("neutral", "off_topic")
             else label} for label, n in counts.items() for i in range(n)]


def test_stance_set_keeps_every_side_and_a_proportional_hash_chosen_third_none():
    rows = gold_rows({"favor": 30, "against": 30, "neutral": 90, "off_topic": 30})
    kept, extra = build.stance_set(rows)
    labels = Counter(r["label"] for r in kept)
    assert (labels["favor"], labels["against"]) == (30, 30)
    assert (labels["neutral"], labels["off_topic"]) == (23, 7)  # 30 none = a third, split 3 : 1 as in the input
    assert len(extra) == 90 and {r["stance"] for r in extra} == {"none"}
    assert not {r["id"] for r in kept} & {r["id"] for r in extra}
    # the choice hangs on the ids, not on the input order, and is not simply the first ids
    assert build.stance_set(list(reversed(rows))) == (kept, extra)
    chosen = sorted(r["id"] for r in kept if r["label"] == "neutral")
    assert chosen != sorted(r["id"] for r in rows if r["label"] == "neutral")[:23]


def test_stance_set_keeps_all_none_when_there_are_too_few():
    rows = gold_rows({"favor": 20, "against": 10, "neutral": 4, "off_topic": 3})
    kept, extra = build.stance_set(rows)
    assert len(kept) == 37 and extra == []
    assert build.stance_set(gold_rows({"neutral": 5})) == ([], sorted(gold_rows({"neutral": 5}), key=lambda r: r["id"]))


def test_split_is_by_article_deterministic_and_about_70_15_15():
    ids = [f"pub_2016-{i:05d}" for i in range(4000)]
    shares = Counter(build.split_of(i) for i in ids)
    assert [build.split_of(i) for i in ids] == [build.split_of(i) for i in ids]
    assert abs(shares["train"] / 4000 - 0.70) < 0.03
    assert abs(shares["dev"] / 4000 - 0.15) < 0.03
    assert abs(shares["test"] / 4000 - 0.15) < 0.03


@pytest.mark.parametrize("bad, message", [
    (("pub_2016-01-01_bridge", "E9", "bridge", "favor"), "no attribution 'E9'"),
    (("pub_nope", "E1", "bridge", "favor"), "no PolNeAR article 'pub_nope'"),
    (("pub_2016-01-01_bridge", "E1", "tunnel", "favor"), "unknown topic 'tunnel'"),
    (("pub_2016-01-01_bridge", "E1", "bridge", "pro"), "unknown label 'pro'"),
])
def test_bad_label_lines_are_a_clear_error_naming_the_line(tmp_path, polnear, topics, bad, message):
    labels = write_labels(tmp_path / "labels", [("pub_2016-01-01_bridge", "E2", "park", "favor"), bad])
    with pytest.raises(ValueError, match=rf"chunk_01.jsonl:2: .*{message}"):
        build.build(labels_dir=labels, polnear_dir=polnear, topics_path=topics, out_dir=tmp_path / "out")


def test_conflicting_duplicate_labels_are_refused(tmp_path, polnear, topics):
    labels = write_labels(tmp_path / "labels", [
        ("pub_2016-01-01_bridge", "E1", "bridge", "against"), ("pub_2016-01-01_bridge", "E1", "bridge", "favor"),
    ])
    with pytest.raises(ValueError, match="labelled 'against' before"):
        build.load_labels(labels)


def test_cli_prints_the_table_and_json_last_line_and_fails_clearly(tmp_path, polnear, topics, capsys):
    labels = write_labels(tmp_path / "labels", [("pub_2016-01-01_bridge", "E1", "bridge", "against")])
    args = ["build", "--labels", str(labels), "--polnear", str(polnear), "--topics", str(topics)]
    assert build.main([*args, "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["split", "topic", "favor"] and "extra_neutral" in lines[0]
    summary = json.loads(lines[-1])
    assert sum(summary[s] for s in build.SPLITS) == summary["stance_set"] == 1
    assert summary["extra_none"] == {"train": 0, "dev": 0, "test": 0} and summary["labels"] == 1
    assert summary["none_share"]["all"] == 0.0
    assert build.main([*args[:-2], "--topics", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o")]) == 1
    assert "error:" in capsys.readouterr().err


def test_round_2_pool_leaves_out_labelled_items_names_its_files_and_is_deterministic(tmp_path, polnear, topics):
    labels = write_labels(tmp_path / "labels", [("pub_2016-01-01_bridge", "E1", "bridge", "against")])
    build.write_jsonl(labels / "round2_01.jsonl", [  # this round's own labels never shrink its pool
        {"article_id": "pub_2016-02-02_budget", "attribution_id": "E2", "topic": "bridge", "label": "favor"}])
    runs = []
    for name in ("a", "b"):
        chunks = build.write_candidates(
            out_dir=tmp_path / name, design_path=tmp_path / name / "design.jsonl", quotas={"bridge": 5},
            n_chunks=2, round_no=2, polnear_dir=polnear, topics_path=topics, labels_dir=labels)
        runs.append([(tmp_path / name / f"round2_{n:02d}.jsonl").read_text() for n in (1, 2)])
        items = [item for chunk in chunks for item in chunk]
        keys = {(i["article_id"], i["attribution_id"], i["topic"]) for i in items}
        assert ("pub_2016-01-01_bridge", "E1", "bridge") not in keys
        assert ("pub_2016-02-02_budget", "E2", "bridge") in keys
        assert len(keys) == len(items)
    assert runs[0] == runs[1]
    first = json.loads(runs[0][0].splitlines()[0])
    assert first["item_id"] == "r2-01-001" and "_expected" not in first


def test_round_6_pool_draws_only_from_train_articles(polnear, topics):
    articles = build.load_articles(polnear)
    held_out = dict(articles["pub_2016-02-02_budget"], id="pub_2016-03-01_x")  # hashes to test
    assert build.split_of(held_out["id"]) == "test"
    articles[held_out["id"]] = held_out
    pools = {n: build.candidate_pool(articles, build.load_topics(topics), {"bridge": 10}, round_no=n)
             for n in (5, 6)}
    assert held_out["id"] in {item["article_id"] for item in pools[5]}
    assert pools[6] and {build.split_of(item["article_id"]) for item in pools[6]} == {"train"}


def test_context_keeps_the_quote_and_stays_within_the_limit():
    text = ("Filler words here. " * 40) + "Then a very long sentence " + "goes on and on " * 60
    text += "\u201cthe key words\u201d he said."
    quote = span(text, "\u201cthe key words\u201d")
    context = build.context_of(text, {"content": [quote], "source": span(text, "he said")}, limit=200)
    assert "\u201cthe key words\u201d" in context and len(context) <= 200


# --------------------------------------------------------------------------- the committed labels

SHARED = REPO.parent / "shared" / "data" / "polnear"
LABEL_FILES = sorted(build.LABELS_DIR.glob("*.jsonl"))


skip_without_labels = pytest.mark.skipif(not LABEL_FILES, reason="no real-news labels committed yet")
skip_without_polnear = pytest.mark.skipif(not (SHARED / "train.jsonl").exists(),
                                          reason="../shared/data/polnear not present")


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    for path in LABEL_FILES:  # ids and labels only: no article text is committed
        for row in build.read_jsonl(path):
            assert set(row) <= {"article_id", "attribution_id", "topic", "label", "labeller", "note"}, path
    return build.build(out_dir=tmp_path_factory.mktemp("real_news"))  # raises on any id that does not resolve


@skip_without_labels
@skip_without_polnear
def test_committed_labels_resolve_and_make_a_sound_stance_set(committed):
    splits, extra = committed
    rows = [r for split in splits.values() for r in split]
    articles = {name: {r["article_id"] for r in split} | {r["article_id"] for r in extra[name]}
                for name, split in splits.items()}
    assert not (articles["train"] & articles["dev"] or articles["train"] & articles["test"]
                or articles["dev"] & articles["test"])
    topics = Counter(r["topic_slug"] for r in rows)
    assert len(topics) >= 8
    common = {slug for slug, n in topics.items() if n >= 50}  # a rare topic may miss a split by chance
    assert len(common) >= 8
    for split in splits.values():
        assert common <= {r["topic_slug"] for r in split}
        none_share = sum(r["stance"] == "none" for r in split) / len(split)
        assert 0.25 <= none_share <= 0.45, none_share
    assert all(r["stance"] == "none" for split in extra.values() for r in split)


@skip_without_labels
@skip_without_polnear
def test_committed_stance_set_holds_at_least_1500_labels(committed):
    splits, _ = committed
    assert sum(len(split) for split in splits.values()) >= 1500
