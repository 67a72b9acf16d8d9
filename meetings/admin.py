from django.contrib import admin

from meetings.models import (
    AgendaItem,
    Attendance,
    Finding,
    Meeting,
    MeetingSeries,
    Person,
    Post,
    StandingSection,
    Theme,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "initials", "job_title", "organisation", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "initials", "email"]
    autocomplete_fields = ["user"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "title", "organisation", "holder", "seniority"]
    list_filter = ["organisation"]
    search_fields = ["abbreviation", "title", "holder__name"]
    autocomplete_fields = ["holder"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]


class StandingSectionInline(admin.TabularInline):
    model = StandingSection
    extra = 0
    fields = ["number", "heading", "parent", "kind", "brings_forward", "position"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "default_venue", "default_start_time", "default_chair"]
    search_fields = ["name"]
    inlines = [StandingSectionInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person", "post"]
    fields = [
        "person",
        "post",
        "capacity",
        "presence",
        "reason",
        "joined_at_item",
        "left_after_item",
        "position",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Partial attendance refers to this meeting's own items only.
        if db_field.name in ("joined_at_item", "left_after_item"):
            meeting_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = AgendaItem.objects.filter(meeting_id=meeting_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "status", "chair", "minute_taker"]
    list_filter = ["status", "series", "date"]
    search_fields = ["venue", "items__heading", "items__findings__text"]
    date_hierarchy = "date"
    autocomplete_fields = ["chair", "minute_taker"]
    inlines = [AttendanceInline]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["number", "heading", "theme", "meeting", "kind", "nil_return"]
    list_filter = ["meeting", "theme", "kind", "nil_return"]
    search_fields = ["number", "heading", "background", "question", "findings__text"]
    list_select_related = ["meeting__series", "theme"]
    autocomplete_fields = ["parent"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "item"]
    search_fields = ["text"]
    list_select_related = ["item__meeting__series", "item__theme"]
