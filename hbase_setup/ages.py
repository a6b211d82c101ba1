"""Ages as the threshold rules match them: completed months, so bands below 2 years can be months. Pure, no I/O.

Children's normal ranges change within the first year (NICE NG143 calls a fever high risk under 3 months, not at 3
to 6), so a whole-year age cannot choose their band. A patient's age is therefore matched in completed months: from
the date of birth at the reading's time when one is recorded, else from the age in whole years (its first month, so
an infant recorded only as "age 0" is matched as a newborn: record a date of birth).

A threshold table writes an age limit in whole years (``40``) or whole months (``6m``). A high limit is inclusive
of its whole unit: ``40`` is every month up to the 41st birthday, ``5m`` every day up to 6 months. In completed
months, two bands that meet (``0``-``40`` and ``41``-``100``; ``0m``-``2m`` and ``3m``-``11m``) leave no age between
them, the half-open reading of the bands the issue asks for.
"""

from __future__ import annotations

import datetime as dt

MONTHS_PER_YEAR = 12
MONTHS_SUFFIX = "m"
MONTHS_SHOWN_BELOW = 24  # ages under 2 years are said in months (a doctor's "7 months", not "age 0")


class InvalidAge(ValueError):
    """An age limit that is neither whole years nor whole months."""


def months_of_limit(text: str, upper: bool) -> int:
    """The completed months an age limit written as ``text`` starts at (``upper`` false) or ends at, inclusive
    (``upper`` true): ``40`` -> 480 or 491, ``6m`` -> 6."""
    written = text.strip().lower()
    in_months = written.endswith(MONTHS_SUFFIX)
    number = written[: -len(MONTHS_SUFFIX)] if in_months else written
    try:
        value = float(number)
    except ValueError:
        raise InvalidAge(f"'{text}' is not an age (whole years like 40, or whole months like 6m)") from None
    if not value.is_integer() or value < 0:
        raise InvalidAge(f"'{text}' is not a whole, non-negative number of years or months (write 6 months as 6m)")
    if in_months:
        return int(value)
    return int(value) * MONTHS_PER_YEAR + (MONTHS_PER_YEAR - 1 if upper else 0)


def written_limit(months: int, upper: bool) -> str:
    """An age limit as a table writes it: whole years where the months are whole years, else ``<n>m`` (a high limit
    in the first year too: ``0-11m`` says what ``0-0`` means)."""
    whole_years = (
        months >= MONTHS_PER_YEAR and (months + 1) % MONTHS_PER_YEAR == 0 if upper else months % MONTHS_PER_YEAR == 0
    )
    if whole_years:
        return str(months // MONTHS_PER_YEAR)
    return f"{months}{MONTHS_SUFFIX}"


def months_of_years(age: int | float | None) -> int | None:
    """The completed months matched for an age given in whole years only (its first month); None stays None."""
    return None if age is None else int(age) * MONTHS_PER_YEAR


def completed_months(born: dt.date, at: dt.datetime) -> int | None:
    """Completed months from ``born`` to ``at`` as the stream counts them (Spark's ``months_between``, floored: whole
    months when the days of the month are equal or both the last of their month); None when ``at`` is before
    ``born``. For the tests' reference, and anyone checking an alert's age by hand."""
    months = (at.year - born.year) * MONTHS_PER_YEAR + at.month - born.month
    both_last = _last_day(born) and _last_day(at.date())
    if at.day < born.day and not both_last:
        months -= 1
    return months if months >= 0 else None


def _last_day(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def describe(months: int) -> str:
    """An age as a doctor says it: months below 2 years, whole years from then on."""
    if months < MONTHS_SHOWN_BELOW:
        return f"{months} month" + ("" if months == 1 else "s")
    return f"{months // MONTHS_PER_YEAR} years"


def describe_span(low_months: int, high_months: int) -> str:
    """A band's ages (inclusive completed months) as a table writes them: ``0-40``, ``0-2m``, ``5``."""
    low, high = written_limit(low_months, False), written_limit(high_months, True)
    return low if low == high else f"{low}-{high}"


def describe_ages(low_months: int, high_months: int) -> str:
    """``age 5`` or ``ages 0-40``: a band's ages in a sentence."""
    span = describe_span(low_months, high_months)
    return f"ages {span}" if "-" in span else f"age {span}"
