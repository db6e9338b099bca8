from django.urls import path

from kakehashi.documents import views

app_name = "documents"
urlpatterns = [
    path("documents/", views.documents_mine, name="mine"),
    path("documents/upload/", views.document_upload_view, name="upload"),
    path("documents/<int:pk>/delete/", views.document_delete_view, name="delete"),
    path("documents/<int:pk>/file/", views.document_file, name="file"),
    path("documents/referees/", views.referee_add_view, name="referee_add"),
    path("documents/referees/<int:pk>/remove/", views.referee_remove_view, name="referee_remove"),
    path("documents/letters/<int:pk>/file/", views.letter_file, name="letter_file"),
    path("documents/candidates/<int:person>/", views.candidate_documents, name="candidate"),
    path("letters/<str:token>/", views.letter_upload_view, name="letter_upload"),
]
