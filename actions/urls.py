from django.urls import path

from actions import link_views, review_cards, views

app_name = "actions"
urlpatterns = [
    path("", views.ActionLogView.as_view(), name="log"),
    path("mine/", views.MyActionsView.as_view(), name="mine"),
    path("review/", views.review, name="review"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.reset_calendar, name="reset_calendar"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/update/", views.add_update, name="add_update"),
    path("<int:pk>/complete/", views.mark_complete, name="complete"),
    path("<int:pk>/close/", views.close_action, name="close"),
    path("<int:pk>/reopen/", views.reopen_action, name="reopen"),
]
urlpatterns += [
    path("items/<int:item_pk>/raise/", views.raise_action, name="raise"),
    path("<int:pk>/edit/", views.edit_action, name="edit"),
    path("items/<int:item_pk>/agreed-in-room/", views.agree_in_room, name="agree_in_room"),
    path("<int:pk>/reassign/", views.reassign_action, name="reassign"),
    path("reviews/<int:pk>/outcome/", review_cards.review_outcome, name="review_outcome"),
    path("meetings/<int:meeting_pk>/close/", views.bulk_close, name="bulk_close"),
]
urlpatterns += [
    path("u/<str:token>/", link_views.update_by_link, name="update_by_link"),
    path("<int:pk>/links/", link_views.send_update_link, name="send_update_link"),
    path("links/<uuid:pk>/revoke/", link_views.revoke_update_link, name="revoke_update_link"),
]
