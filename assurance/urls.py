from django.contrib import admin
from django.urls import include, path

from actions.views import DashboardView, calendar_feed
from assurance.health import healthz, readyz
from core.keep_typed import keep_alive
from meetings.views.minutes import home
from people.urls import (
    directory_patterns,
    login_patterns,
    office_patterns,
    password_reset_patterns,
)
from signin.views import SignInView, SignOutView

urlpatterns = [
    path("", home, name="home"),
    # For the proxy's health checks, and the benchmark's trivial view (bench/pages.py).
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path(
        "accounts/login/",
        SignInView.as_view(),
        name="login",
    ),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/keep-alive/", keep_alive, name="keep_alive"),
    path("accounts/", include(password_reset_patterns)),
    path("accounts/", include("signin.urls")),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("calendar/<slug:token>.ics", calendar_feed, name="calendar_feed"),
    path("meetings/", include("meetings.urls")),
    path("meetings/", include("judgements.urls")),
    path("actions/", include("actions.urls")),
    path("kept/", include("kept.urls")),
    path("papers/", include("papers.urls")),
    path("directory/", include((directory_patterns, "directory"))),
    path("logins/", include((login_patterns, "logins"))),
    path("office/", include((office_patterns, "office"))),
    # Published minutes, for anyone: each of its views is exempt from the sign-in itself.
    path("public/", include("publication.urls")),
    path("circulation/", include("circulation.urls")),
    path("search/", include("search.urls")),
    path("themes/", include("themes.urls")),
    path("room/", include("room.urls")),
    path("admin/", admin.site.urls),
]
