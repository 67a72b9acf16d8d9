from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("", views.ActionLogView.as_view(), name="log"),
    path("mine/", views.MyActionsView.as_view(), name="mine"),
    path("<int:pk>/", views.ActionDetailView.as_view(), name="detail"),
]
