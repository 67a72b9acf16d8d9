from django.contrib import admin

from circulation.models import Comment, EmailLog


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ["meeting", "kind", "recipient", "subject", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["recipient", "subject", "key"]
    # A log: it records what was sent and is not edited.
    readonly_fields = [f.name for f in EmailLog._meta.fields]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["meeting", "item", "author", "created"]
    readonly_fields = ["meeting", "item", "author", "text", "created"]
