from django.urls import path

from kakehashi.people import views

app_name = "people"
urlpatterns = [
    path("profile/", views.profile_detail, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/data/", views.data_download, name="data_download"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("profile/affiliations/", views.affiliation_request_view, name="affiliation_request"),
    path("affiliation-requests/", views.affiliation_requests_view, name="affiliation_requests"),
    path(
        "affiliation-requests/<int:pk>/<slug:decision>/",
        views.affiliation_request_decide_view,
        name="affiliation_request_decide",
    ),
]
