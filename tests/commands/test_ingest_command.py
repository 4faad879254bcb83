import json

import pytest
from django.core.management import CommandError, call_command

from quotes.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)


def test_ingest_reads_files_folders_and_jsonl(tmp_path, capsys):
    (tmp_path / "one.txt").write_text("“We will sign,” the premier said.", encoding="utf-8")
    (tmp_path / "two.html").write_text("<title>Two</title><p>“No,” she said.</p>", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored: not an article type", encoding="utf-8")
    lines = [
        {"text": "“Three,” he said.", "title": "Three", "url": "https://e.example/3",
         "published_at": "2025-02-18T09:00:00Z"},
        {"text": "“Four,” he said.", "title": "Four"},
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    call_command("ingest", str(tmp_path))
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Four", "Three", "Two", "“We will sign,” the premier said."
    ]
    three = Article.objects.get(title="Three")
    assert (three.outlet, three.published_at.year) == ("e.example", 2025)
    assert "4 ingested, 0 already stored, 0 refused" in capsys.readouterr().out


def test_ingest_reports_each_bad_input_and_keeps_the_good_ones(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("“Fine,” the mayor said.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   ", encoding="utf-8")
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"text": "“Five,” he said."}\n{not json\n["a list"]\n', encoding="utf-8")
    with pytest.raises(CommandError, match="4 input"):
        call_command("ingest", str(good), str(empty), str(batch), str(tmp_path / "missing.txt"))
    out = capsys.readouterr().out
    assert "no text" in out
    assert "no such file" in out
    assert "batch.jsonl:2" in out and "batch.jsonl:3" in out
    assert Article.objects.count() == 2
