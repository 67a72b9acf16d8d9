"""Real files of each kind a paper may be, made here so that tests need no fixtures on disk."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import blank_pdf

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def text_pdf(*pages):
    """A PDF whose pages carry the given texts (WeasyPrint, as the app renders)."""
    from weasyprint import HTML

    body = "".join(
        f'<p style="break-after: page">{text}</p>' if n < len(pages) - 1 else f"<p>{text}</p>"
        for n, text in enumerate(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def pdf_text(data):
    """A PDF's text, its pages' words joined by single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def png(size=(40, 30), fmt="PNG"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def docx():
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Briefing")
    document.save(buffer)
    return buffer.getvalue()


def large_docx(size):
    """A Word document of about ``size`` bytes, as a paper with scanned pages is: the pages
    are random bytes, which no compression shrinks."""
    import os
    import zipfile

    buffer = io.BytesIO(docx())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_STORED) as package:
        package.writestr("word/media/scan.bin", os.urandom(size))
    return buffer.getvalue()


def xlsx():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def ooxml(main_content_type):
    """A minimal OOXML package whose [Content_Types].xml declares ``main_content_type``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/ppt/presentation.xml" ContentType="{main_content_type}"/>'
            "</Types>",
        )
        package.writestr("ppt/presentation.xml", "<presentation/>")
    return buffer.getvalue()


PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
PPTM_MAIN = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"


def ole():
    """The Compound File container of Office 97–2003 files, with nothing in it."""
    return OLE_SIGNATURE + bytes(4096 - len(OLE_SIGNATURE))


def upload(name, content, content_type="application/octet-stream"):
    """An uploaded file under exactly ``name``, whatever it holds: Django trims a path from
    the name a browser sends, but a name reaching the form is checked for itself."""
    uploaded = SimpleUploadedFile("placeholder", content, content_type=content_type)
    uploaded._name = name
    return uploaded


__all__ = ["blank_pdf", "docx", "ole", "ooxml", "png", "text_pdf", "upload", "xlsx"]
