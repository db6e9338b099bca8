from django.urls import path

from kakehashi.people import views

app_name = "people"
urlpatterns = [
    path("profile/", views.profile_detail, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
]
