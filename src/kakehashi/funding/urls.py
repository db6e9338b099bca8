from django.urls import path, re_path

from kakehashi.funding import views

app_name = "funding"
urlpatterns = [
    path("funding/budgets/", views.budget_page, name="budgets"),
    re_path(
        r"^funding/budgets/export\.(?P<format>csv|xlsx)$", views.budget_export, name="budget_export"
    ),
    path("funding/rates/", views.rate_page, name="rates"),
    path("funding/invoices/", views.invoice_list_page, name="invoices"),
    path("funding/invoices/<int:pk>/", views.invoice_page, name="invoice"),
    path("funding/invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("funding/payments/", views.payment_list_page, name="payments"),
    path("funding/payments/<int:pk>/pay/", views.payment_pay, name="pay"),
    path("funding/internships/<int:pk>/", views.internship_page, name="internship"),
]
