from django.urls import path

from room import views

app_name = "room"
urlpatterns = [
    path("meetings/<int:pk>/", views.room, name="show"),
    path("meetings/<int:pk>/now/", views.room_content, name="content"),
    path("meetings/<int:pk>/follow/", views.follow, name="follow"),
]
