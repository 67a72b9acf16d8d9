"""The meeting pack: one PDF of the agenda, a contents page, then every paper in agenda
order, each page numbered "Page n of N".

WeasyPrint (as for the minutes' PDF) renders the agenda and contents, a page for each image,
and a page for each Office file (there is no converter here: the page says the paper is
circulated separately); pypdf appends the PDF papers and stamps the page numbers.
The pack is built for one reader: a restricted item shows as withheld and its papers are
left out for anyone who may not see it.
"""

import base64
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.template.loader import render_to_string

from meetings.documents import PdfUnavailable
from meetings.minutes import in_agenda_order
from meetings.models import Meeting
from papers.emailed import offered_paper
from papers.models import IMAGE_KINDS, Paper, PaperKind
from people.roles import sees_all_minutes

PACK_CSS = """
@page { size: A4; margin: 18mm 15mm 22mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 12pt; margin: 14pt 0 6pt; break-after: avoid; }
p { margin: 0 0 4pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.5pt solid #000; padding: 3pt 4pt; vertical-align: top; text-align: left; }
tr { break-inside: avoid; }
.number { width: 16mm; }
.page { width: 16mm; text-align: right; }
.depth-1 td.title { padding-left: 12pt; }
.depth-2 td.title { padding-left: 24pt; }
.withheld { font-style: italic; }
.contents { break-before: page; }
.paper-image { display: block; max-width: 100%; max-height: 210mm; margin-top: 8pt; }
h1, h2 { bookmark-level: none; }
"""

# A front matter whose length keeps changing as its page numbers change would not settle;
# a few passes always do in practice (one more page of contents moves every number by one).
FRONT_PASSES = 4


@dataclass
class PackPaper:
    paper: Paper
    pdf: object = None  # a pypdf PdfReader
    start: int = 0
    note: str = ""

    @property
    def pages(self):
        return len(self.pdf.pages)


@dataclass
class PackItem:
    item: object
    depth: int
    withheld: bool = False
    papers: list = field(default_factory=list)


def pack_items(meeting, full):
    """The agenda in agenda order, with each item's current papers: all of it when ``full``,
    else with each restricted item (and what is under it) withheld."""
    papers = Paper.objects.current().order_by("position", "pk")
    items = list(meeting.items.select_related("theme").prefetch_related(Prefetch("papers", papers)))
    public = not full
    rows, withheld_depth = [], None
    for item, depth, _has_children in in_agenda_order(items):
        if withheld_depth is not None and depth > withheld_depth:
            continue
        withheld_depth = None
        if public and item.restricted:
            rows.append(PackItem(item, depth, withheld=True))
            withheld_depth = depth
            continue
        rows.append(PackItem(item, depth, papers=[PackPaper(p) for p in item.papers.all()]))
    return rows


def separate_papers(meeting, user):
    """The papers the pack says are circulated separately (Word, Excel, PowerPoint: no page
    of the pack can show them), as attachments of the agenda issued to ``user``
    (``CIRCULATION_AGENDA_ATTACHMENTS``), in agenda order, each read only if attached and
    linked for each recipient if too large. Whoever has no login has no other way to them.
    Restricted items' papers are left out for whoever may not see them, as in the pack."""
    return [
        offered_paper(entry.paper)
        for row in pack_items(meeting, sees_all_minutes(user))
        for entry in row.papers
        if entry.paper.kind != PaperKind.PDF and entry.paper.kind not in IMAGE_KINDS
    ]


def build_pack(meeting, user, *, invited=False):
    """The meeting pack as ``user`` may read it, as PDF bytes.

    Refuses (PermissionDenied) a user who may not see the meeting's minutes at all, unless
    ``invited``: the agenda issued to an expected attendee carries the pack before the meeting,
    when the force may not yet read the meeting in the app; restricted items are withheld from
    them all the same. Raises ``PdfUnavailable`` where WeasyPrint cannot run."""
    if not invited and not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise PermissionDenied("You may not see this meeting's papers.")
    return render_pack(meeting, full=sees_all_minutes(user))


