from django.urls import path

from meetings import assurance_views, series_views, views, workspace_views

app_name = "meetings"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("series/<int:series_pk>/new/", views.MeetingCreateView.as_view(), name="create"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/minutes.docx", views.minutes_download, {"kind": "docx"}, name="docx"),
    path("<int:pk>/minutes.pdf", views.minutes_download, {"kind": "pdf"}, name="pdf"),
    path("<int:pk>/edit/", views.MeetingUpdateView.as_view(), name="edit"),
    path("<int:pk>/history/", views.meeting_history, name="history"),
    path("<int:pk>/record/", views.MeetingRecordView.as_view(), name="record"),
    path("<int:pk>/agree/", views.agree_minutes, name="agree"),
    path("<int:pk>/publish/", views.minutes_status, {"to": "published"}, name="publish"),
    path("<int:pk>/reopen/", views.minutes_status, {"to": "draft"}, name="reopen"),
    path("<int:pk>/attendance/add/", views.AttendanceCreateView.as_view(), name="attendance_add"),
    path(
        "<int:pk>/attendance/<int:person_pk>/",
        workspace_views.attendance_row,
        name="attendance_row",
    ),
    path("attendance/<int:pk>/edit/", views.AttendanceUpdateView.as_view(), name="attendance_edit"),
    path("attendance/<int:pk>/delete/", views.attendance_delete, name="attendance_delete"),
    path("attendance/<int:pk>/move/", views.attendance_move, name="attendance_move"),
    path("<int:pk>/items/add/", views.ItemCreateView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", views.ItemUpdateView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/findings/add/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("findings/<int:pk>/move/", views.finding_move, name="finding_move"),
    path("items/<int:pk>/assurance/", assurance_views.assurance_edit, name="assurance_edit"),
    path(
        "assurance/<int:pk>/confirm/", assurance_views.assurance_confirm, name="assurance_confirm"
    ),
    path("items/<int:pk>/decisions/add/", assurance_views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/edit/", assurance_views.decision_edit, name="decision_edit"),
    path(
        "decisions/<int:pk>/withdraw/",
        assurance_views.decision_withdraw,
        name="decision_withdraw",
    ),
    path("decisions/", assurance_views.DecisionRegisterView.as_view(), name="decisions"),
    path("decisions/export.csv", assurance_views.export_csv, name="decisions_csv"),
    path("decisions/export.xlsx", assurance_views.export_xlsx, name="decisions_xlsx"),
    path("series/", series_views.SeriesListView.as_view(), name="series_list"),
    path("series/add/", series_views.SeriesCreateView.as_view(), name="series_create"),
    path("series/<int:pk>/", series_views.SeriesDetailView.as_view(), name="series_detail"),
    path("series/<int:pk>/edit/", series_views.SeriesUpdateView.as_view(), name="series_edit"),
    path("series/<int:pk>/attendees/", series_views.series_attendees, name="series_attendees"),
    path("series/<int:pk>/agenda/", series_views.series_agenda, name="series_agenda"),
    path("series/<int:pk>/retire/", series_views.series_retire, name="series_retire"),
    path("series/<int:pk>/restore/", series_views.series_restore, name="series_restore"),
]
