"""Mixins for the views of every room."""

from django.contrib import messages
from django.shortcuts import redirect

from core.forms import ALREADY_SAVED, first_submission


class OnceOnlyCreateMixin:
    """A create view whose form, posted twice, creates once and answers the repeat as the
    first: with the page the first one led to, and a word that it was already saved."""

    def repeated(self):
        messages.info(self.request, ALREADY_SAVED)
        return redirect(self.get_success_url())

    def form_valid(self, form):
        if not first_submission(form, self.request.user):
            return self.repeated()
        return self.create(form)

    def create(self, form):
        raise NotImplementedError

    def form_invalid(self, form):
        if form.repeats_a_submission():
            return self.repeated()
        return super().form_invalid(form)
