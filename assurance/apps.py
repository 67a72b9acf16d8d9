from django.contrib.admin.apps import AdminConfig


class AssuranceAdminConfig(AdminConfig):
    # Who may use the admin is decided by people.roles, like every other page.
    default_site = "assurance.admin.AssuranceAdminSite"
