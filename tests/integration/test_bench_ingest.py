"""`manage.py bench_ingest` at a tiny scale: real `celery worker` processes it starts and stops itself.

The full run (2,000 PolNeAR articles, 2 workers) and its figures are in docs/RELIABILITY.md (Load).
"""
import json
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quotes.management.commands.bench_ingest import _records
from quotes.models import Article, Quote, Stance

pytestmark = pytest.mark.integration

OTHER_ARTICLE = (
    "Trade ministers met in Lisbon on Tuesday.\n"
    "“We will not accept new tariffs,” said Portuguese Economy Minister Ana Ferreira.\n"
    "“The talks go on,” Ferreira added, before leaving for Madrid."
)


def _jsonl(path, texts):
    path.write_text("".join(json.dumps({"text": text, "title": f"t{i}", "attributions": []}) + "\n"
                            for i, text in enumerate(texts)), encoding="utf-8")
    return path


def _celery_processes() -> set[int]:
    out = subprocess.run(["pgrep", "-f", "celery -A newsdesk worker -Q extraction,stance --concurrency 1 "
                                        "--hostname bench-"], capture_output=True, text=True).stdout
    return {int(pid) for pid in out.split()}


def test_three_articles_with_one_worker_end_done_like_one_by_one_and_the_worker_is_stopped(
    workers, seed_text, tmp_path
):
    before = _celery_processes()
    source = _jsonl(tmp_path / "in.jsonl", [seed_text, OTHER_ARTICLE])
    out = StringIO()
    call_command("bench_ingest", "--input", str(source), "--articles", "3", "--workers", "1",
                 "--timeout", "600", "--flush", "--log-dir", str(tmp_path / "logs"), stdout=out, stderr=StringIO())
    lines = out.getvalue().strip().splitlines()
    figures = json.loads(lines[-1])
    assert any(line.startswith("end-to-end s") for line in lines[:-1])  # the table first
    assert figures["ok"] is True
    assert (figures["articles"], figures["copies"], figures["workers"]) == (3, 1, 1)
    assert figures["status"] == {"done": 3}
    assert (figures["mismatches"], figures["duplicates"], figures["missing_stances"]) == (0, 0, 0)
    assert figures["quotes"] == Quote.objects.count() > 0
    assert figures["stances"] == Stance.objects.count() == figures["quotes"] * figures["topics"]
    assert figures["end_to_end_s"] > 0 and figures["articles_per_s"] > 0
    assert figures["stages"]["extraction"]["tasks"] == figures["stages"]["stance"]["tasks"] == 3
    # The copy is its own article, with the same quotes as the original.
    copy = Article.objects.get(body__endswith="(Copy 2 of this article.)")
    original = Article.objects.exclude(pk=copy.pk).get(body__startswith=copy.body[:200])
    assert copy.quotes.count() == original.quotes.count() > 0
    assert _celery_processes() <= before  # its worker is gone
    assert (tmp_path / "logs").is_dir() and list((tmp_path / "logs").glob("bench-*.log"))


def test_a_database_with_articles_is_refused_without_flush(workers, seed_text, tmp_path):
    from quotes import services

    services.article_ingest(text=OTHER_ARTICLE)
    with pytest.raises(CommandError, match="--flush"):
        call_command("bench_ingest", "--input", str(_jsonl(tmp_path / "in.jsonl", [seed_text])),
                     "--articles", "1", stdout=StringIO())


def test_a_short_file_is_used_again_with_copies_that_are_new_texts_and_a_repeated_text_is_skipped(tmp_path):
    records, distinct = _records(_jsonl(tmp_path / "in.jsonl", ["A text.", "", "B text.", "A text."]), 5)
    assert distinct == 2
    assert [record["text"] for record in records] == [
        "A text.", "B text.", "A text.\n\n(Copy 2 of this article.)", "B text.\n\n(Copy 2 of this article.)",
        "A text.\n\n(Copy 3 of this article.)",
    ]
    assert "attributions" not in records[0] and records[0]["title"] == "t0" and "title" not in records[2]
