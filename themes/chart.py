"""The themes-over-time chart: one row a theme, one column a meeting, one square an item,
marked with the assurance reached. Server-rendered SVG; the page gives the same figures as a
table, so the chart itself is hidden from screen readers."""

from dataclasses import dataclass

from django.utils.formats import date_format

from meetings.models import AssuranceLevel
from themes.report import NO_STATEMENT

SQUARE = 20
GAP = 4
LABEL_WIDTH = 230
TOP = 40
ROW_PADDING = 8
MIN_COLUMN = 56
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

    @property
    def text_x(self):
        return self.x + SQUARE // 2

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
    has no item with a theme."""
    if not report.themes or not report.meetings:
        return None
    widest = {
        meeting.pk: max(len(theme.levels_at(meeting)) for theme in report.themes)
        for meeting in report.meetings
    }
    columns, x = [], LABEL_WIDTH
    column_x = {}
    for meeting in report.meetings:
        width = max(MIN_COLUMN, widest[meeting.pk] * (SQUARE + GAP) + GAP * 2)
        column_x[meeting.pk] = x
        columns.append(
            Column(
                x,
                x + width // 2,
                date_format(meeting.date, "j M"),
                str(meeting.date.year),
            )
        )
        x += width
    bands, squares, y = [], [], TOP
    for theme in report.themes:
        height = SQUARE + ROW_PADDING * 2
        bands.append(Band(y, height, y + height // 2 + 4, theme.name))
        for meeting in report.meetings:
            for index, item in enumerate(theme.levels_at(meeting)):
                letter, fill, ink = MARKS[item.level]
                squares.append(
                    Square(
                        column_x[meeting.pk] + GAP * 2 + index * (SQUARE + GAP),
                        y + ROW_PADDING,
                        letter,
                        fill,
                        ink,
                        dashed=item.level == NO_STATEMENT,
                    )
                )
        y += height
    return Chart(x + GAP, y + GAP, tuple(columns), tuple(bands), tuple(squares))
