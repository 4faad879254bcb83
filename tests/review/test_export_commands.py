"""Corrections become data: reviewed articles as attribution gold, human labels as stance gold."""
import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from quotes import services, tasks
from quotes.extraction.scoring import build_report, load_gold, score_predictions
from quotes.models import Article, Stance
from tests.conftest import SEED_GOLD
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory

pytestmark = pytest.mark.django_db
BENCHMARK_SCORER = Path(__file__).resolve().parents[3] / "shared" / "bench" / "score_attribution.py"


@pytest.fixture
def reviewed_seed(seed_text, admin):
    """The seed article as a newsroom would hold it once an admin checked every quote."""
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    article = ArticleFactory(title="Talks in Riyadh", body=seed_text)
    speakers = {}
    for quote in gold["quotes"]:
        name = quote["speaker"]
        if name and name not in speakers:
            speakers[name] = SpeakerFactory(name=name, slug=name.lower().replace(" ", "-"))
        QuoteFactory(article=article, start=quote["start"], end=quote["end"], is_direct=quote["direct"],
                     speaker=speakers.get(name))
    QuoteFactory(article=ArticleFactory(), attribution_confidence=0.3)  # never reviewed: not gold
    return services.article_review(article=article, by=admin), gold


def export(path, **options):
    out = io.StringIO()
    call_command("export_gold", output=str(path), stdout=out, **options)
    return out.getvalue()


def test_a_reviewed_article_exports_in_the_seed_format_and_scores_one_against_itself(tmp_path, reviewed_seed):
    article, seed = reviewed_seed
    path = tmp_path / "newsroom.gold.jsonl"
    assert f"Wrote 1 reviewed article(s), {len(seed['quotes'])} quote(s)" in export(path)
    (document,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert document["id"] == f"article-{article.pk}" and document["text"] == article.body
    assert [(q["start"], q["end"], q["speaker"], q["direct"]) for q in document["quotes"]] == [
        (q["start"], q["end"], q["speaker"], q["direct"]) for q in seed["quotes"]
    ]
    assert [q["text"] for q in document["quotes"]] == [q["text"] for q in seed["quotes"]]
    gold = load_gold(str(path))
    report = build_report(score_predictions(gold, {document["id"]: document["quotes"]}))
    assert (report["quote_f1"], report["exact_f1"], report["e2e_f1"]) == (1.0, 1.0, 1.0)
    assert report["n_gold"] == len(seed["quotes"])


@pytest.mark.skipif(not BENCHMARK_SCORER.exists(), reason="benchmark scorer (../shared) not available")
def test_the_benchmark_scorer_reads_the_export_and_scores_it_one_against_itself(tmp_path, reviewed_seed):
    path = tmp_path / "newsroom.gold.jsonl"
    export(path)
    result = subprocess.run([sys.executable, str(BENCHMARK_SCORER), str(path), str(path)],
                            capture_output=True, text=True, check=True)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert (report["quote_f1"], report["e2e_f1"], report["n_gold"]) == (1.0, 1.0, len(reviewed_seed[1]["quotes"]))


def test_evaluate_attribution_scores_the_extractor_on_the_export(tmp_path, reviewed_seed):
    path = tmp_path / "newsroom.gold.jsonl"
    export(path)
    out = io.StringIO()
    call_command("evaluate_attribution", gold=str(path), stdout=out)
    report = json.loads(out.getvalue().splitlines()[-1])
    assert report["n_gold"] == len(reviewed_seed[1]["quotes"]) and report["quote_f1"] > 0.5


def test_since_keeps_only_articles_reviewed_from_that_day_and_bad_dates_are_refused(tmp_path, reviewed_seed):
    article, _ = reviewed_seed
    Article.objects.filter(pk=article.pk).update(reviewed_at=timezone.now() - timedelta(days=10))
    recent = QuoteFactory().article
    Article.objects.filter(pk=recent.pk).update(reviewed_at=timezone.now())
    path = tmp_path / "recent.jsonl"
    since = (timezone.now() - timedelta(days=2)).date().isoformat()
    assert "Wrote 1 reviewed article(s), 1 quote(s)" in export(path, since=since)
    assert json.loads(path.read_text())["id"] == f"article-{recent.pk}"
    assert "Wrote 2 reviewed article(s)" in export(path)
    with pytest.raises(CommandError, match="not a date"):
        export(path, since="last tuesday")


def test_human_stance_labels_export_as_gold_that_evaluate_stance_reads(tmp_path, monkeypatch, editor):
    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda *args, **kwargs: None)
    topic = TopicFactory()
    body = "Envoys met.\n“We welcome these talks,” Dana Holt said.\n“This meeting is a betrayal,” Ivan Petrov said."
    article = ArticleFactory(body=body)
    labels = {}
    for text, name, label in (("“We welcome these talks,”", "Dana Holt", "favor"),
                              ("“This meeting is a betrayal,”", "Ivan Petrov", "against")):
        start = body.index(text)
        quote = QuoteFactory(article=article, start=start, end=start + len(text), text=text,
                             speaker=SpeakerFactory(name=name))
        record = StanceFactory(quote=quote, topic=topic, label="none")
        services.stance_label(stance_record=record, label=label, by=editor)
        labels[quote.pk] = label
    StanceFactory(topic=topic, label="favor")  # the model's opinion only: not a human label
    path = tmp_path / "labels.jsonl"
    out = io.StringIO()
    call_command("export_stance_labels", output=str(path), stdout=out)
    assert "Wrote 2 human stance label(s)" in out.getvalue()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {row["quote_id"]: row["stance"] for row in rows} == labels
    first = rows[0]
    assert first["topic"] == topic.description and first["text"] in first["context"]
    assert first["speaker"] == "Dana Holt" and Stance.objects.filter(source="human").count() == 2
    out = io.StringIO()
    call_command("evaluate_stance", gold=str(path), stdout=out)
    scores = json.loads(out.getvalue().splitlines()[-1])
    assert scores["n"] == 2 and scores["per_class"]["favor"]["support"] == 1
    with pytest.raises(CommandError, match="No topic"):
        call_command("export_stance_labels", output=str(path), topic="nope")
