from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from actions.models import Action


class MyActionsView(ListView):
    template_name = "actions/my_actions.html"
    context_object_name = "actions"

    def get_queryset(self):
        person = getattr(self.request.user, "person", None)
        return Action.objects.owned_by(person).outstanding().for_listing()


class ActionDetailView(DetailView):
    template_name = "actions/action_detail.html"
    context_object_name = "action"

    def get_object(self, queryset=None):
        return get_object_or_404(Action.objects.for_listing(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            events=self.object.events.select_related("by", "meeting__series"), **kwargs
        )


class DashboardView(ListView):
    """The Commissioner's dashboard: what comes to the next meeting, and who owes what."""

    template_name = "actions/dashboard.html"
    context_object_name = "actions"

    def get_queryset(self):
        return Action.objects.outstanding().for_listing()


class ActionLogView(ListView):
    template_name = "actions/action_log.html"
    context_object_name = "actions"
    paginate_by = 50

    def get_queryset(self):
        return Action.objects.for_listing()
