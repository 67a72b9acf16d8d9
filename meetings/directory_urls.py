from django.urls import path

from meetings import directory_views as views

app_name = "directory"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="people"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_edit"),
    path("people/<int:pk>/initials/add/", views.alias_add, name="alias_add"),
    path("people/<int:pk>/retire/", views.person_retire, name="person_retire"),
    path("people/<int:pk>/reinstate/", views.person_reinstate, name="person_reinstate"),
    path("people/<int:pk>/merge/", views.person_merge, name="person_merge"),
    path("posts/", views.PostListView.as_view(), name="posts"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_edit"),
    path("posts/<int:pk>/holder/", views.post_appoint, name="post_appoint"),
    path("posts/<int:pk>/retire/", views.post_retire, name="post_retire"),
]
