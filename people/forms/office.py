from django import forms
from django.core.exceptions import ValidationError

from core import images
from core.forms import CrispyMixin, VersionedModelForm, plain_text_formfield
from people.models import Office

LOGO_MAX_BYTES = 1024 * 1024
# A logo is drawn a few centimetres wide: 4 megapixels is a 2,000 pixel square, more than
# enough, and keeps a pixel bomb (a small file that decodes to a huge image) out of the PDF.
LOGO_MAX_PIXELS = 4_000_000
LOGO_HELP = (
    "A PNG or JPEG image, up to 1 MB and 4 megapixels. It shows beside the office's name on "
    "the public site, the sign-in page and the PDF minutes."
)


class OfficeForm(CrispyMixin, VersionedModelForm):
    """The office's names and logo. The logo is checked by its content, as a paper's image is
    (``core.images``), and stored by ``people.office.save_office``."""

    new_logo = forms.FileField(
        required=False,
        label="Logo",
        help_text=LOGO_HELP,
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    class Meta:
        error_messages = {
            "name": {"required": "Enter the office's name."},
            "short_name": {"required": "Enter the office's short name."},
            "commissioner_title": {"required": "Enter the Commissioner's title."},
            "commissioner_short_title": {"required": "Enter the Commissioner's short title."},
        }
        model = Office
        formfield_callback = plain_text_formfield
        fields = [
            "name",
            "short_name",
            "force_name",
            "commissioner_title",
            "commissioner_short_title",
            "version",
        ]
        labels = {
            "name": "The office's name",
            "short_name": "Short name",
            "force_name": "The force's name",
            "commissioner_title": "The Commissioner's title",
            "commissioner_short_title": "The Commissioner's short title",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # Opened before anyone saved the office: should someone save it first, this
            # form's version (0) is theirs no longer, and it is refused as stale.
            self.initial["version"] = 0
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if name.lower().startswith("the "):
            raise ValidationError(
                "Leave out the leading “The”: emails and pages add it where a sentence needs it.",
                code="leading_the",
            )
        return name

    def clean_new_logo(self):
        upload = self.cleaned_data.get("new_logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise ValidationError(
                f"The logo is {upload.size / (1024 * 1024):.1f} MB; it may be at most 1 MB. "
                "Save it smaller and choose it again.",
                code="too_big",
            )
        found = images.read_image(upload)
        if found is None:
            raise ValidationError(
                "This file is not a PNG or JPEG image, whatever its name says: its content was "
                "checked. Save the logo as a PNG and choose it again.",
                code="wrong_type",
            )
        extension, width, height = found
        if width * height > LOGO_MAX_PIXELS:
            raise ValidationError(
                f"This image is {width:,} x {height:,} pixels: a logo may be at most 4 "
                "megapixels (2,000 x 2,000). Save it smaller and choose it again.",
                code="too_many_pixels",
            )
        upload.extension = extension
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_logo") and cleaned.get("remove_logo"):
            self.add_error(
                "remove_logo",
                ValidationError(
                    "Choose a new logo or remove the logo, not both.", code="replace_or_remove"
                ),
            )
        return cleaned
