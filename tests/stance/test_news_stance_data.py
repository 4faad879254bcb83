"""Validator for quotes/stance/data/news_stance.jsonl (no Django, no DB)."""
import json
import pathlib
from collections import Counter, defaultdict

import pytest

DATA = pathlib.Path(__file__).resolve().parents[2] / "quotes" / "stance" / "data" / "news_stance.jsonl"
FIELDS = {"id", "topic", "text", "context", "speaker", "speaker_role",
          "stance", "none_kind", "split"}
UKR_TOPIC = "the U.S.–Russia talks on ending the war in Ukraine"
HELDOUT_TOPICS = {  # new topics for the learning-from-corrections evaluation; never trained on
    "introducing a four-day working week",
    "banning mobile phones in schools",
    "a wealth tax on billionaires",
}


@pytest.fixture(scope="module")
def rows():
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def by_topic(rows):
    groups = defaultdict(list)
    for r in rows:
        groups[r["topic"]].append(r)
    return groups


def test_schema(rows):
    for r in rows:
        assert set(r) == FIELDS, r.get("id")
        for k in FIELDS - {"none_kind"}:
            assert isinstance(r[k], str) and r[k].strip(), (r["id"], k)
        assert r["stance"] in {"favor", "against", "none"}, r["id"]
        assert r["split"] in {"train", "dev", "heldout"}, r["id"]
        if r["stance"] == "none":
            assert r["none_kind"] in {"neutral", "off_topic"}, r["id"]
        else:
            assert r["none_kind"] is None, r["id"]
        assert "," in r["speaker_role"], r["id"]  # "<role>, <country>"


def trained(rows):
    return [r for r in rows if r["split"] != "heldout"]


def test_size_and_topics(rows):
    assert len(trained(rows)) >= 480
    groups = by_topic(trained(rows))
    assert len(groups) >= 5
    assert len(groups.get(UKR_TOPIC, [])) >= 160


def test_balance_per_topic(rows):
    for topic, rs in by_topic(rows).items():
        c = Counter(r["stance"] for r in rs)
        for s in ("favor", "against", "none"):
            share = c[s] / len(rs)
            assert 0.25 <= share <= 0.42, (topic, s, round(share, 3))
        kinds = Counter(r["none_kind"] for r in rs if r["stance"] == "none")
        assert kinds["neutral"] and kinds["off_topic"], topic


def test_unique_ids_and_texts(rows):
    ids = Counter(r["id"] for r in rows)
    assert not [i for i, n in ids.items() if n > 1]
    texts = Counter(r["text"].strip().lower() for r in rows)
    assert not [t for t, n in texts.items() if n > 1]


def test_context_contains_quote(rows):
    for r in rows:
        assert r["text"] in r["context"], r["id"]
        assert len(r["context"]) > len(r["text"]), r["id"]  # has attribution


def test_heldout_topics(rows):
    """Heldout topics: whole topics (never mixed with train/dev), >= 95 rows, each stance 28-40 %."""
    groups = by_topic(rows)
    heldout = {r["topic"] for r in rows if r["split"] == "heldout"}
    assert heldout == HELDOUT_TOPICS
    for topic in HELDOUT_TOPICS:
        rs = groups[topic]
        assert all(r["split"] == "heldout" for r in rs), topic
        assert len(rs) >= 95, (topic, len(rs))
        c = Counter(r["stance"] for r in rs)
        for s in ("favor", "against", "none"):
            share = c[s] / len(rs)
            assert 0.28 <= share <= 0.40, (topic, s, round(share, 3))


def test_dev_share_per_topic(rows):
    for topic, rs in by_topic(trained(rows)).items():
        dev = sum(r["split"] == "dev" for r in rs) / len(rs)
        assert 0.15 <= dev <= 0.30, (topic, round(dev, 3))
        for s in ("favor", "against", "none"):
            assert any(r["split"] == "dev" and r["stance"] == s for r in rs), (topic, s)
    ukr_dev = [r for r in rows if r["topic"] == UKR_TOPIC and r["split"] == "dev"]
    assert len(ukr_dev) >= 30
