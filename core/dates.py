"""Dates typed the British way, read strictly: a date is never guessed.

A browser's date picker shows its own locale's order, so an officer whose browser speaks
American English who types "15012018" gets the month clamped to 12 and the date stored as
1 December 2018. Dates are therefore typed as text and read here: day first, the year in
full, or ISO (what a date picker and the exports give). Anything else is refused with a
message saying what to type, never read some other way.
"""

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

DATE_HINT = "For example, 15/01/2018 or 15 January 2018."
MONTH_HINT = "For example, January 2018 or 01/2018."

_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d+)")
_MONTH_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d+)")
_MONTH_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_WORDS = re.compile(r"([a-z]+)\.?,?\s+(\d+)")


class DateError(ValueError):
    """A date that cannot be read; its message says what to type instead."""


def _normalise(text):
    return " ".join(str(text).strip().lower().split())


def _year(text):
    if len(text) != 4:
        raise DateError(f"Enter the year in full, with 4 digits. {DATE_HINT}")
    return int(text)


def _month_name(word, hint):
    if word not in MONTHS:
        raise DateError(f"“{word}” is not a month. {hint}")
    return MONTHS[word]


def _build(year, month, day):
    if not 1 <= month <= 12:
        raise DateError(f"The month must be between 1 and 12, and the day comes first. {DATE_HINT}")
    if year < 1:
        raise DateError(f"Enter a year from 2000 onwards. {DATE_HINT}")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateError(f"That day does not exist in that month. {DATE_HINT}") from None


def parse_date(text):
    """The date a person typed; DateError for anything not unambiguously one date."""
    value = _normalise(text)
    if match := _ISO.fullmatch(value):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day))
    if match := _NUMERIC.fullmatch(value):
        day, month, year = match.groups()
        return _build(_year(year), int(month), int(day))
    if match := _WORDS.fullmatch(value):
        day, word, year = match.groups()
        return _build(_year(year), _month_name(word, DATE_HINT), int(day))
    if value.isdigit():
        raise DateError(f"Separate the day, month and year. {DATE_HINT}")
    raise DateError(f"Enter a date as day, month and year. {DATE_HINT}")


def parse_month(text):
    """The first of the month a person typed: "January 2018", "Jan 2018", "01/2018", "2018-01"."""
    value = _normalise(text)
    if match := _MONTH_ISO.fullmatch(value):
        year, month = match.groups()
    elif match := _MONTH_NUMERIC.fullmatch(value):
        month, year = match.groups()
        if len(year) != 4:
            raise DateError(f"Enter the year in full, with 4 digits. {MONTH_HINT}")
    elif match := _MONTH_WORDS.fullmatch(value):
        word, year = match.groups()
        month = _month_name(word, MONTH_HINT)
        if len(year) != 4:
            raise DateError(f"Enter the year in full, with 4 digits. {MONTH_HINT}")
    else:
        raise DateError(f"Enter a month and year. {MONTH_HINT}")
    if not 1 <= int(month) <= 12:
        raise DateError(f"The month must be between 1 and 12. {MONTH_HINT}")
    if int(year) < 1:
        raise DateError(f"Enter a year from 2000 onwards. {MONTH_HINT}")
    return datetime.date(int(year), int(month), 1)
