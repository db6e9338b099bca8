from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "kakehashi.recommendations"
    verbose_name = _("Recommendations and search")

    def ready(self) -> None:
        # Registers the `recommendations.refresh` job kind. Nothing else runs at import
        # time: the encoder and the indexes load lazily, per process, on first use.
        # Imported here, once the app registry is ready: these modules import models.
        from kakehashi.people.signals import profile_text_changed
        from kakehashi.projects.signals import project_text_changed
        from kakehashi.recommendations import tasks  # noqa: F401
        from kakehashi.recommendations.services import embeddings_on_text_changed

        # People and projects announce changed texts; they never call this app.
        project_text_changed.connect(embeddings_on_text_changed, dispatch_uid="recs.project")
        profile_text_changed.connect(embeddings_on_text_changed, dispatch_uid="recs.profile")
        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.people.signals import person_erase
        from kakehashi.recommendations.privacy import recommendations_erase

        person_erase.connect(recommendations_erase, dispatch_uid="recommendations.privacy")
        # The project list's search box asks for the cross-language search (projects
        # cannot import this app).
        from kakehashi.projects.signals import project_query
        from kakehashi.recommendations.selectors import projects_matching_query

        project_query.connect(projects_matching_query, dispatch_uid="recommendations.query")
        # The embedding cache lives outside the database: backups take it along.
        from kakehashi.core.signals import backup_files
        from kakehashi.recommendations.embedding import embedding_cache_file

        backup_files.connect(embedding_cache_file, dispatch_uid="recommendations.backup")
