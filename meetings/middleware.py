from django.contrib import messages
from django.shortcuts import redirect

from meetings.services import MinutesLocked


class MinutesLockedMiddleware:
    """A change refused because the minutes are agreed becomes a message on the minutes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MinutesLocked):
            messages.error(request, str(exception))
            return redirect(exception.meeting)
        return None
