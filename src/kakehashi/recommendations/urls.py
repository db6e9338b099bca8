from django.urls import path

from kakehashi.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("recommendations/", views.recommended_for_me, name="for_me"),
    path(
        "supervising/projects/<slug:key>/recommended-candidates/",
        views.project_recommended_candidates,
        name="candidates",
    ),
    path("search/", views.search_page, name="search"),
    path("officer/embeddings/", views.embeddings_overview, name="embeddings"),
    path("officer/embeddings/refresh/", views.embeddings_refresh_start, name="refresh"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
]
