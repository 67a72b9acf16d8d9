"""The paper form: what a file is comes from its content; its name and size are checked too.
Each refusal is an error on the file field, with the title typed kept."""

import pytest

from papers.forms import PaperForm
from tests.papers import samples

NOT_ALLOWED = (
    "This file is not a PDF, a Word, Excel or PowerPoint file, or a PNG or JPEG image, "
    "whatever its name says: its content was checked. Choose the paper itself, or save it "
    "as a PDF."
)
PATH_IN_NAME = (
    "The file's name must be a plain name, without folders or “..”. Rename it and choose it again."
)


def submit(name, content, title="Briefing"):
    form = PaperForm({"title": title}, {"file": samples.upload(name, content)})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Briefing.pdf", samples.blank_pdf(), "pdf"),
        ("Briefing.docx", samples.docx(), "docx"),
        ("Figures.xlsx", samples.xlsx(), "xlsx"),
        ("Slides.pptx", samples.ooxml(samples.PPTX_MAIN), "pptx"),
        ("Old minutes.doc", samples.ole(), "doc"),
        ("Old figures.xls", samples.ole(), "xls"),
        ("Chart.png", samples.png(), "png"),
        ("Photo.jpg", samples.png(fmt="JPEG"), "jpeg"),
        ("Photo.JPEG", samples.png(fmt="JPEG"), "jpeg"),
        ("No ending", samples.blank_pdf(), "pdf"),
    ],
)
def test_each_allowed_kind_is_recognised_from_its_content(name, content, kind):
    form = submit(name, content)
    assert form.errors == {}
    assert form.cleaned_data["kind"] == kind
    assert form.cleaned_data["name"] == name


def test_a_file_that_claims_to_be_a_pdf_but_is_a_page_is_refused():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    form = PaperForm(
        {"title": "Briefing"},
        {"file": samples.upload("Briefing.pdf", html, content_type="application/pdf")},
    )
    assert form.is_valid() is False
    assert form.errors == {"file": [NOT_ALLOWED]}
    assert form["title"].value() == "Briefing"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\nnot really a PDF after all",
        b"PK\x03\x04 a zip in name only",
        samples.ooxml(samples.PPTM_MAIN),
        b"\x89PNG\r\n\x1a\n broken image",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
    ids=["pdf signature only", "broken zip", "macro-enabled", "broken png", "svg"],
)
def test_a_file_that_only_starts_like_an_allowed_kind_is_refused(content):
    assert submit("Briefing.pdf", content).errors == {"file": [NOT_ALLOWED]}


def test_an_image_named_as_a_pdf_is_refused_and_told_what_it_is():
    assert submit("Briefing.pdf", samples.png()).errors == {
        "file": [
            "The file's name ends “.pdf” but its content is a PNG image. "
            "Rename it to end “.png”, or choose the right file."
        ]
    }


def test_an_office_container_named_otherwise_is_refused():
    assert submit("Briefing.pdf", samples.ole()).errors == {"file": [NOT_ALLOWED]}


def test_an_over_size_file_is_refused_with_the_limit(settings):
    settings.PAPERS_MAX_BYTES = 1024
    content = samples.blank_pdf()
    form = submit("Briefing.pdf", content + bytes(3072 - len(content)))
    assert form.errors == {
        "file": ["The file is 3 KB; a paper may be at most 1 KB. Choose a smaller file."]
    }
    assert form["title"].value() == "Briefing"


def test_the_limit_comes_from_the_settings_and_is_shown_to_the_person(settings):
    settings.PAPERS_MAX_BYTES = 5 * 1024 * 1024
    assert PaperForm().fields["file"].help_text == (
        "PDF, Word, Excel, PowerPoint, PNG or JPEG, up to 5 MB."
    )
    settings.PAPERS_MAX_BYTES = 2621440
    assert PaperForm().fields["file"].help_text.endswith("up to 2.5 MB.")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd.pdf", PATH_IN_NAME),
        ("..\\..\\Windows\\win.ini.pdf", PATH_IN_NAME),
        ("papers/briefing.pdf", PATH_IN_NAME),
        (
            "briefing\x00.pdf",
            "The file's name contains hidden or control characters. Rename it and choose it again.",
        ),
        (
            "briefing\u202efdp.exe",
            "The file's name contains hidden or control characters. Rename it and choose it again.",
        ),
        (
            ".htaccess.pdf",
            "The file's name must not start with a dot. Rename it and choose it again.",
        ),
        (
            "briefing.pdf.",
            "The file's name must not start or end with a space, or end with a dot. "
            "Rename it and choose it again.",
        ),
    ],
)
def test_a_name_with_path_tricks_is_refused(name, message):
    form = submit(name, samples.blank_pdf(), title="Typed title")
    assert form.errors == {"file": [message]}
    assert form["title"].value() == "Typed title"


def test_a_missing_title_is_taken_from_the_file_name():
    form = submit("Force management statement.pdf", samples.blank_pdf(), title="")
    assert form.errors == {}
    assert form.cleaned_data["title"] == "Force management statement"


def test_no_file_is_asked_for():
    form = PaperForm({"title": "Briefing"}, {})
    assert form.errors == {"file": ["Choose the file to attach."]}
