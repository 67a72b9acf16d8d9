"""The themes-over-time chart: one row a theme, one column a meeting, one square an item,
marked with the assurance reached. Server-rendered SVG; the page gives the same figures as a
table, so the chart itself is hidden from screen readers."""

from collections import Counter
from dataclasses import dataclass

from judgements.models import AssuranceLevel
from themes.report import NO_STATEMENT

SQUARE = 20
GAP = 4
LABEL_WIDTH = 230
TOP = 40
ROW_PADDING = 8
MIN_COLUMN = 56
# More items than this in one cell are counted by level instead of drawn one by one.
MAX_SQUARES = 6
COUNTED_WIDTH = 40
# About as many characters of 11-point text as LABEL_WIDTH holds.
LABEL_CHARACTERS = 36
# Each level has a letter as well as a fill, so the chart does not rely on colour alone.
MARKS = {
    AssuranceLevel.ASSURED: ("A", "#0f5132", "#ffffff"),
    AssuranceLevel.PARTIALLY_ASSURED: ("P", "#ffda6a", "#212529"),
    AssuranceLevel.NOT_ASSURED: ("N", "#842029", "#ffffff"),
    AssuranceLevel.NOT_ASSESSED: ("NA", "#e9ecef", "#212529"),
    NO_STATEMENT: ("–", "#ffffff", "#212529"),
}
LEGEND = [(MARKS[level][0], level) for level in MARKS]


@dataclass(frozen=True)
class Square:
    x: int
    y: int
    letter: str
    fill: str
    ink: str
    dashed: bool
    width: int = SQUARE

    @property
    def text_x(self):
        return self.x + self.width // 2

    @property
    def text_y(self):
        return self.y + SQUARE // 2 + 4


@dataclass(frozen=True)
class Column:
    x: int
    centre: int
    month: str
    year: str


@dataclass(frozen=True)
class Band:
    y: int
    height: int
    label_y: int
    name: str

    @property
    def short_name(self):
        """The name as the chart's label column holds it; the table gives it in full."""
        return (
            self.name
            if len(self.name) <= LABEL_CHARACTERS
            else f"{self.name[: LABEL_CHARACTERS - 1]}…"
        )


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    columns: tuple
    bands: tuple
    squares: tuple


def theme_chart(report):
    """The chart's geometry for ``report`` (themes.report.ThemeReport), or None when the year
    has no item with a theme. A cell with more items than MAX_SQUARES shows one mark per
    level with its count ("A12"), so that a year of many series stays readable."""
    if not report.themes or not report.meetings:
        return None
    slots = report.slots
    marks = {
        (t, s): _marks(theme.items_in(slot))
        for t, theme in enumerate(report.themes)
        for s, slot in enumerate(slots)
    }
    columns, x, column_x = [], LABEL_WIDTH, []
    for s, slot in enumerate(slots):
        widest = max(sum(w + GAP for w, *_ in marks[t, s]) for t in range(len(report.themes)))
        width = max(MIN_COLUMN, widest + GAP * 3)
        column_x.append(x)
        columns.append(Column(x, x + width // 2, slot.short_label, str(slot.day.year)))
        x += width
    bands, squares, y = [], [], TOP
    for t, theme in enumerate(report.themes):
        height = SQUARE + ROW_PADDING * 2
        bands.append(Band(y, height, y + height // 2 + 4, theme.name))
        for s in range(len(slots)):
            left = column_x[s] + GAP * 2
            for width, text, level in marks[t, s]:
                _letter, fill, ink = MARKS[level]
                squares.append(
                    Square(left, y + ROW_PADDING, text, fill, ink, level == NO_STATEMENT, width)
                )
                left += width + GAP
        y += height
    return Chart(x + GAP, y + GAP, tuple(columns), tuple(bands), tuple(squares))


def _marks(items):
    """(width, text, level) of each mark in a cell: one per item, or one per level counted."""
    if len(items) <= MAX_SQUARES:
        return [(SQUARE, MARKS[item.level][0], item.level) for item in items]
    counts = Counter(item.level for item in items)
    return [
        (COUNTED_WIDTH, f"{MARKS[level][0]}{counts[level]}", level)
        for level in MARKS
        if counts[level]
    ]
