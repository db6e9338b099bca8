from django.urls import path

from kakehashi.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.my_reports, name="mine"),
    path("reports/<int:form_id>/<int:internship_id>/", views.report_fill, name="fill"),
    path("officer/reports/", views.report_results, name="results"),
]
