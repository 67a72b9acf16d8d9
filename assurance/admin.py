from django.contrib import admin

from people import roles


class AssuranceAdminSite(admin.AdminSite):
    site_header = "Holding to account: administration"
    site_title = "Holding to account"

    def has_permission(self, request):
        return roles.can_use_admin(request.user)
