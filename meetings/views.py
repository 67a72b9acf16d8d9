from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from meetings import roles
from meetings.minutes import minutes_rows
from meetings.models import Meeting


def home(request):
    return redirect(roles.home_url_name(request.user))


class MeetingListView(ListView):
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_people()


class MeetingDetailView(DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_people()

    def get_context_data(self, **kwargs):
        meeting = self.object
        attendances = list(
            meeting.attendances.select_related(
                "person", "post", "joined_at_item", "left_after_item"
            )
        )
        rows = minutes_rows(meeting)
        return super().get_context_data(
            present=[a for a in attendances if a.presence == "present"],
            apologies=[a for a in attendances if a.presence == "apologies"],
            partial=[a for a in attendances if a.is_partial],
            rows=rows,
            actions_arising=[action for row in rows for action in row.actions],
            **kwargs,
        )
