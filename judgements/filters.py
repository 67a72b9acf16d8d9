import django_filters
from django import forms
from django.db.models import Q

from judgements.models import Decision
from meetings.models import MeetingSeries
from themes.models import Theme


class YearFilter(django_filters.NumberFilter):
    """A whole year within reason: a huge number would overflow the database's lookup."""

    field_class = forms.IntegerField


class DecisionFilter(django_filters.FilterSet):
    """The register's filters; the exports use the same, so they export what the page shows."""

    series = django_filters.ModelChoiceFilter(
        queryset=MeetingSeries.objects.all(), label="Series", empty_label="Any series"
    )
    year = YearFilter(
        field_name="item__meeting__date__year",
        label="Year of the meeting",
        min_value=2000,
        max_value=2099,
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="item__theme",
        queryset=Theme.objects.all(),
        label="Theme",
        empty_label="Any theme",
    )
    q = django_filters.CharFilter(label="Search reference and text", method="search")

    class Meta:
        model = Decision
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(text__icontains=value))
