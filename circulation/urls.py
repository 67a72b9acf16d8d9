from django.urls import path

from circulation import views

app_name = "circulation"
urlpatterns = [
    path("meetings/<int:pk>/", views.circulation_page, name="meeting"),
    path("meetings/<int:pk>/agenda/", views.send, {"kind": "agenda"}, name="agenda"),
    path("meetings/<int:pk>/updates/", views.send, {"kind": "updates"}, name="updates"),
    path("meetings/<int:pk>/draft/", views.send, {"kind": "draft_minutes"}, name="draft"),
    path("meetings/<int:pk>/new-actions/", views.send, {"kind": "new_actions"}, name="new_actions"),
    path("meetings/<int:pk>/read/", views.read, name="read"),
    path("meetings/<int:pk>/comments/", views.comments, name="comments"),
]
