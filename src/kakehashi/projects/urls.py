from django.urls import path

from kakehashi.projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/<slug:key>/", views.project_detail, name="detail"),
    path("supervising/projects/", views.project_list_mine, name="supervising"),
    path("projects/<slug:key>/supervision/", views.supervision_answer, name="supervision_answer"),
]
