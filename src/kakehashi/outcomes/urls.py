from django.urls import path

from kakehashi.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("outcomes/internships/<int:pk>/", views.internship_outcomes, name="internship"),
    path("outcomes/<int:pk>/delete/", views.outcome_delete_view, name="delete"),
    path("officer/outcomes/", views.outcome_overview, name="overview"),
]
