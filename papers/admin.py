from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from papers.models import Paper


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "item", "update", "uploaded_at", "withdrawn_at"]
    list_filter = ["kind"]
    readonly_fields = ["file", "original_name", "kind", "size", "uploaded_by", "uploaded_at"]
