"""`manage.py bench_http`: what it reads from locust and what it refuses (the run itself needs
locust, a tool outside the app's requirements; its figures are in docs/RELIABILITY.md)."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quotes.management.commands.bench_http import _seconds, _targets, read_failures, read_stats

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,article,14,0,140,182.9,64.9,833.65,40103.5,1.2699,0.0,140,160,170,230,240,830,830,830,830,830,830
GET,log in,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,54,2,160,190.1,64.9,1019.2,39000.0,4.93,0.1,160,180,200,220,260,360,830,1000,1000,1000,1000
"""


def test_locusts_stats_csv_gives_requests_errors_and_percentiles_per_page(tmp_path):
    path = tmp_path / "locust_stats.csv"
    path.write_text(STATS, encoding="utf-8")
    pages = read_stats(path)
    assert pages["article"] == {"requests": 14, "failures": 0, "requests_per_s": 1.3, "max_ms": 834,
                                "p50_ms": 140, "p95_ms": 830, "p99_ms": 830}
    assert pages["log in"]["p95_ms"] is None
    assert (pages["Aggregated"]["requests"], pages["Aggregated"]["failures"], pages["Aggregated"]["p99_ms"]) == (
        54, 2, 1000)


def test_locusts_failures_csv_is_read_and_a_missing_one_is_no_failure(tmp_path):
    path = tmp_path / "locust_failures.csv"
    assert read_failures(path) == []
    path.write_text("Method,Name,Error,Occurrences\nGET,speaker,HTTP 500,3\n", encoding="utf-8")
    assert read_failures(path) == [{"name": "speaker", "error": "HTTP 500", "occurrences": 3}]


def test_run_times_read_like_locusts():
    assert (_seconds("60s"), _seconds("2m"), _seconds("1m30s"), _seconds("90")) == (60, 120, 90, 90)
    with pytest.raises(CommandError):
        _seconds("a minute")


def test_an_empty_database_is_refused_with_what_to_run(db):
    with pytest.raises(CommandError, match="seed_synthetic"):
        call_command("bench_http", "--users", "1", stdout=StringIO())


def test_the_targets_come_from_the_data(db):
    from tests.factories import ArticleFactory, QuoteFactory, TopicFactory

    TopicFactory()
    article = ArticleFactory()
    for start in (0, 10, 20):
        QuoteFactory(article=article, start=start, end=start + 5, text="Negotiators discussed ceasefire arrangements")
    targets = _targets()
    assert targets["articles"] == [article.pk]
    assert len(targets["speakers"]) == len(set(targets["speakers"])) >= 1
    assert targets["topics"] == ["us-russia-ukraine-talks"]
    assert set(targets["words"]) <= {"negotiators", "discussed", "ceasefire", "arrangements"}
    assert targets["explorer_pages"] >= 2
