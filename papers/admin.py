from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from papers.models import Paper


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    """Read only: papers are attached and withdrawn in the app, which checks their content
    and keeps who withdrew them and why; nothing is deleted."""

    list_display = ["title", "kind", "item", "update", "uploaded_at", "withdrawn_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
