from django.urls import path

from papers import views

app_name = "papers"
urlpatterns = [
    path("meetings/<int:pk>/", views.meeting_papers, name="meeting"),
    path("meetings/<int:pk>/pack.pdf", views.pack, name="pack"),
    path("items/<int:pk>/add/", views.item_add, name="item_add"),
    path("actions/<int:pk>/", views.action_papers, name="action"),
    path("updates/<int:pk>/add/", views.update_add, name="update_add"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("emailed/<str:token>/", views.emailed, name="emailed"),
]
