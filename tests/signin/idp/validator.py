from oauth2_provider.oauth2_validators import OAuth2Validator

# Claims the tests set for one user (urls.add_user), by username: "id_token" and "userinfo"
# each override what the provider says there; None removes a claim.
OVERRIDES = {}


def _override(claims, username, where):
    for name, value in OVERRIDES.get(username, {}).get(where, {}).items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


class Validator(OAuth2Validator):
    """The claims Entra ID sends when configured as the README says: email, and the user's
    groups. A user whose username starts "unverified" has an address the provider has not
    verified. The tests may change any claim of one user (OVERRIDES), to be a provider in
    its default mode (claims only at the userinfo endpoint), or Entra ID's other shapes."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith("unverified"),
            "name": user.get_full_name(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        return _override(claims, request.user.username, "id_token"), expiration_time

    def get_userinfo_claims(self, request):
        claims = super().get_userinfo_claims(request)
        return _override(claims, request.user.username, "userinfo")
