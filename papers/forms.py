from django import forms

from core.forms import OnceOnlyForm, PlainTextField
from papers import files
from papers.models import human_size

TITLE_HELP = "As the meeting pack's contents list it. Left empty, the file's name is used."


class PaperForm(OnceOnlyForm):
    """A paper to attach. The file is checked in this order: its name, its size, then its
    content; each refusal says what to do, beside the field, and keeps the title typed."""

    title = PlainTextField(max_length=300, required=False, help_text=TITLE_HELP)
    file = forms.FileField(
        label="File",
        max_length=files.MAX_NAME,
        error_messages={
            "required": "Choose the file to attach.",
            "max_length": f"The file's name may be at most {files.MAX_NAME} characters long. "
            "Rename it and choose it again.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"PDF, Word, Excel, PowerPoint, PNG or JPEG, up to {human_size(files.max_bytes())}."
        )
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.png,.jpg,.jpeg"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["name"] = files.check_name(upload.name)
        files.check_size(upload)
        self.cleaned_data["kind"] = files.identify(upload, upload.name)
        return upload

    def clean(self):
        cleaned = super().clean()
        if "kind" in cleaned and not cleaned.get("title"):
            cleaned["title"] = cleaned["name"].rsplit(".", 1)[0] or cleaned["name"]
        return cleaned


class WithdrawForm(forms.Form):
    reason = PlainTextField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Kept with the paper's history, for example: the wrong version was attached.",
        error_messages={"required": "Say why the paper is withdrawn."},
    )
