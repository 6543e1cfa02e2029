"""Administrative layouts as data: the units in force on a date, and what links them.

A *layout* is the set of commune-level units in force on a date, with codes,
names, unit types and parent districts (DESIGN §3.6). slmap knows three:

``"2023"``
    To 2024-12-31: Sơn La's 204 communes in 12 districts (the layout of the
    published 2023 figures). Built from the 2025-03 list and the changes of
    Resolution 1280/NQ-UBTVQH15 (14 November 2024), shipped as a small table
    of official facts (``data/son_la_1280_2024.csv``). Known for Sơn La only.
``"2025-03"``
    2025-03-01 to 2025-06-30: 200 communes in 12 districts (the registry's
    "legacy" list, 10,040 communes nationally).
``"2025"``
    From 2025-07-01: 75 communes, no districts (3,321 nationally). Each
    commune keeps the former district most of its former communes were in.

A *crosswalk* links each unit of an older layout to the units of a newer one
that took its territory: ``link`` is ``"whole"`` (the whole unit went there:
a rename, a retype, a whole merge), ``"partial"`` (a part of it did) or
``"unknown"`` (the link could not be established from the act; never
guessed), and ``default`` marks the one destination used when nothing else
(coordinates) decides. Conversion only runs forward in time. The crosswalks
are built in :mod:`slmap.admin.crosswalks`.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

import pandas as pd

from slmap.admin import conversion_2025, registry
from slmap.base.errors import InputError
from slmap.base.names import fold

__all__ = [
    "LAYOUTS",
    "UNIT_ATTRIBUTES",
    "Layout",
    "act_table",
    "check_province",
    "districts",
    "is_older",
    "layout",
    "layout_id",
    "units",
]


@dataclass(frozen=True)
class Layout:
    """One administrative layout: its id, dates and description."""

    id: str
    valid_from: str | None
    valid_to: str | None
    description: str

    def label(self, province: str = "14") -> str:
        """Short label with the number of units, e.g. ``"2023 (204)"``.

        Examples
        --------
        >>> layout("2023").label()
        '2023 (204)'
        """
        try:
            n = len(units(self.id, province))
        except InputError:
            return self.id
        return f"{self.id} ({n})"


#: Known layouts, oldest first.
LAYOUTS: tuple[Layout, ...] = (
    Layout("2023", None, "2024-12-31", "communes and districts before Resolution 1280 (2024)"),
    Layout("2025-03", "2025-03-01", "2025-06-30", "communes and districts before the 2025 reform"),
    Layout("2025", "2025-07-01", None, "communes of the 2025 reform, no districts"),
)
_ORDER = {lay.id: i for i, lay in enumerate(LAYOUTS)}
_ALIASES = {
    "2023": "2023",
    "2024": "2023",
    "204": "2023",
    "2025-03": "2025-03",
    "2025-01": "2025-03",
    "200": "2025-03",
    "legacy": "2025-03",
    "2025": "2025",
    "2025-07": "2025",
    "75": "2025",
    "current": "2025",
}
#: The attributes a layout gives every commune besides its code.
UNIT_ATTRIBUTES = (
    "commune_name",
    "commune_type",
    "province_code",
    "province_name",
    "district_code",
    "district_name",
)
#: The provinces whose 2023 layout slmap knows (the act's table).
PROVINCES_2023 = ("14",)
_ACT_FILE = "son_la_1280_2024.csv"


def layout_id(text: str) -> str:
    """Normalise a layout name ("2023", "204", "2025-03", "legacy", "2025", "75").

    Examples
    --------
    >>> layout_id("204"), layout_id("legacy"), layout_id("2025")
    ('2023', '2025-03', '2025')
    """
    key = str(text).strip().lower()
    if key not in _ALIASES:
        raise InputError(
            f"unknown layout {text!r}; expected one of 2023 (204 communes, to 2024-12-31), "
            "2025-03 (200, 2025-03-01 to 06-30) or 2025 (75, from 2025-07-01)"
        )
    return _ALIASES[key]


def layout(text: str) -> Layout:
    """Return the :class:`Layout` of a layout name.

    Examples
    --------
    >>> layout("75").valid_from
    '2025-07-01'
    """
    return LAYOUTS[_ORDER[layout_id(text)]]


def is_older(a: str, b: str) -> bool:
    """True when layout ``a`` is older than layout ``b``.

    Examples
    --------
    >>> is_older("2023", "2025"), is_older("2025", "2025-03")
    (True, False)
    """
    return _ORDER[layout_id(a)] < _ORDER[layout_id(b)]


@functools.lru_cache(maxsize=1)
def act_table() -> pd.DataFrame:
    """The changes of Resolution 1280/NQ-UBTVQH15 in Sơn La, one row per link.

    Columns: old_code, old_name, old_type, old_district_code,
    old_district_name (2023 layout), new_code, new_name, new_type,
    new_district_code, new_district_name (2025-03 layout), link
    (whole/partial/unknown), note. Units the act did not change are not
    listed: they are the same in both layouts.

    Examples
    --------
    >>> t = act_table()
    >>> sorted(set(t["link"]) - {"whole", "partial", "unknown"})
    []
    """
    text = resources.files("slmap.admin").joinpath("data", _ACT_FILE).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return pd.DataFrame(rows, dtype="object")


def check_province(layout_name: str, province: str | list[str] | None) -> list[str] | None:
    """The province codes asked for (``None``: all), refused when the layout does not know them.

    Raises
    ------
    InputError
        The 2023 layout is asked for outside Sơn La (province 14).

    Examples
    --------
    >>> check_province("2023", "14"), check_province("2025", ["1", "14"])
    (['14'], ['01', '14'])
    """
    if province is None or province == "all":
        wanted = None
    else:
        wanted = province.split(",") if isinstance(province, str) else list(province)
        wanted = [str(p).strip().zfill(2) for p in wanted]
    if layout_name == "2023" and (wanted is None or set(wanted) - set(PROVINCES_2023)):
        raise InputError(
            "the 2023 layout is known for Sơn La (province 14) only; for other provinces "
            "use the 2025-03 or 2025 layout"
        )
    return wanted


@functools.lru_cache(maxsize=8)
def _units(layout_name: str, province: tuple[str, ...] | None) -> pd.DataFrame:
    cols = [
        "commune_code",
        "commune_name",
        "commune_type",
        "district_code",
        "district_name",
        "province_code",
        "province_name",
        "lon",
        "lat",
    ]
    wanted = list(province) if province else None
    if layout_name == "2025-03":
        return registry.communes("legacy", wanted)[cols].copy()
    if layout_name == "2025":
        new = registry.communes("2025", wanted)
        former = _former_districts(wanted)
        new = new.join(former, on="commune_code")
        return new[cols].copy()
    base = registry.communes("legacy", wanted)[cols].copy()
    act = act_table()
    created = set(act["new_code"]) - set(act["old_code"]) - {""}
    base = base[~base["commune_code"].isin(created)].set_index("commune_code", drop=False)
    olds = act.drop_duplicates("old_code")
    province_name = base["province_name"].iloc[0] if len(base) else "Tỉnh Sơn La"
    district_names = dict(zip(act["old_district_code"], act["old_district_name"], strict=True))
    rows = []
    for r in olds.itertuples(index=False):
        keep = base.loc[r.old_code] if r.old_code in base.index else None
        rows.append(
            {
                "commune_code": r.old_code,
                "commune_name": r.old_name,
                "commune_type": r.old_type,
                "district_code": r.old_district_code,
                "district_name": r.old_district_name,
                "province_code": "14",
                "province_name": province_name,
                "lon": keep["lon"] if keep is not None else float("nan"),
                "lat": keep["lat"] if keep is not None else float("nan"),
            }
        )
    base = base[~base["commune_code"].isin(olds["old_code"])]
    base["district_name"] = base["district_code"].map(district_names).fillna(base["district_name"])
    out = pd.concat([base.reset_index(drop=True), pd.DataFrame(rows)], ignore_index=True)
    return out.sort_values("commune_code", kind="stable").reset_index(drop=True)[cols]


def units(layout_name: str, province: str | list[str] | None = "14") -> pd.DataFrame:
    """The communes of a layout with their parent districts.

    Parameters
    ----------
    layout_name : str
        "2023", "2025-03" or "2025" (or an alias, see :func:`layout_id`).
    province : str or list of str, optional
        GSO province code(s); ``None`` or ``"all"`` for the whole country
        (not for 2023, known for Sơn La only).

    Returns
    -------
    DataFrame
        commune_code, commune_name, commune_type, district_code,
        district_name (the former district in the 2025 layout),
        province_code, province_name, lon, lat (official centre; NaN for
        units that no longer exist).

    Examples
    --------
    >>> [len(units(x)) for x in ("2023", "2025-03", "2025")]
    [204, 200, 75]
    >>> units("2023").set_index("commune_code").at["03751", "commune_name"]
    'Xã Chiềng Ly'
    """
    lid = layout_id(layout_name)
    wanted = check_province(lid, province)
    return _units(lid, tuple(wanted) if wanted else None).copy()


def districts(layout_name: str, province: str | list[str] | None = "14") -> pd.DataFrame:
    """The districts of a layout (district_code, district_name, communes).

    In the 2025 layout (no districts) these are the former districts.

    Examples
    --------
    >>> d = districts("2023").set_index("district_code")
    >>> len(d), d.at["123", "district_name"]
    (12, 'Huyện Mộc Châu')
    """
    df = units(layout_name, province)
    return (
        df.groupby(["district_code", "district_name"], as_index=False)
        .size()
        .rename(columns={"size": "communes"})
        .sort_values("district_code")
        .reset_index(drop=True)
    )


def _former_districts(province: list[str] | None) -> pd.DataFrame:
    """Former district of each 2025 commune: where most of its old communes were."""
    table = conversion_2025.conversion_table(province)
    counts = (
        table.groupby(["new_code", "district_code", "district_name"]).size().reset_index(name="n")
    )
    counts = counts.sort_values(["new_code", "n", "district_code"], ascending=[True, False, True])
    return counts.drop_duplicates("new_code").set_index("new_code")[
        ["district_code", "district_name"]
    ]


def district_folds(layout_name: str, province: str | list[str] | None = "14") -> set[str]:
    """Folded district names of a layout, to tell a district name from a commune's.

    Examples
    --------
    >>> "vanho" in district_folds("2023")
    True
    """
    return {fold(n) for n in districts(layout_name, province)["district_name"]}
