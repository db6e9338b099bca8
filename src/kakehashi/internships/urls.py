from django.urls import path

from kakehashi.internships import views

app_name = "internships"
urlpatterns = [
    path("internships/", views.internship_list, name="list"),
    path("internships/research-security/", views.security_lists, name="security_lists"),
    path("internships/<int:pk>/", views.internship_detail, name="detail"),
    path("internships/<int:pk>/agreement/", views.agreement_edit, name="agreement_edit"),
    path("internships/<int:pk>/agreement/draft/", views.agreement_draft, name="agreement_draft"),
    path(
        "internships/<int:pk>/agreement/parties/", views.agreement_parties, name="agreement_parties"
    ),
    path(
        "internships/<int:pk>/agreement/approve/",
        views.agreement_approve_view,
        name="agreement_approve",
    ),
    path("internships/<int:pk>/amendments/", views.amendment_add, name="amendment_add"),
    path(
        "internships/<int:pk>/amendments/<int:number>/approve/",
        views.amendment_approve_view,
        name="amendment_approve",
    ),
    path(
        "internships/<int:pk>/amendments/<int:number>/withdraw/",
        views.amendment_withdraw_view,
        name="amendment_withdraw",
    ),
    path("internships/<int:pk>/security/sensitivity/", views.sensitivity_view, name="sensitivity"),
    path("internships/<int:pk>/security/attest/", views.attest_view, name="attest"),
    path("internships/<int:pk>/security/screening/", views.screening_view, name="screening"),
]
