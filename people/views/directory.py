"""The directory of people and posts, kept by OPCC staff."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView

from core.forms import ALREADY_SAVED, first_submission
from core.mixins import OnceOnlyCreateMixin
from core.text import plain_text
from people import directory, roles
from people.forms.directory import (
    AliasForm,
    AppointForm,
    MergeChoiceForm,
    PersonForm,
    PostForm,
    RetireForm,
)
from people.models import Person, PersonAlias, Post, PostHolding


class DirectoryMixin:
    def dispatch(self, request, *args, **kwargs):
        roles.require_directory_manager(request.user)
        return super().dispatch(request, *args, **kwargs)


def _long_date(value):
    return date_format(value, "j F Y")


# People.

PERSON_STATES = {"current": "Current", "retired": "Retired", "all": "All"}


class PersonListView(DirectoryMixin, ListView):
    template_name = "people/directory/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        # Typed into a search box: what no column can hold (a NUL) matches nothing anyway.
        self.query = " ".join(plain_text(self.request.GET.get("q", "")).split())[:120]
        self.state = self.request.GET.get("state", "current")
        if self.state not in PERSON_STATES:
            self.state = "current"
        people = Person.objects.select_related("merged_into").prefetch_related(
            Prefetch("posts_held", queryset=Post.objects.order_by("seniority", "abbreviation")),
            "aliases",
        )
        if self.state == "current":
            people = people.filter(retired_on__isnull=True)
        elif self.state == "retired":
            people = people.filter(retired_on__isnull=False)
        if self.query:
            matching_alias = PersonAlias.objects.filter(initials__iexact=self.query)
            people = people.filter(
                Q(name__icontains=self.query)
                | Q(initials__iexact=self.query)
                | Q(pk__in=matching_alias.values("person"))
            )
        return people

    def get_context_data(self, **kwargs):
        params = {"q": self.query, "state": self.state}
        query_string = urlencode({k: v for k, v in params.items() if v})
        return super().get_context_data(
            query=self.query,
            state=self.state,
            states=PERSON_STATES,
            query_string=query_string,
            **kwargs,
        )


class PersonCreateView(DirectoryMixin, OnceOnlyCreateMixin, CreateView):
    form_class = PersonForm
    template_name = "people/directory/person_form.html"

    def create(self, form):
        self.object = form.save()
        messages.success(self.request, f"{self.object.label} added to the directory.")
        return redirect(self.object)

    def get_success_url(self):
        return reverse("directory:people")


class PersonUpdateView(DirectoryMixin, UpdateView):
    form_class = PersonForm
    template_name = "people/directory/person_form.html"
    queryset = Person.objects.filter(merged_into=None)

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.label} saved.")
        return super().form_valid(form)


def person_detail(request, pk):
    roles.require_directory_manager(request.user)
    person = get_object_or_404(Person.objects.select_related("merged_into", "user"), pk=pk)
    # The action log's model through the reverse relation: this app does not import it.
    actions = (
        person.actions.model.objects.filter(Q(owner_people=person) | Q(owner_posts__holder=person))
        .distinct()
        .select_related("meeting__series")
        .order_by("-meeting__date", "reference")
    )
    return render(
        request,
        "people/directory/person_detail.html",
        {
            "person": person,
            "aliases": person.aliases.order_by("used_until", "pk"),
            "holdings": person.holdings.select_related("post").order_by("-started_on"),
            "attendance_count": person.attendances.count(),
            "actions": actions,
            "merged_from": person.merged_from.all(),
            "alias_form": AliasForm(),
        },
    )


@require_POST
def alias_add(request, pk):
    """Record initials someone was minuted under before they were in the directory."""
    roles.require_directory_manager(request.user)
    person = get_object_or_404(Person, pk=pk, merged_into=None)
    form = AliasForm(request.POST)
    if form.is_valid() and not first_submission(form, request.user):
        messages.info(request, ALREADY_SAVED)
        return redirect(person)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "submission"}
        PersonAlias.objects.create(person=person, **data)
        messages.success(request, f"{data['initials']} added to {person}'s initials.")
        return redirect(person)
    return render(request, "people/directory/alias_form.html", {"person": person, "form": form})


def person_retire(request, pk):
    roles.require_directory_manager(request.user)
    person = get_object_or_404(Person.objects.select_related("user"), pk=pk, merged_into=None)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vacated = directory.retire_person(person, form.cleaned_data["on_date"], request.user)
        except ValidationError as error:
            form.add_error("on_date", error)
        else:
            message = f"{person} retired from {_long_date(form.cleaned_data['on_date'])}."
            if vacated:
                message += " Now vacant: " + ", ".join(str(post) for post in vacated) + "."
            messages.success(request, message)
            return redirect(person)
    return render(
        request,
        "people/directory/retire_form.html",
        {
            "form": form,
            "subject": person,
            "cancel_url": person.get_absolute_url(),
            "posts": list(person.posts_held.all()),
            "login": person.user if person.user_id and person.user.is_active else None,
        },
    )


@require_POST
def person_reinstate(request, pk):
    roles.require_directory_manager(request.user)
    person = get_object_or_404(Person, pk=pk)
    try:
        directory.reinstate_person(person, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{person} is back in the directory.")
    return redirect(person)


def person_merge(request, pk):
    """Choose the duplicate, see what moves, confirm: the duplicate's rows move to this
    person and the duplicate stays as a retired record pointing here."""
    roles.require_directory_manager(request.user)
    keep = get_object_or_404(Person.objects.select_related("user"), pk=pk, merged_into=None)
    form = MergeChoiceForm(request.POST or None, keep=keep)
    plan = None
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        plan = directory.merge_plan(keep, other)
        # The first post shows what would move; the second, from that page, merges.
        if request.POST.get("confirm") == "merge" and plan.possible:
            try:
                directory.merge_people(keep, other, request.user)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect(keep)
            messages.success(
                request,
                f"{other.label} merged into {keep.label}; {other.initials} is kept as one of "
                f"{keep}'s initials.",
            )
            return redirect(keep)
    return render(
        request,
        "people/directory/merge_form.html",
        {"person": keep, "form": form, "plan": plan},
        status=409 if plan and not plan.possible else 200,
    )


# Posts.


class PostListView(DirectoryMixin, ListView):
    template_name = "people/directory/post_list.html"
    context_object_name = "posts"
    paginate_by = 50

    def get_queryset(self):
        self.show_retired = self.request.GET.get("state") == "all"
        # Aggregating drops the default ordering, so it is given again.
        posts = (
            Post.objects.select_related("holder")
            .annotate(holders=Count("holdings", distinct=True))
            .order_by("seniority", "abbreviation")
        )
        return posts if self.show_retired else posts.filter(retired_on__isnull=True)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            show_retired=self.show_retired,
            query_string="state=all" if self.show_retired else "",
            **kwargs,
        )


class PostCreateView(DirectoryMixin, OnceOnlyCreateMixin, CreateView):
    form_class = PostForm
    template_name = "people/directory/post_form.html"

    def create(self, form):
        self.object = form.save()
        messages.success(
            self.request, f"Post {self.object} added. Give it a holder with “Change holder”."
        )
        return redirect(self.object)

    def get_success_url(self):
        return reverse("directory:posts")


class PostUpdateView(DirectoryMixin, UpdateView):
    form_class = PostForm
    template_name = "people/directory/post_form.html"
    queryset = Post.objects.all()

    def form_valid(self, form):
        messages.success(self.request, f"Post {form.instance} saved.")
        return super().form_valid(form)


def post_detail(request, pk):
    roles.require_directory_manager(request.user)
    post = get_object_or_404(Post.objects.select_related("holder"), pk=pk)
    return render(
        request,
        "people/directory/post_detail.html",
        {
            "post": post,
            "holdings": PostHolding.objects.filter(post=post).select_related("person"),
        },
    )


def post_appoint(request, pk):
    roles.require_directory_manager(request.user)
    post = get_object_or_404(Post.objects.select_related("holder"), pk=pk)
    form = AppointForm(request.POST or None, post=post)
    if request.method == "POST" and form.is_valid():
        person, on_date = form.cleaned_data["person"], form.cleaned_data["on_date"]
        try:
            directory.appoint(post, person, on_date, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            who = f"{person} holds" if person else "No one holds"
            messages.success(request, f"{who} the post {post} from {_long_date(on_date)}.")
            return redirect(post)
    return render(request, "people/directory/appoint_form.html", {"post": post, "form": form})


def post_retire(request, pk):
    roles.require_directory_manager(request.user)
    post = get_object_or_404(Post.objects.select_related("holder"), pk=pk, retired_on=None)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        on_date = form.cleaned_data["on_date"]
        try:
            directory.retire_post(post, on_date, request.user)
        except ValidationError as error:
            form.add_error("on_date", error)
        else:
            messages.success(request, f"Post {post} retired from {_long_date(on_date)}.")
            return redirect(post)
    return render(
        request,
        "people/directory/retire_form.html",
        {
            "form": form,
            "subject": post,
            "cancel_url": post.get_absolute_url(),
            "holder": post.holder,
        },
    )
