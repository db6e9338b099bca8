from django.urls import path

from kakehashi.programs import views

app_name = "programs"
urlpatterns = [
    path("calls/", views.call_list_view, name="calls"),
    path("calls/<slug:slug>/", views.call_detail, name="call"),
]
