from django.urls import path

from kakehashi.mobility import views

app_name = "mobility"
urlpatterns = [
    path("mobility/rule-packs/", views.rule_packs, name="rule_packs"),
    path("mobility/at-risk/", views.at_risk, name="at_risk"),
    path("mobility/internships/<int:internship_id>/", views.checklist, name="checklist"),
    path("mobility/internships/<int:internship_id>/facts/", views.facts_view, name="facts"),
    path(
        "mobility/internships/<int:internship_id>/insurance/",
        views.coverage_add_view,
        name="coverage_add",
    ),
    path(
        "mobility/internships/<int:internship_id>/insurance/<int:coverage_id>/remove/",
        views.coverage_remove_view,
        name="coverage_remove",
    ),
    path("mobility/internships/<int:internship_id>/travel/", views.travel_view, name="travel"),
    path(
        "mobility/internships/<int:internship_id>/check-in/", views.check_in_view, name="check_in"
    ),
    path(
        "mobility/internships/<int:internship_id>/contacts/",
        views.contact_add_view,
        name="contact_add",
    ),
    path(
        "mobility/internships/<int:internship_id>/contacts/<int:contact_id>/remove/",
        views.contact_remove_view,
        name="contact_remove",
    ),
    path("mobility/steps/<int:step_id>/status/", views.step_status_view, name="step_status"),
    path("mobility/steps/<int:step_id>/documents/", views.step_document_view, name="step_document"),
    path("mobility/documents/<int:document_id>/", views.document_file, name="document_file"),
]
