"""Bodies minuted as action owners ("ALL", "Officers"), kept by OPCC staff."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import CreateView, ListView, UpdateView

from core.forms import ALREADY_SAVED, first_submission
from people import roles
from people.forms.bodies import BodyForm
from people.models import Body


class RecorderRequiredMixin:
    """OPCC staff keep the bodies, as they keep the minutes."""

    def dispatch(self, request, *args, **kwargs):
        roles.require_recorder(request.user)
        return super().dispatch(request, *args, **kwargs)


class BodyListView(RecorderRequiredMixin, ListView):
    template_name = "people/bodies/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self):
        return (
            Body.objects.prefetch_related("members")
            .annotate(action_count=Count("actions", distinct=True))
            .order_by("retired", "label")
        )


class BodyCreateView(RecorderRequiredMixin, CreateView):
    """Posted twice, the form adds the body once, as every create form does."""

    form_class = BodyForm
    template_name = "people/bodies/body_form.html"

    def get_success_url(self):
        return reverse("directory:bodies")

    def repeated(self):
        messages.info(self.request, ALREADY_SAVED)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        if form.repeats_a_submission():
            return self.repeated()
        return super().form_invalid(form)

    def form_valid(self, form):
        if not first_submission(form, self.request.user):
            return self.repeated()
        form.instance._history_user = self.request.user
        response = super().form_valid(form)
        messages.success(self.request, f"{self.object.name} ({self.object.label}) added.")
        return response


class BodyUpdateView(RecorderRequiredMixin, UpdateView):
    model = Body
    form_class = BodyForm
    template_name = "people/bodies/body_form.html"
    context_object_name = "body"

    def get_success_url(self):
        return reverse("directory:bodies")

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        response = super().form_valid(form)
        messages.success(self.request, f"{self.object.name} ({self.object.label}) saved.")
        return response
