from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import BritishDateField, OnceOnlyForm, PlainTextField


class UpdatesForm(forms.Form):
    deadline = BritishDateField(
        label="Updates wanted by",
        help_text="The day owners should send their updates by.",
        error_messages={"required": "Enter the day owners should send their updates by."},
    )

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError("The deadline cannot be in the past.", code="past")
        if deadline > self.meeting.date:
            raise ValidationError(
                "The deadline must be on or before the day of the meeting.", code="after_meeting"
            )
        return deadline


class CommentForm(OnceOnlyForm):
    item = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="The minutes as a whole",
        label="Comment on",
    )
    text = PlainTextField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your comment."},
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the items the commenter may see: a restricted item's id posted by hand is
        # refused as any other choice not offered.
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: item.numbered_title

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Enter your comment.", code="required")
        return text
