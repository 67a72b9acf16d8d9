from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.engine import search as run_search
from search.forms import SearchForm


@require_GET
def search(request):
    """Everything the user may see that matches: items, findings, actions and updates."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    page = None
    if form.is_valid():
        page = run_search(request.user, form.cleaned_data["q"], request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "searched": page is not None,
            "page_obj": page,
            "paginator": page.paginator if page is not None else None,
            "is_paginated": page is not None and page.paginator.num_pages > 1,
            "query_string": query.urlencode(),
        },
    )
