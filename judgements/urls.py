from django.urls import path

from judgements import views

# Under meetings/ beside the minutes they belong to, as before they had an app of their own.
app_name = "judgements"
urlpatterns = [
    path("items/<int:pk>/assurance/", views.assurance_edit, name="assurance_edit"),
    path("assurance/<int:pk>/confirm/", views.assurance_confirm, name="assurance_confirm"),
    path("items/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path(
        "decisions/<int:pk>/withdraw/",
        views.decision_withdraw,
        name="decision_withdraw",
    ),
    path("decisions/", views.DecisionRegisterView.as_view(), name="decisions"),
    path("decisions/export.csv", views.export_csv, name="decisions_csv"),
    path("decisions/export.xlsx", views.export_xlsx, name="decisions_xlsx"),
]
