"""The village register schema: canonical columns, header aliases, value vocabularies.

This module is the one alias table of slmap (DESIGN §3.3). Headers are
compared after :func:`slmap.base.names.fold` with prefixes kept, so "Tên bản",
"TEN BAN" and "ten_ban" are the same header.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import pandas as pd

from slmap.base.names import fold, nfc

__all__ = [
    "BOOL_FALSE",
    "BOOL_TRUE",
    "BROADBAND_SIGNALS",
    "COLUMNS",
    "FOUR_G_SIGNALS",
    "MAX_COUNT",
    "SIGNALS",
    "STATISTICS_COLUMNS",
    "Column",
    "canonical_header",
    "is_missing",
    "parse_bool",
    "parse_float",
    "parse_int",
    "parse_signal",
    "signal_flags",
]


@dataclass(frozen=True)
class Column:
    """One canonical register column."""

    name: str
    kind: str  # "str", "code", "int", "float", "bool", "signal"
    required: bool
    meaning: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "village_id",
        "str",
        True,
        "stable village identifier, unique",
        ("id", "ma_ban", "mã bản", "ma thon", "village id", "id bản"),
    ),
    Column(
        "village_name",
        "str",
        True,
        "village name, e.g. Bản Nà Tấu",
        (
            "tên bản",
            "ten ban",
            "bản",
            "thôn bản",
            "tên thôn",
            "tên thôn bản",
            "village",
            "name",
            "ten",
        ),
    ),
    Column(
        "commune_code",
        "code",
        False,
        "5-digit GSO commune code",
        (
            "mã xã",
            "ma xa",
            "ma_xa",
            "mã đơn vị hành chính xã",
            "commune code",
            "wardcode",
            "ward_code",
        ),
    ),
    Column(
        "commune_name",
        "str",
        False,
        "commune name (used when codes are missing)",
        ("tên xã", "ten xa", "ten_xa", "xã", "xã/phường", "xa phuong", "commune", "ward"),
    ),
    Column(
        "district_name",
        "str",
        False,
        "former district name (optional)",
        ("tên huyện", "ten huyen", "huyện", "huyen", "district"),
    ),
    Column(
        "commune_code_old",
        "code",
        False,
        "commune code in the pre-2025 layout",
        ("mã xã cũ", "ma xa cu", "old commune code", "commune_code_2024"),
    ),
    Column(
        "lon",
        "float",
        False,
        "longitude, WGS84",
        ("kinh độ", "kinh do", "longitude", "long", "lng", "x"),
    ),
    Column("lat", "float", False, "latitude, WGS84", ("vĩ độ", "vi do", "latitude", "y")),
    Column(
        "households",
        "int",
        True,
        "number of households",
        ("số hộ", "so ho", "hộ", "số hộ gia đình", "households", "hh"),
    ),
    Column(
        "population",
        "int",
        True,
        "number of inhabitants",
        ("số dân", "so dan", "dân số", "dan so", "số khẩu", "nhân khẩu", "population", "pop"),
    ),
    Column(
        "mobile_signal",
        "signal",
        True,
        "best signal at the village centre",
        (
            "sóng",
            "song",
            "sóng di động",
            "song di dong",
            "loại sóng",
            "tín hiệu",
            "signal",
            "mobile signal",
        ),
    ),
    Column(
        "fibre",
        "bool",
        True,
        "fibre reaches the village",
        ("cáp quang", "cap quang", "có cáp quang", "fiber", "fibre reaches"),
    ),
    Column(
        "fibre_households",
        "int",
        False,
        "households with a fibre subscription",
        (
            "số hộ cáp quang",
            "hộ có cáp quang",
            "hộ dùng cáp quang",
            "fiber households",
            "fiber_households",
        ),
    ),
    Column(
        "grid_power",
        "bool",
        False,
        "village connected to the power grid",
        ("điện lưới", "dien luoi", "có điện", "co dien", "điện", "power", "grid"),
    ),
)

#: Optional commune statistics (keyed by commune_code).
STATISTICS_COLUMNS: tuple[Column, ...] = (
    Column("commune_code", "code", True, "5-digit GSO commune code", COLUMNS[2].aliases),
    Column("households", "int", False, "households in the commune", COLUMNS[8].aliases),
    Column("population", "int", False, "inhabitants of the commune", COLUMNS[9].aliases),
    Column("fibre_households", "int", False, "households with fibre", COLUMNS[12].aliases),
    Column(
        "fibre_backbone",
        "bool",
        False,
        "fibre backbone reaches the commune",
        ("trục cáp quang", "cáp quang đến xã", "backbone"),
    ),
)

SIGNALS = ("none", "2g", "3g", "4g", "5g")
#: Signals that count as mobile broadband (DESIGN §3.3), and those that count as 4G.
BROADBAND_SIGNALS = ("3g", "4g", "5g")
FOUR_G_SIGNALS = ("4g", "5g")
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


def _header_key(text: object) -> str:
    return fold(text, keep_prefix=True)


def canonical_header(header: object, columns: tuple[Column, ...] = COLUMNS) -> str | None:
    """Return the canonical column name of a header, or ``None``.

    Examples
    --------
    >>> canonical_header(" Tên bản "), canonical_header("SỐ HỘ"), canonical_header("Sóng")
    ('village_name', 'households', 'mobile_signal')
    >>> canonical_header("ghi chú") is None
    True
    """
    key = _header_key(header)
    if not key:
        return None
    return _header_keys(columns).get(key)


@functools.lru_cache(maxsize=16)
def _header_keys(columns: tuple[Column, ...]) -> dict[str, str]:
    """Folded name and aliases -> canonical name; the first column listed wins."""
    keys: dict[str, str] = {}
    for col in columns:
        for text in (col.name, *col.aliases):
            keys.setdefault(_header_key(text), col.name)
    return keys


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


def signal_flags(signal: pd.Series) -> pd.DataFrame:
    """The product's rule: ``mobile_broadband`` (3G, 4G, 5G) and ``has_4g`` (4G, 5G).

    A missing signal is neither.

    Examples
    --------
    >>> signal_flags(pd.Series(["none", "2g", "3g", "4g", "5g", None])).to_numpy().tolist()
    [[False, False], [False, False], [True, False], [True, True], [True, True], [False, False]]
    """
    return pd.DataFrame(
        {
            "mobile_broadband": signal.isin(BROADBAND_SIGNALS).astype(bool),
            "has_4g": signal.isin(FOUR_G_SIGNALS).astype(bool),
        },
        index=signal.index,
    )
