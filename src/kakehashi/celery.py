"""Celery application: background jobs with a broker (CELERY_BROKER_URL, settings.JOBS_BACKEND
"celery"). Without one, the embedded default runs them in Huey's consumer (jobs.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kakehashi.settings")
app = Celery("kakehashi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
