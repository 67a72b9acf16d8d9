from django.contrib import admin

from actions.models import Action, ActionEvent, ActionReview, ReminderLog


class ActionEventInline(admin.TabularInline):
    model = ActionEvent
    extra = 0
    fields = ["on_date", "kind", "text", "from_status", "to_status", "meeting", "by", "at"]
    readonly_fields = fields

    # The trail is the record of what happened: the app adds lines, nobody edits them.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


AS_RAISED = ["raised_owners", "raised_due_date", "raised_due_meeting", "raised_due_wording"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["reference", "text", "meeting", "status", "due_date", "due_wording"]
    list_filter = ["status", "meeting", "owner_posts", "item__theme"]
    search_fields = ["reference", "text", "due_wording"]
    list_select_related = ["meeting__series"]
    autocomplete_fields = ["item", "follows_from", "owner_posts", "owner_people"]
    inlines = [ActionEventInline]

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through set_action_status, which records who, when and why; a
        # reference, once given, is quoted by minutes and never changes, and neither does
        # what the raising meeting minuted (corrections go through the app, with a reason).
        readonly = ["status", "version", *AS_RAISED]
        return [*readonly, "reference"] if obj else readonly

    def has_delete_permission(self, request, obj=None):
        # Actions are closed, never deleted: minutes and the trail refer to them for good.
        return False


@admin.register(ActionReview)
class ActionReviewAdmin(admin.ModelAdmin):
    list_display = ["action", "item", "outcome"]
    list_filter = ["outcome"]
    # What a meeting minuted about the action is recorded by the app, never typed here.
    readonly_fields = [
        "outcome",
        "update",
        "new_due_date",
        "new_due_meeting",
        "new_due_wording",
        "owners_before",
        "owners_after",
        "completion_claimed_on",
        "decided_by",
        "decided_at",
        "version",
    ]
    search_fields = ["action__reference", "action__text"]
    autocomplete_fields = ["item", "action"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "person", "kind"]
    list_filter = ["kind", "sent_on"]
    list_select_related = ["person"]
