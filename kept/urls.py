from django.urls import path

from kept import views

app_name = "kept"
urlpatterns = [
    path("exports/action-log.csv", views.action_log_csv, name="action_log_csv"),
    path("exports/action-log.xlsx", views.action_log_xlsx, name="action_log_xlsx"),
    path("exports/<uuid:pk>/", views.export, name="export"),
    path("exports/<uuid:pk>/download/", views.download, name="download"),
]
