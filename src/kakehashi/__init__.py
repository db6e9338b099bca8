"""Kakehashi: the web project (Django) of the Canada–Japan research-mobility program."""

# Celery's app is loaded with Django so @shared_task binds to it.
from kakehashi.celery import app as celery_app

__all__ = ["celery_app"]
