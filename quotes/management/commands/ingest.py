"""Ingest articles from files, folders and JSONL (one article per line)."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from quotes import services
from quotes.models import Article

ARTICLE_SUFFIXES = set(services.SUPPORTED_UPLOADS)


class Command(BaseCommand):
    help = (
        "Ingest articles: .txt and .html files, folders of them, and .jsonl files with one "
        '{"text", "title"?, "url"?, "published_at"?} object per line.'
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, **options):
        outcomes = []  # (source, article or None, error)
        for path in options["paths"]:
            if not path.exists():
                outcomes.append((str(path), None, "no such file or folder"))
            elif path.is_dir():
                for child in sorted(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES | {".jsonl"}):
                    outcomes.extend(self._ingest_path(child))
            else:
                outcomes.extend(self._ingest_path(path))
        failures = duplicates = 0
        self.stdout.write(f"{'source':<50} {'article':>8}  outcome")
        for source, article, error in outcomes:
            failures += bool(error)
            duplicates += bool(article and article.already_stored)
            self.stdout.write(f"{source[-50:]:<50} {article.pk if article else '-':>8}  {_outcome(article, error)}")
        ok = len(outcomes) - failures - duplicates
        self.stdout.write(f"{ok} ingested, {duplicates} already stored, {failures} refused")
        if failures:
            raise CommandError(f"{failures} input(s) could not be ingested (see above).")

    def _ingest_path(self, path: Path) -> list[tuple[str, Article | None, str]]:
        if path.suffix.lower() == ".jsonl":
            return self._ingest_jsonl(path)
        try:
            return [(str(path), services.article_ingest_file(filename=path.name, data=path.read_bytes()), "")]
        except (services.IngestError, OSError) as error:
            return [(str(path), None, str(error))]

    def _ingest_jsonl(self, path: Path) -> list[tuple[str, Article | None, str]]:
        outcomes = []
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                source = f"{path.name}:{number}"
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("each line must be a JSON object")
                    article = services.article_ingest(
                        text=record.get("text") or "",
                        title=record.get("title"),
                        url=record.get("url"),
                        published_at=parse_datetime(record.get("published_at") or record.get("date") or ""),
                    )
                    outcomes.append((source, article, ""))
                except (ValueError, services.IngestError) as error:  # JSONDecodeError is a ValueError
                    outcomes.append((source, None, str(error)))
        return outcomes


def _outcome(article: Article | None, error: str) -> str:
    if error:
        return error
    if article.already_stored:
        return f"already stored ({article.status})"
    if article.status == Article.Status.FAILED:
        return f"failed: {article.error}"
    if article.is_stuck:
        return article.error or "queued"  # saved; the sweep processes it once the queue answers
    return "queued" if article.status == Article.Status.PENDING else article.status
