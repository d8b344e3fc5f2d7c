"""Cells as written: empty cells, cell text, decimal and whole numbers, stored numbers."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

SIGNIFICANT_DIGITS = 15  # what a spreadsheet's binary number holds exactly
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?")


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as text: numbers as a spreadsheet shows them, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return f"{value:.{SIGNIFICANT_DIGITS}g}"
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).strip()


def parse_decimal(value: object) -> Decimal | None:
    """A number as written in a cell: "6,4", "6.4", "3 920", "1 850,5", "−5", "7,8 %", 6.4.

    Empty is None. Raises ValueError for text that is not a number.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_number_message(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _finite(Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}"), value)
    if isinstance(value, Decimal):
        return _finite(value, value)
    text = str(value).strip().removesuffix("%").strip()
    text = text.translate(str.maketrans("−–\u00a0\u202f\u2009", "--   "))
    if " " in text:
        if not THOUSANDS.fullmatch(text):
            raise ValueError(_number_message(value))
        text = text.replace(" ", "")
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    if text.count(",") > 1:
        raise ValueError(_number_message(value))
    try:
        return _finite(Decimal(text.replace(",", ".")), value)
    except InvalidOperation:
        raise ValueError(_number_message(value)) from None


def _finite(number: Decimal, written: object) -> Decimal:
    if not number.is_finite():
        raise ValueError(_number_message(written))
    return number


def _number_message(value: object) -> str:
    return _(
        "“%(value)s” is not a number. Write a number such as 6,4 (with a decimal comma or "
        "point), or leave the cell empty."
    ) % {"value": cell_text(value)}


def parse_integer(value: object) -> int | None:
    """A whole number: 3, "3", "3,0". Empty is None. Raises ValueError otherwise."""
    if is_empty(value):
        return None
    try:
        number = parse_decimal(value)
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value():
        raise ValueError(
            _("“%(value)s” is not a whole number. Write a whole number such as 3.")
            % {"value": cell_text(value)}
        )
    return int(number)


def plain_number(value: Decimal | int | None) -> Decimal | int | None:
    """A stored number as written in a file: 100 for 100.0000, 6.4 for 6.4000."""
    if value is None or isinstance(value, int):
        return value
    number = value.normalize()
    if number == number.to_integral_value():
        return int(number)
    return number
