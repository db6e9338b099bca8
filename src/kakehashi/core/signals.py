"""What core asks of the apps above it (which it must not import).

``backup_files`` is sent (``sender=None``) when a backup is written or restored; each
receiver answers ``{member name: Path}`` of a file its app keeps outside the database
(recommendations: the embedding cache). A ``.sqlite3`` file is copied through
SQLite's online backup API, so it may be in use."""

from django.dispatch import Signal

backup_files = Signal()
