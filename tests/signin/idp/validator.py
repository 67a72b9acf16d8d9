from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The claims Entra ID sends when configured as the README says: email, and the user's
    groups. A user whose username starts "unverified" has an address the provider has not
    verified."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith("unverified"),
            "name": user.get_full_name(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
