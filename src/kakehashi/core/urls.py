from django.contrib.auth import views as auth_views
from django.urls import path

from kakehashi.core import views
from kakehashi.core.permissions import permission_required

# Unnamespaced: settings name them (LOGIN_URL, LOGIN_REDIRECT_URL).
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        permission_required("people.sign_in")(
            auth_views.LoginView.as_view(redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path(
        "accounts/logout/",
        permission_required("people.sign_out")(auth_views.LogoutView.as_view()),
        name="logout",
    ),
]
