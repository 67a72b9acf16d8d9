from django.urls import path

from meetings.views import declarations, minutes, series, workspace

app_name = "meetings"
urlpatterns = [
    path("", minutes.MeetingListView.as_view(), name="list"),
    path("series/<int:series_pk>/new/", minutes.MeetingCreateView.as_view(), name="create"),
    path("<int:pk>/", minutes.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/minutes.docx", minutes.minutes_download, {"kind": "docx"}, name="docx"),
    path("<int:pk>/minutes.pdf", minutes.minutes_download, {"kind": "pdf"}, name="pdf"),
    path("<int:pk>/edit/", minutes.MeetingUpdateView.as_view(), name="edit"),
    path("<int:pk>/history/", minutes.meeting_history, name="history"),
    path("<int:pk>/record/", minutes.MeetingRecordView.as_view(), name="record"),
    path("<int:pk>/agree/", minutes.agree_minutes, name="agree"),
    path("<int:pk>/publish/", minutes.minutes_status, {"to": "published"}, name="publish"),
    path("<int:pk>/reopen/", minutes.minutes_status, {"to": "draft"}, name="reopen"),
    path("<int:pk>/attendance/add/", minutes.AttendanceCreateView.as_view(), name="attendance_add"),
    path(
        "<int:pk>/attendance/<int:person_pk>/",
        workspace.attendance_row,
        name="attendance_row",
    ),
    path(
        "attendance/<int:pk>/edit/", minutes.AttendanceUpdateView.as_view(), name="attendance_edit"
    ),
    path("attendance/<int:pk>/delete/", minutes.attendance_delete, name="attendance_delete"),
    path("attendance/<int:pk>/move/", minutes.attendance_move, name="attendance_move"),
    path("<int:pk>/items/add/", minutes.ItemCreateView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", minutes.ItemUpdateView.as_view(), name="item_edit"),
    path("items/<int:pk>/head/", minutes.item_head, name="item_head"),
    path("items/<int:pk>/delete/", minutes.item_delete, name="item_delete"),
    path("items/<int:pk>/move/", minutes.item_move, name="item_move"),
    path("<int:pk>/renumber/", minutes.renumber_items, name="renumber"),
    path("items/<int:pk>/findings/add/", minutes.finding_add, name="finding_add"),
    path("items/<int:pk>/declarations/", declarations.item_declarations, name="declarations"),
    path(
        "declarations/<int:pk>/delete/",
        declarations.declaration_delete,
        name="declaration_delete",
    ),
    path("findings/<int:pk>/edit/", minutes.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", minutes.finding_delete, name="finding_delete"),
    path("findings/<int:pk>/move/", minutes.finding_move, name="finding_move"),
    path("series/", series.SeriesListView.as_view(), name="series_list"),
    path("series/add/", series.SeriesCreateView.as_view(), name="series_create"),
    path("series/<int:pk>/", series.SeriesDetailView.as_view(), name="series_detail"),
    path("series/<int:pk>/edit/", series.SeriesUpdateView.as_view(), name="series_edit"),
    path("series/<int:pk>/attendees/", series.series_attendees, name="series_attendees"),
    path("series/<int:pk>/agenda/", series.series_agenda, name="series_agenda"),
    path("series/<int:pk>/retire/", series.series_retire, name="series_retire"),
    path("series/<int:pk>/restore/", series.series_restore, name="series_restore"),
]
