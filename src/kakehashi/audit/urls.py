from django.urls import path

from kakehashi.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_browse, name="browse"),
]
