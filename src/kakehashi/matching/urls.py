from django.urls import path, re_path

from kakehashi.matching import views

app_name = "matching"
urlpatterns = [
    path("calls/<slug:slug>/runs/", views.runs_view, name="runs"),
    path("calls/<slug:slug>/compare/", views.compare_view, name="compare"),
    path("calls/<slug:slug>/priorities/", views.priorities_view, name="priorities"),
    re_path(
        r"^calls/(?P<slug>[-a-zA-Z0-9_]+)/audit\.(?P<fmt>csv|json)$",
        views.audit_export_view,
        name="audit",
    ),
    path("runs/<int:pk>/", views.run_view, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish_view, name="publish"),
    path("runs/<int:pk>/retry/", views.run_retry_view, name="retry"),
    re_path(
        r"^runs/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx|json)$",
        views.run_export_view,
        name="export",
    ),
]
