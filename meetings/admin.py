"""The admin, for what the app itself does not edit.

Agreed and published minutes are the record: the admin can neither change nor delete them,
nor their attendance, items and findings. OPCC staff reopen minutes in the app, saying why.
"""

from django.contrib import admin

from meetings.models import (
    IN_PROGRESS,
    AgendaItem,
    Attendance,
    Finding,
    Meeting,
    MeetingChair,
    MeetingSeries,
    SeriesChair,
    StandingSection,
    UsualAttendee,
)


class LockedMinutesMixin:
    """Read-only once the minutes of ``meeting_of(obj)`` are agreed or published.

    For an inline, ``obj`` is the parent object of the page.
    """

    def meeting_of(self, obj):
        raise NotImplementedError

    def _locked(self, obj):
        return obj is not None and not self.meeting_of(obj).in_progress

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class LockedMinutesInline(LockedMinutesMixin, admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)


class StandingSectionInline(admin.TabularInline):
    model = StandingSection
    extra = 0
    fields = ["number", "heading", "parent", "kind", "brings_forward", "position"]


class SeriesChairInline(admin.TabularInline):
    model = SeriesChair
    extra = 0
    autocomplete_fields = ["person"]


class UsualAttendeeInline(admin.TabularInline):
    model = UsualAttendee
    extra = 0
    autocomplete_fields = ["person", "post"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "default_venue", "default_start_time", "retired_on"]
    search_fields = ["name", "short_name"]
    inlines = [SeriesChairInline, UsualAttendeeInline, StandingSectionInline]


class AttendanceInline(LockedMinutesInline):
    model = Attendance
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

    def meeting_of(self, obj):
        return obj


class MeetingChairInline(LockedMinutesInline):
    model = MeetingChair
    autocomplete_fields = ["person"]
    fields = ["person", "position"]

    def meeting_of(self, obj):
        return obj


@admin.register(Meeting)
class MeetingAdmin(LockedMinutesMixin, admin.ModelAdmin):
    list_display = ["__str__", "date", "status", "minute_taker"]
    list_filter = ["status", "series", "date"]
    search_fields = ["venue", "items__heading", "items__findings__text"]
    date_hierarchy = "date"
    autocomplete_fields = ["minute_taker"]
    # Minutes are agreed and published in the app, which records who and when.
    readonly_fields = ["status", "version"]
    inlines = [MeetingChairInline, AttendanceInline]

    def meeting_of(self, obj):
        return obj


class FindingInline(LockedMinutesInline):
    model = Finding

    def meeting_of(self, obj):
        return obj.meeting


@admin.register(AgendaItem)
class AgendaItemAdmin(LockedMinutesMixin, admin.ModelAdmin):
    list_display = ["number", "heading", "theme", "meeting", "kind", "nil_return"]
    list_filter = ["meeting", "theme", "kind", "nil_return"]
    search_fields = ["number", "heading", "background", "question", "findings__text"]
    list_select_related = ["meeting__series", "theme"]
    autocomplete_fields = ["parent"]
    inlines = [FindingInline]

    def meeting_of(self, obj):
        return obj.meeting

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A new item can only go into draft minutes.
        if db_field.name == "meeting":
            kwargs["queryset"] = Meeting.objects.filter(status__in=IN_PROGRESS).select_related(
                "series"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Finding)
class FindingAdmin(LockedMinutesMixin, admin.ModelAdmin):
    list_display = ["__str__", "item"]
    search_fields = ["text"]
    list_select_related = ["item__meeting__series", "item__theme"]

    def meeting_of(self, obj):
        return obj.item.meeting

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A new finding can only go under an item of draft minutes.
        if db_field.name == "item":
            kwargs["queryset"] = AgendaItem.objects.filter(
                meeting__status__in=IN_PROGRESS
            ).select_related("theme")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
