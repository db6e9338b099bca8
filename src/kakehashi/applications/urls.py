from django.urls import path

from kakehashi.applications import views

app_name = "applications"
urlpatterns = [
    path("projects/<slug:key>/apply/", views.application_apply, name="apply"),
    path(
        "projects/<slug:key>/applicants/",
        views.applicants_for_project,
        name="project_applicants",
    ),
    path("applications/", views.application_list_mine, name="mine"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw_view, name="withdraw"),
    path("calls/<slug:call>/ranking/", views.rank_list_edit, name="rank"),
    path(
        "calls/<slug:call>/rank-lists/<int:person>/versions/",
        views.rank_list_versions_view,
        name="rank_versions",
    ),
    path(
        "supervising/calls/<slug:call>/applicants/",
        views.applicants_for_call,
        name="supervisor_applicants",
    ),
    path(
        "supervising/calls/<slug:call>/ranking/",
        views.host_ranking_edit,
        name="host_ranking",
    ),
]
