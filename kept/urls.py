from django.urls import path

from kept import views

app_name = "kept"
urlpatterns = [
    path("exports/<uuid:pk>/", views.export, name="export"),
    path("exports/<uuid:pk>/download/", views.download, name="download"),
]
