"""Dates known only to the year or month, as sources often give them.

A partial date is stored as a ``DateField`` holding the first day of the
period it names, beside a precision; sorting and year filters then work on the
date column alone, and display honours the precision ("2015", "December 2015").
"""

import datetime

from django.db import models


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year only"
    MONTH = "month", "Month and year"
    DAY = "day", "Full date"


def truncate_to_precision(day: datetime.date, precision: str) -> datetime.date:
    """The first day of the period a partial date names."""
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    return day


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
