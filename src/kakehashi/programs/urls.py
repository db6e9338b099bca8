from django.urls import path

from kakehashi.programs import views

app_name = "programs"
urlpatterns = [
    # A signed-in person's home: what to do next, by role (programs/home.py).
    path("home/", views.home_view, name="home"),
    path("calls/", views.call_list_view, name="calls"),
    # Before calls/<slug>/: "new" is refused as a call's slug.
    path("calls/new/", views.call_create_view, name="call_new"),
    path("calls/<slug:slug>/", views.call_detail, name="call"),
    path("calls/<slug:slug>/edit/", views.call_edit_view, name="call_edit"),
    path("calls/<slug:slug>/phases/<slug:kind>/", views.phase_set_view, name="phase_set"),
    path("calls/<slug:slug>/phases/<slug:kind>/open/", views.phase_open_view, name="phase_open"),
    path("calls/<slug:slug>/phases/<slug:kind>/close/", views.phase_close_view, name="phase_close"),
    path("calls/<slug:slug>/phases/<slug:kind>/undo/", views.phase_undo_view, name="phase_undo"),
    path("programs/new/", views.program_create_view, name="program_new"),
    path("programs/<slug:slug>/edit/", views.program_edit_view, name="program_edit"),
]
