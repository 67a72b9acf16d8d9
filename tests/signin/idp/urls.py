import json

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group, User
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from tests.signin.idp.validator import OVERRIDES


@csrf_exempt
def add_user(request):
    """For the tests only: a user at the provider, with their groups."""
    data = json.loads(request.body)
    user = User.objects.create_user(
        data["username"], email=data["email"], password=data["password"]
    )
    for name in data.get("groups", []):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    OVERRIDES[user.username] = {
        "id_token": data.get("id_token_claims", {}),
        "userinfo": data.get("userinfo_claims", {}),
    }
    return JsonResponse({"sub": str(user.pk)})


urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("test/users/", add_user),
]
