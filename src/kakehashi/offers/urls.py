from django.urls import path

from kakehashi.offers import views

app_name = "offers"
urlpatterns = [
    path("results/", views.results_mine, name="mine"),
    path("results/offers/<int:pk>/accept/", views.offer_accept_view, name="accept"),
    path("results/offers/<int:pk>/decline/", views.offer_decline_view, name="decline"),
    path("interns/", views.interns_mine, name="interns"),
    path("calls/<slug:slug>/runs/second-round/", views.second_round_view, name="second_round"),
]
