from django.urls import path

from publication import views
from publication.feeds import PublishedMinutesFeed

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("feed/", views.public_page(PublishedMinutesFeed()), name="feed"),
    path("series/<int:series_pk>/<int:year>/", views.year, name="year"),
    path("series/<int:series_pk>/actions/", views.series_actions, name="actions"),
    path("minutes/<int:pk>/", views.minutes, name="minutes"),
    path("minutes/<int:pk>/minutes.pdf", views.minutes_pdf_view, name="pdf"),
]
