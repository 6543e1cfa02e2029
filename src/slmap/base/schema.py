"""The village register schema: canonical columns, header aliases, the signals that count.

This module is the one alias table of slmap (DESIGN §3.3). Headers are
compared after :func:`slmap.base.names.fold` with prefixes kept, so "Tên bản",
"TEN BAN" and "ten_ban" are the same header. Reading the value of a cell is
:mod:`slmap.base.values`'s job.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd

from slmap.base.names import fold

__all__ = [
    "BROADBAND_SIGNALS",
    "COLUMNS",
    "FOUR_G_SIGNALS",
    "SIGNALS",
    "STATISTICS_COLUMNS",
    "Column",
    "canonical_header",
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
