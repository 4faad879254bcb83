"""A topic's backfill in real `celery worker` processes: the worker is killed mid-backfill (no
warm shutdown, its batch lost with it) and a new worker finishes, every quote classified once."""
import os
import signal
from pathlib import Path

import pytest
from django.db.models import Count

from quotes import services
from quotes.models import Stance, TopicBackfill
from tests.factories import ArticleFactory, QuoteFactory, UserFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

QUOTES = 30
BATCH = 3


def _kill_with_children(pid: int) -> None:
    """SIGKILL the worker and its pool processes, as a crash or an OOM kill would."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for child in [pid, *map(int, children)]:
        os.kill(child, signal.SIGKILL)


def _backfill(topic) -> TopicBackfill:
    return TopicBackfill.objects.get(topic=topic)


def test_a_killed_worker_leaves_the_backfill_for_the_next_to_finish(workers):
    for n in range(QUOTES):
        QuoteFactory(article=ArticleFactory(body=f"Trade report {n}.\n“Tariffs are item {n} on our list,” she said."))
    first = workers.start(NEWSDESK_TOPIC_BACKFILL_BATCH_SIZE=str(BATCH))
    topic = services.topic_create(name="Tariffs", description="raising tariffs on imports",
                                  by=UserFactory(role="analyst"))
    wait_for(lambda: _backfill(topic).done >= 2 * BATCH, timeout=240, what="a few batches in the first worker")
    _kill_with_children(first.pid)
    first.wait(timeout=30)
    stopped = _backfill(topic)
    assert stopped.state == TopicBackfill.State.RUNNING and stopped.done < QUOTES

    workers.start(NEWSDESK_TOPIC_BACKFILL_BATCH_SIZE=str(BATCH))  # resumes unfinished backfills on start
    wait_for(lambda: _backfill(topic).state != TopicBackfill.State.RUNNING, timeout=300,
             what="the second worker to finish the backfill")
    done = _backfill(topic)
    assert (done.state, done.done, done.total, done.error) == ("done", QUOTES, QUOTES, "")
    stances = Stance.objects.filter(topic=topic)
    assert stances.count() == QUOTES
    assert not stances.filter(model_version="").exists()
    # Exactly once: one history row per stance, the creation; no batch was written twice.
    writes = Stance.history.filter(topic=topic).values("quote").annotate(n=Count("history_id"))
    assert sorted(row["n"] for row in writes) == [1] * QUOTES
