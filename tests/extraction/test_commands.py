"""extract_quotes picks its convention from the input: PolNeAR records -> polnear, else newsdesk."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from quotes.extraction.evaluation import input_convention

ARTICLE = 'The talks went well. "We are close to a deal," Jane Roe said on Monday.\n'


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n", encoding="utf-8")
    return path


def test_input_convention_one_article_reads_like_an_editor_a_corpus_like_polnear(tmp_path: Path) -> None:
    annotated = _write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "text": ARTICLE, "attributions": []}])
    plain = _write_jsonl(tmp_path / "plain.jsonl", [{"id": "a", "text": ARTICLE}])
    seed_style = _write_jsonl(tmp_path / "seed.jsonl", [{"id": "a", "text": ARTICLE, "quotes": []}])
    article = tmp_path / "story.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert input_convention(str(annotated)) == "polnear"
    assert input_convention(str(plain)) == "polnear"
    assert input_convention(str(seed_style)) == "newsdesk"
    assert input_convention(str(article)) == "newsdesk"


def test_input_convention_skips_blank_lines_and_handles_empty_files(tmp_path: Path) -> None:
    annotated = tmp_path / "gold.jsonl"
    annotated.write_text("\n" + json.dumps({"id": "a", "text": ARTICLE, "attributions": []}) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert input_convention(str(annotated)) == "polnear"
    assert input_convention(str(empty)) == "newsdesk"


@pytest.mark.parametrize(
    ("record", "explicit", "expected"),
    [
        ({"id": "a", "text": ARTICLE, "attributions": []}, None, "polnear"),
        ({"id": "a", "text": ARTICLE}, None, "polnear"),
        ({"id": "a", "text": ARTICLE, "quotes": []}, None, "newsdesk"),
        ({"id": "a", "text": ARTICLE, "attributions": []}, "newsdesk", "newsdesk"),
    ],
)
def test_extract_quotes_command_convention(tmp_path: Path, record: dict, explicit: str | None, expected: str) -> None:
    source = _write_jsonl(tmp_path / "in.jsonl", [record])
    output = tmp_path / "out.jsonl"
    stdout = StringIO()
    arguments = ["--input", str(source), "--output", str(output)]
    if explicit:
        arguments += ["--convention", explicit]
    call_command("extract_quotes", *arguments, stdout=stdout)
    assert f"convention: {expected}" in stdout.getvalue()
    line = json.loads(output.read_text(encoding="utf-8").splitlines()[0])
    assert line["id"] == "a"
    assert any("close to a deal" in quote["text"] for quote in line["quotes"])
