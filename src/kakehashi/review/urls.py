from django.urls import path

from kakehashi.review import views

app_name = "review"
urlpatterns = [
    path("review/", views.reviewing, name="reviewing"),
    path("review/profile/", views.profile_edit, name="profile"),
    path("review/proposals/<int:pk>/bid/", views.bid_view, name="bid"),
    path("review/assignments/<int:pk>/", views.review_edit, name="review"),
    path("review/decisions/", views.decisions_mine, name="decisions"),
    path("review/proposals/<int:pk>/discussion/", views.discussion, name="discussion"),
    path("calls/<slug:slug>/review/", views.call_review, name="call"),
    path("calls/<slug:slug>/review/open/", views.round_open_view, name="open"),
    path("calls/<slug:slug>/review/detect/", views.detect_view, name="detect"),
    path("calls/<slug:slug>/review/due/", views.due_view, name="due"),
    path(
        "calls/<slug:slug>/review/conflicts/<int:pk>/override/",
        views.override_view,
        name="override",
    ),
    path(
        "calls/<slug:slug>/review/conflicts/<int:pk>/override/undo/",
        views.override_undo_view,
        name="override_undo",
    ),
    path("calls/<slug:slug>/review/runs/", views.run_view, name="run"),
    path("calls/<slug:slug>/review/runs/<int:run>/apply/", views.apply_view, name="apply"),
    path("calls/<slug:slug>/review/assign/", views.assignment_add_view, name="assign"),
    path(
        "calls/<slug:slug>/review/assignments/<int:pk>/remove/",
        views.assignment_remove_view,
        name="unassign",
    ),
    path("calls/<slug:slug>/review/release/", views.release_view, name="release"),
    path("calls/<slug:slug>/review/proposals/<int:pk>/decide/", views.decide_view, name="decide"),
]
