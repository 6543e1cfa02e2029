"""Reading the value of one register cell: yes/no, numbers, mobile signals, missing cells.

The parsers of the register's vocabularies (DESIGN §3.3): có/không, x/blank
and their kin for yes/no, numbers written the Vietnamese or the English way,
and the many ways a register names a mobile signal. Each returns ``None`` for
a blank cell and raises a ValueError saying what it found and what it
expected; which column holds which kind is :mod:`slmap.base.schema`'s job.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from slmap.base.names import fold, nfc
from slmap.base.schema import SIGNALS

__all__ = [
    "BOOL_FALSE",
    "BOOL_TRUE",
    "MAX_COUNT",
    "is_missing",
    "parse_bool",
    "parse_float",
    "parse_int",
    "parse_signal",
]

_SIGNAL_ALIASES = {
    "none": "none",
    "no": "none",
    "khong": "none",
    "khongco": "none",
    "khongsong": "none",
    "khongcosong": "none",
    "trangsong": "none",
    "0": "none",
    "0g": "none",
    "nosignal": "none",
    "": None,
    "2g": "2g",
    "gsm": "2g",
    "3g": "3g",
    "umts": "3g",
    "4g": "4g",
    "lte": "4g",
    "5g": "5g",
    "4glte": "4g",
    "lte4g": "4g",
    "3g4g": "4g",
    "2g3g": "3g",
    "4g5g": "5g",
    "2g3g4g": "4g",
}
BOOL_TRUE = ("co", "x", "yes", "y", "true", "1", "dung", "c", "v", "t")
BOOL_FALSE = ("khong", "no", "n", "false", "0", "k", "sai", "f")


def is_missing(value: object) -> bool:
    """True for a missing cell: ``None``, NaN, ``pd.NA`` or ``NaT`` (text never is).

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(pd.NA), is_missing(""), is_missing(0)
    (True, True, True, False, False)
    """
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def parse_bool(value: object) -> bool | None:
    """Parse có/không, x/blank, yes/no, 1/0, true/false; blank → ``None``.

    Raises
    ------
    ValueError
        When the text is not a known yes/no word.

    Examples
    --------
    >>> parse_bool("Có"), parse_bool("không"), parse_bool("x"), parse_bool(""), parse_bool(1)
    (True, False, True, None, True)
    """
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return value
    text = nfc(str(value))
    if text in _TICKS:
        return _TICKS[text]
    if re.fullmatch(r"[01]\.0+", text):
        return text.startswith("1")
    key = fold(text, keep_prefix=True)
    if key == "":
        return None
    if key in BOOL_TRUE:
        return True
    if key in BOOL_FALSE:
        return False
    raise ValueError(f"expected yes/no (có/không, x/blank, 1/0), found {nfc(str(value))!r}")


#: Largest whole number a count may hold: beyond it a float no longer counts by ones.
MAX_COUNT = 2**53

_TICKS = {"✓": True, "✔": True, "☑": True, "✗": False, "✘": False, "-": None, "–": None}
_NUM_CLEAN = re.compile(r"[\s\u00a0]")


def parse_float(value: object, *, thousands_dot: bool = False) -> float | None:
    """Parse a number written the Vietnamese or the English way; blank → ``None``.

    A comma alone is a decimal comma ("93,26"); several dots are thousands
    separators ("1.234.567"), and so is a single dot before three digits when
    ``thousands_dot`` is set (counts such as "1.234" households; never for
    coordinates); a trailing percent sign is dropped.

    Examples
    --------
    >>> parse_float("93,26"), parse_float("21.653"), parse_float("1,234.5"), parse_float(" 12% ")
    (93.26, 21.653, 1234.5, 12.0)
    >>> parse_float("1.234", thousands_dot=True), parse_float("1.234.567")
    (1234.0, 1234567.0)
    >>> parse_float("1e400")
    Traceback (most recent call last):
    ...
    ValueError: expected a finite number, found '1e400'
    """
    if is_missing(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _finite(value, value)
    s = _NUM_CLEAN.sub("", nfc(str(value))).rstrip("%")
    if s == "":
        return None
    if "," in s and "." in s:
        s = (
            s.replace(",", "")
            if s.rfind(".") > s.rfind(",")
            else s.replace(".", "").replace(",", ".")
        )
    elif "," in s:
        s = s.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3}){2,}", s) else s.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", s) or (
        thousands_dot and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", s)
    ):
        s = s.replace(".", "")
    try:
        number = float(s)
    except (ValueError, OverflowError):
        raise ValueError(f"expected a number, found {nfc(str(value))!r}") from None
    return _finite(number, value)


def _finite(number: float | int, value: object) -> float:
    """``number`` as a float, or a ValueError naming ``value`` when it is not finite."""
    try:
        out = float(number)
    except OverflowError:
        out = math.inf
    if not math.isfinite(out):
        raise ValueError(f"expected a finite number, found {nfc(str(value))!r}")
    return out


def parse_int(value: object) -> int | None:
    """Parse a whole number (thousands separators allowed); blank → ``None``.

    Examples
    --------
    >>> parse_int("1.234"), parse_int("1,234"), parse_int("56"), parse_int(""), parse_int(7.0)
    (1234, 1234, 56, None, 7)
    >>> parse_int("99999999999999999999")
    Traceback (most recent call last):
    ...
    ValueError: expected a whole number up to 9,007,199,254,740,992, found '99999999999999999999'
    """
    if isinstance(value, str):
        text = _NUM_CLEAN.sub("", nfc(value))
        if text.endswith("%"):
            raise ValueError(f"expected a whole number, found a percentage {nfc(value)!r}")
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            value = text.replace(",", "")
    number = parse_float(value, thousands_dot=True)
    if number is None:
        return None
    if abs(number) > MAX_COUNT:
        raise ValueError(f"expected a whole number up to {MAX_COUNT:,}, found {nfc(str(value))!r}")
    if number != int(number):
        raise ValueError(f"expected a whole number, found {nfc(str(value))!r}")
    return int(number)


def parse_signal(value: object) -> str | None:
    """Parse a mobile signal value into none/2g/3g/4g/5g; blank → ``None``.

    Examples
    --------
    >>> parse_signal("4G"), parse_signal("Không có sóng"), parse_signal("LTE")
    ('4g', 'none', '4g')
    """
    if is_missing(value):
        return None
    key = fold(value, keep_prefix=True)
    if key in _SIGNAL_ALIASES:
        return _SIGNAL_ALIASES[key]
    expected = ", ".join(SIGNALS)
    raise ValueError(f"expected one of {expected}, found {nfc(str(value))!r}")