def render_pack(meeting, *, full):
    """The meeting pack as PDF bytes, with the restricted items when ``full``. Raises
    ``PdfUnavailable`` where WeasyPrint cannot run."""
    try:
        from pypdf import PdfReader, PdfWriter
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise PdfUnavailable(
            "The meeting pack cannot be made on this server: the PDF library is missing "
            "a part it needs from the operating system."
        ) from error

    from weasyprint import CSS

    stylesheets = [CSS(string=PACK_CSS)]

    def render(template, context, *, tagged=False):
        html = render_to_string(template, context)
        pdf = HTML(string=html).write_pdf(stylesheets=stylesheets, pdf_tags=tagged)
        return PdfReader(io.BytesIO(pdf))

    rows = pack_items(meeting, full)
    papers = [paper for row in rows for paper in row.papers]
    for entry in papers:
        entry.pdf = _paper_pdf(entry, render, PdfReader)

    front = None
    front_pages = 1
    for _ in range(FRONT_PASSES):
        start = front_pages + 1
        for entry in papers:
            entry.start, start = start, start + entry.pages
        front = render(
            "papers/pack_front.html",
            {"meeting": meeting, "rows": rows, "papers": papers},
            tagged=True,
        )
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)

    # The pack starts as the front, whole: its structure tree (tagged, for screen readers) and
    # its language (en-GB, from the page) stay in the catalogue, which appending would drop.
    # The papers appended after it keep whatever tags their authors gave them, which is none
    # for most.
    writer = PdfWriter(clone_from=front)
    writer.add_outline_item(title="Agenda and contents", page_number=0)
    for entry in papers:
        writer.append(entry.pdf, import_outline=False)
        writer.add_outline_item(
            title=f"{entry.paper.item.label} {entry.paper.title}", page_number=entry.start - 1
        )
    _stamp_page_numbers(writer, meeting, PdfReader, HTML, CSS)
    writer.add_metadata({"/Title": f"{meeting.title}: meeting pack"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _paper_pdf(entry, render, reader_class):
    """The pages a paper takes in the pack."""
    paper = entry.paper
    context = {"paper": paper}
    if paper.kind in (PaperKind.PDF, *IMAGE_KINDS):
        with paper.file.open("rb") as stored:
            data = stored.read()
        if paper.kind == PaperKind.PDF:
            try:
                pdf = reader_class(io.BytesIO(data))
                if pdf.is_encrypted:
                    pdf.decrypt("")
                if len(pdf.pages):
                    return pdf
            except Exception:  # noqa: BLE001 - any unreadable PDF gets the page below
                pass
            entry.note = "It could not be included in this pack and is circulated separately."
        else:
            encoded = base64.b64encode(data).decode("ascii")
            context["image"] = f"data:{paper.content_type};base64,{encoded}"
    return render("papers/pack_paper_page.html", context | {"note": entry.note})


def _stamp_page_numbers(writer, meeting, reader_class, html_class, css_class):
    """ "Page n of N" at the foot of every page, whatever its size: a transparent page of
    the same size for each, rendered at once, merged over it."""
    sizes = []
    for page in writer.pages:
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()
        box = page.mediabox
        sizes.append((float(box.width), float(box.height), float(box.left), float(box.bottom)))
    names = {}
    for width, height, _left, _bottom in sizes:
        names.setdefault((round(width, 2), round(height, 2)), f"size{len(names)}")
    css = "body { margin: 0; font-family: Arial, Helvetica, sans-serif; }\n" + "".join(
        f"@page {name} {{ size: {width}pt {height}pt; margin: 0 0 10mm;"
        " @bottom-center { content: 'Page ' counter(page) ' of ' counter(pages);"
        " font-size: 8pt; color: #000; } }\n"
        f".{name} {{ page: {name}; break-before: page; }}\n"
        for (width, height), name in names.items()
    )
    html = render_to_string(
        "papers/pack_numbers.html",
        {"meeting": meeting, "pages": [names[(round(w, 2), round(h, 2))] for w, h, *_ in sizes]},
    )
    overlay = reader_class(
        io.BytesIO(html_class(string=html).write_pdf(stylesheets=[css_class(string=css)]))
    )
    for page, numbers, (_w, _h, left, bottom) in zip(
        writer.pages, overlay.pages, sizes, strict=True
    ):
        page.merge_translated_page(numbers, left, bottom)
