"""The Celery app: configured from Django settings (CELERY_* keys), with the sweep on a beat schedule.

Run exactly one `celery -A newsdesk beat` beside the workers (`make run` does): every
NEWSDESK_SWEEP_INTERVAL_SECONDS it queues `pipeline_sweep`, which re-queues what nobody works on.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

app = Celery("newsdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def schedule_the_sweep(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    interval = settings.NEWSDESK["SWEEP_INTERVAL_SECONDS"]
    # Expires: a sweep that waited in the queue past the next one is worthless.
    sender.add_periodic_task(interval, sender.signature("quotes.tasks.pipeline_sweep"), name="sweep",
                             expires=interval)
