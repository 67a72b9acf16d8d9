from django.contrib.auth import views as auth_views
from django.urls import path

from meetings import accounts_views as views

app_name = "logins"
urlpatterns = [
    path("", views.LoginListView.as_view(), name="list"),
    path("roles/", views.who_can_do_what, name="roles"),
    path("invite/", views.InviteView.as_view(), name="invite"),
    path("<int:pk>/", views.login_detail, name="detail"),
    path("<int:pk>/role/", views.login_role, name="role"),
    path("<int:pk>/deactivate/", views.login_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.login_reactivate, name="reactivate"),
    path("<int:pk>/resend/", views.login_resend, name="resend"),
]

# Django's names (password_reset, ..._done, ..._confirm, ..._complete), with no namespace:
# included under accounts/ beside the sign-in page.
password_reset_urlpatterns = [
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
