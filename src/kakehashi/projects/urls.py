from django.urls import path

from kakehashi.projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/<slug:key>/", views.project_detail, name="detail"),
    path("projects/<slug:key>/edit/", views.project_edit, name="edit"),
    path("projects/<slug:key>/status/", views.project_status, name="status"),
    path("supervising/projects/", views.project_list_mine, name="supervising"),
    path("supervising/projects/new/", views.project_new, name="new"),
    path("supervising/research-fields/", views.research_field_options, name="field_options"),
    path("supervising/hosts/", views.host_options, name="host_options"),
    path("vetting/projects/", views.vetting_queue, name="vetting"),
    path("projects/<slug:key>/supervision/", views.supervision_answer, name="supervision_answer"),
]
