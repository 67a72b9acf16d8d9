"""What an uploaded paper is, from its content, and whether its name is safe to keep.

The type is read from the bytes, never from the name or the browser's content type:
``filetype`` recognises PDF, PNG, JPEG and the Office containers by their signatures; each
is then opened the way the meeting pack will open it (pypdf, Pillow, the OOXML package's
``[Content_Types].xml``), so a file that only starts like a PDF is refused too.
"""

import unicodedata
import zipfile
from xml.etree import ElementTree

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

from core import images
from papers.models import EXTENSIONS, PaperKind, human_size

ALLOWED = "a PDF, a Word, Excel or PowerPoint file, or a PNG or JPEG image"
MAX_NAME = 150
# Legacy Office files share one container (OLE2, "Compound File").
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_KINDS = {"doc": PaperKind.DOC, "xls": PaperKind.XLS, "ppt": PaperKind.PPT}
# The main part of each OOXML package, as its [Content_Types].xml declares it. Templates and
# macro-enabled files (.docm, .xlsm, .pptm) declare other types and are refused.
OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        PaperKind.DOCX
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (PaperKind.XLSX),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        PaperKind.PPTX
    ),
}
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# [Content_Types].xml is a few kilobytes; a larger one is not worth unpacking.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


def max_bytes():
    return settings.PAPERS_MAX_BYTES


def check_name(name):
    """The uploaded file's name, if it is safe to keep as a download's name.

    Django keeps only the last part of a path a browser sends; a name that still carries a
    separator, a control character or a leading dot was made to trick something, and is
    refused rather than quietly changed, so the person knows what was wrong."""
    if not name or not name.strip():
        raise ValidationError("The file has no name. Rename it and choose it again.", "no_name")
    if "/" in name or "\\" in name or name.startswith("..") or "/.." in name:
        raise ValidationError(
            "The file's name must be a plain name, without folders or “..”. "
            "Rename it and choose it again.",
            "path_in_name",
        )
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise ValidationError(
            "The file's name contains hidden or control characters. Rename it and choose it again.",
            "control_in_name",
        )
    if name.startswith("."):
        raise ValidationError(
            "The file's name must not start with a dot. Rename it and choose it again.",
            "dot_name",
        )
    if name != name.strip() or name.endswith("."):
        raise ValidationError(
            "The file's name must not start or end with a space, or end with a dot. "
            "Rename it and choose it again.",
            "name_ends",
        )
    if len(name) > MAX_NAME:
        raise ValidationError(
            f"The file's name is {len(name)} characters long; it may be at most {MAX_NAME}. "
            "Rename it and choose it again.",
            "long_name",
        )
    return name


def check_size(upload):
    if upload.size > max_bytes():
        raise ValidationError(
            f"The file is {human_size(upload.size)}; a paper may be at most "
            f"{human_size(max_bytes())}. Choose a smaller file.",
            "too_big",
        )
    if upload.size == 0:
        raise ValidationError("The file is empty. Choose the paper again.", "empty")


def identify(upload, name):
    """The kind of paper ``upload`` is, from its content; refused if it is none we accept,
    or if its name says it is something else."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    guess = filetype.guess(head)
    found = guess.extension if guess else None
    if found == "pdf":
        kind = _check_pdf(upload)
    elif found in ("png", "jpg"):
        kind = _check_image(upload, PaperKind.PNG if found == "png" else PaperKind.JPEG)
    elif found in ("zip", "docx", "xlsx", "pptx"):
        kind = _ooxml_kind(upload)
    elif head.startswith(OLE_SIGNATURE):
        # filetype tells the three apart by their first streams where it can; otherwise
        # the container is checked and the name's ending says which of the three it is.
        kind = OLE_KINDS.get(found) or OLE_KINDS.get(extension)
    else:
        kind = None
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            f"This file is not {ALLOWED}, whatever its name says: its content was checked. "
            "Choose the paper itself, or save it as a PDF.",
            "wrong_type",
        )
    if extension and extension not in EXTENSIONS[kind]:
        raise ValidationError(
            f"The file's name ends “.{extension}” but its content is a "
            f"{PaperKind(kind).label}. Rename it to end “.{EXTENSIONS[kind][0]}”, "
            "or choose the right file.",
            "name_disagrees",
        )
    return PaperKind(kind)


def _check_pdf(upload):
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(upload)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                "The PDF is protected by a password. Upload a copy without one.", "encrypted"
            )
        if len(reader.pages) == 0:
            return None
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None
    return PaperKind.PDF


def _check_image(upload, kind):
    found = images.read_image(upload)
    if found is None:
        return None
    extension, width, height = found
    # A small file can hold a huge image (a flat colour compresses to nothing): drawn into
    # the meeting pack, 12,000 x 12,000 pixels took a minute and a worker's memory.
    budget = settings.PAPERS_MAX_PIXELS
    if width * height > budget:
        raise ValidationError(
            f"This image is {width:,} x {height:,} pixels ({width * height / 1e6:,.0f} "
            f"megapixels): the most a paper may be is {budget / 1e6:,.0f} megapixels. Save it "
            "smaller (an A4 page scanned at 300 dpi is about 9 megapixels) or as a PDF.",
            "too_many_pixels",
        )
    return kind if extension == {PaperKind.PNG: "png", PaperKind.JPEG: "jpg"}[kind] else None


def _ooxml_kind(upload):
    """The OOXML kind the package's [Content_Types].xml declares for its main part."""
    try:
        with zipfile.ZipFile(upload) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            root = ElementTree.fromstring(package.read(info))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return None
    kinds = {
        OOXML_MAIN_PARTS[override.get("ContentType")]
        for override in root.iter(f"{CONTENT_TYPES_NS}Override")
        if override.get("ContentType") in OOXML_MAIN_PARTS
    }
    return kinds.pop() if len(kinds) == 1 else None
