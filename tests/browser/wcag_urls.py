"""The project's URLs and one that fails, so that the browser can be shown the 500 page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from assurance.urls import urlpatterns as project_urlpatterns


@login_not_required
def fail(request):
    raise RuntimeError("A failure on purpose, to show the 500 page.")


urlpatterns = [*project_urlpatterns, path("wcag-fail/", fail)]
