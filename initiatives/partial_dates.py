"""Dates known only to the year or month, as sources often give them.

A partial date is stored as a ``DateField`` holding the first day of the
period it names, beside a precision; sorting and year filters then work on the
date column alone, and display honours the precision ("2015", "December 2015").
"""

import datetime
import re

from django.db import models


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year only"
    MONTH = "month", "Month and year"
    DAY = "day", "Full date"


def format_partial_date(day: datetime.date | None, precision: str) -> str:
    """'2015', 'December 2015' or '17 December 2015'; '' when unknown."""
    if day is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.MONTH:
        return f"{day:%B} {day.year}"
    return f"{day.day} {day:%B} {day.year}"


def partial_date_iso(day: datetime.date | None, precision: str) -> str | None:
    """ISO 8601 at the date's own precision: '2015', '2015-12' or '2015-12-17'."""
    if day is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def parse_partial_date(value) -> tuple[datetime.date | None, str]:
    """A partial date as people write it, and its precision.

    Takes '2015', '2015-06' or '2015-06-17', a year as a number (a
    spreadsheet cell, a YAML value written without quotes) or a date. Empty
    means unknown: (None, year). Anything else is a ValueError with a message
    for the person who wrote it. Shared by the spreadsheet import and the
    content files.
    """
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if value is None:
        text = ""
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # spreadsheets turn 2015 into 2015.0
    else:
        text = str(value).strip()
    if not text:
        return None, DatePrecision.YEAR
    try:
        if re.fullmatch(r"\d{4}", text):
            return datetime.date(int(text), 1, 1), DatePrecision.YEAR
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = map(int, match.groups())
            return datetime.date(year, month, 1), DatePrecision.MONTH
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return datetime.date.fromisoformat(text), DatePrecision.DAY
    except ValueError:
        pass
    raise ValueError(
        f"“{text}” is not a date: write a year (2015), a month (2015-06) "
        "or a day (2015-06-17)."
    )
