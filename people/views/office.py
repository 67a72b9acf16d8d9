"""The office's names and logo: set by those who manage users, and the logo for anyone."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from core.forms import STALE_MESSAGE
from people import roles
from people.forms.office import OfficeForm
from people.models import Office
from people.office import save_office

STORAGE_REFUSED = (
    "The logo could not be stored: the file storage refused it (it may be full). Nothing was "
    "saved; try again later, and tell your administrator if it happens again."
)
# The logo's address changes with each new logo (Office.logo_url): a browser or proxy may
# keep one for a day.
LOGO_MAX_AGE = 24 * 60 * 60


def edit(request):
    """The office's names, its force's and its Commissioner's title, and its logo."""
    roles.require_office_manager(request.user)
    office = Office.current(request)
    # The form works on a copy: a form in error must not change what the page says is saved.
    form = OfficeForm(request.POST or None, request.FILES or None, instance=copy.copy(office))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                save_office(
                    form.save(commit=False),
                    by=request.user,
                    new_logo=form.cleaned_data["new_logo"],
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                )
        except OSError:
            form.add_error("new_logo", STORAGE_REFUSED)
        except IntegrityError:
            # Two first saves at once: the other one made the row.
            form.add_error(None, STALE_MESSAGE)
        else:
            messages.success(
                request,
                "The office's details are saved: emails, the public site and documents use "
                "them from now on.",
            )
            return redirect("office:edit")
    return render(request, "people/office_form.html", {"form": form, "office": office})


@login_not_required
@require_safe
def logo(request):
    """The logo, for the public site and the sign-in page as for everyone signed in."""
    office = Office.current(request)
    if not office.logo:
        raise Http404("The office has no logo.")
    try:
        file = office.logo.open("rb")
    except FileNotFoundError:
        raise Http404("The logo's file is missing from the storage.") from None
    response = FileResponse(file, content_type=office.logo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=LOGO_MAX_AGE)
    return response
