from django.urls import path

from kakehashi.network import views

app_name = "network"
urlpatterns = [
    path("network/", views.network_public, name="public"),
    path("officer/network/", views.network_officer, name="officer"),
    path("officer/network/graph.json", views.network_graph, name="graph"),
    path("officer/network/export.<str:fmt>", views.network_export, name="export"),
    path("officer/network/measure/", views.network_measure, name="measure"),
    path("officer/network/jobs/<int:pk>/", views.network_job, name="job"),
]
