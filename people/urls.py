"""The directory (people, posts, bodies), logins and the office, each under its own namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from people.views import bodies, directory, logins, office

directory_patterns = [
    path("", directory.PersonListView.as_view(), name="people"),
    path("people/new/", directory.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", directory.person_detail, name="person"),
    path("people/<int:pk>/edit/", directory.PersonUpdateView.as_view(), name="person_edit"),
    path("people/<int:pk>/initials/add/", directory.alias_add, name="alias_add"),
    path("people/<int:pk>/retire/", directory.person_retire, name="person_retire"),
    path("people/<int:pk>/reinstate/", directory.person_reinstate, name="person_reinstate"),
    path("people/<int:pk>/merge/", directory.person_merge, name="person_merge"),
    path("posts/", directory.PostListView.as_view(), name="posts"),
    path("posts/new/", directory.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", directory.post_detail, name="post"),
    path("posts/<int:pk>/edit/", directory.PostUpdateView.as_view(), name="post_edit"),
    path("posts/<int:pk>/holder/", directory.post_appoint, name="post_appoint"),
    path("posts/<int:pk>/retire/", directory.post_retire, name="post_retire"),
    path("bodies/", bodies.BodyListView.as_view(), name="bodies"),
    path("bodies/add/", bodies.BodyCreateView.as_view(), name="body_add"),
    path("bodies/<int:pk>/", bodies.BodyUpdateView.as_view(), name="body_edit"),
]

login_patterns = [
    path("", logins.LoginListView.as_view(), name="list"),
    path("roles/", logins.who_can_do_what, name="roles"),
    path("invite/", logins.InviteView.as_view(), name="invite"),
    path("<int:pk>/", logins.login_detail, name="detail"),
    path("<int:pk>/role/", logins.login_role, name="role"),
    path("<int:pk>/deactivate/", logins.login_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", logins.login_reactivate, name="reactivate"),
    path("<int:pk>/resend/", logins.login_resend, name="resend"),
]

office_patterns = [
    path("", office.edit, name="edit"),
    path("logo/", office.logo, name="logo"),
]

# Django's names (password_reset, ..._done, ..._confirm, ..._complete), with no namespace:
# included under accounts/ beside the sign-in page.
password_reset_patterns = [
    path("password_reset/", logins.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        logins.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
