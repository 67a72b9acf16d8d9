import re

from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search minutes and actions",
        max_length=200,
        error_messages={"required": "Enter a word to search for."},
        help_text='Words to find. Put a phrase in quotes ("stop and search"); '
        "a minus sign leaves a word out.",
    )

    def clean_q(self):
        query = " ".join(self.cleaned_data["q"].split())
        if not re.search(r"\w", query):
            raise forms.ValidationError("Enter a word to search for.", code="empty")
        return query
