from django.contrib.auth.decorators import login_not_required
from django.urls import path

from signin import oidc, views

app_name = "signin"
urlpatterns = [
    path("code/", login_not_required(views.code), name="code"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path("two-factor/reset/<int:pk>/", views.reset_two_factor, name="reset_two_factor"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("groups/", views.role_mappings, name="role_mappings"),
    path("groups/<int:pk>/delete/", views.role_mapping_delete, name="role_mapping_delete"),
    path("oidc/callback/", login_not_required(oidc.CallbackView.as_view()), name="oidc_callback"),
    path("oidc/<slug:slug>/", login_not_required(oidc.StartView.as_view()), name="oidc_start"),
]
