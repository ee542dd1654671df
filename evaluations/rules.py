"""Pure programme rules (placeholder until the score-sheet work lands)."""

import calendar
import datetime

CERTIFICATE_VALIDITY_MONTHS = 36


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expiry(issued_on: datetime.date) -> datetime.date:
    return add_months(issued_on, CERTIFICATE_VALIDITY_MONTHS)
