"""Official administrative units, backed by the ``vietnamadminunits`` package.

Two layouts are known:

``"2025"``
    The layout in force since 2025-07-01 (34 provinces, 3,321 communes, no
    districts).
``"legacy"``
    The layout before the reform, as of 2025-03 (63 provinces, 10,040
    communes, with districts). Sơn La had 200 communes in 12 districts.

The registry in use wins where sources disagree on a code; slmap reports the
disagreement and never fixes it silently. The registry's own conversion from
the legacy communes to the 2025 ones is :mod:`slmap.admin.conversion_2025`.
"""

from __future__ import annotations

import functools

import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.names import closest, fold

__all__ = [
    "LAYOUTS",
    "commune",
    "commune_rows",
    "communes",
    "detect_layout",
    "districts",
    "parse_provinces",
    "province_codes",
    "province_label",
    "provinces",
    "units",
]

LAYOUTS = ("2025", "legacy")

_COLUMNS_2025 = {
    "wardCode": "commune_code",
    "ward": "commune_name",
    "wardShort": "commune_short",
    "wardType": "commune_type",
    "provinceCode": "province_code",
    "province": "province_name",
    "wardLon": "lon",
    "wardLat": "lat",
    "wardAreaKm2": "area_km2",
    "wardKey": "key",
    "provinceKey": "province_key",
}
_COLUMNS_LEGACY = {
    "wardCode": "commune_code",
    "ward": "commune_name",
    "wardShort": "commune_short",
    "wardType": "commune_type",
    "provinceCode": "province_code",
    "province": "province_name",
    "districtCode": "district_code",
    "district": "district_name",
    "wardLon": "lon",
    "wardLat": "lat",
    "wardBounds": "bounds",
    "wardKey": "key",
    "districtKey": "district_key",
    "provinceKey": "province_key",
}


def _query(sql: str) -> list[dict]:
    from vietnamadminunits.database import query

    return query(sql)


@functools.lru_cache(maxsize=2)
def units(layout: str = "2025") -> pd.DataFrame:
    """Return the registry's table of a layout as the package stores it.

    Every row, including units without a commune (island districts of the
    legacy layout), with the package's own column names (provinceCode,
    wardCode, wardLat, wardLon, wardAreaKm2, wardBounds...). Prefer
    :func:`communes`; this is for code that needs the raw fields.

    Examples
    --------
    >>> len(units("2025")), "wardAreaKm2" in units("2025")
    (3321, True)
    """
    _check_layout(layout)
    table = "admin_units" if layout == "2025" else "admin_units_legacy"
    order = "wardCode" if layout == "2025" else "provinceCode, districtCode, wardCode"
    return pd.DataFrame(_query(f"SELECT * FROM {table} ORDER BY {order}"))


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")


@functools.lru_cache(maxsize=2)
def commune_rows(layout: str) -> pd.DataFrame:
    """Every commune of a layout with the registry's keys and folded names (cached; do not edit).

    As :func:`communes` for the whole country, plus ``key``,
    ``province_key``, ``district_key`` (legacy), ``folded`` and ``layout``:
    what linking the registry's tables to each other needs.

    Examples
    --------
    >>> rows = commune_rows("2025")
    >>> len(rows), {"key", "province_key", "folded"} <= set(rows)
    (3321, True)
    """
    _check_layout(layout)
    table, cols = (
        ("admin_units", _COLUMNS_2025)
        if layout == "2025"
        else ("admin_units_legacy", _COLUMNS_LEGACY)
    )
    rows = _query(f"SELECT {', '.join(cols)} FROM {table} WHERE wardCode IS NOT NULL")
    df = pd.DataFrame(rows).rename(columns=cols)
    df = df.drop_duplicates("commune_code").sort_values("commune_code", kind="stable")
    df["folded"] = df["commune_name"].map(fold)
    df["layout"] = layout
    return df.reset_index(drop=True)


def communes(layout: str = "2025", province: str | list[str] | None = None) -> pd.DataFrame:
    """Return the official communes of a layout.

    Parameters
    ----------
    layout : {"2025", "legacy"}
        Administrative layout.
    province : str or list of str, optional
        GSO province code(s), e.g. ``"14"`` for Sơn La; ``None`` or ``"all"``
        for the whole country.

    Returns
    -------
    pandas.DataFrame
        One row per commune: commune_code, commune_name, commune_short,
        commune_type, province_code, province_name, lon, lat (official centre),
        area_km2 (2025) or district_code, district_name, bounds (legacy).

    Examples
    --------
    >>> len(communes("2025", "14")), len(communes("legacy", "14"))
    (75, 200)
    """
    df = commune_rows(layout)
    wanted = province_codes(province)
    if wanted is not None:
        df = df[df["province_code"].isin(wanted)]
    private = [c for c in ("key", "province_key", "district_key", "folded") if c in df.columns]
    return df.drop(columns=private).reset_index(drop=True)


def commune(code: str, layout: str = "2025") -> dict | None:
    """Return one commune by its 5-digit GSO code, or ``None``.

    Examples
    --------
    >>> commune("03664")["commune_name"]
    'Phường Chiềng An'
    >>> commune("03664", "legacy")["commune_name"]
    'Xã Chiềng Xôm'
    """
    df = commune_rows(layout)
    hit = df[df["commune_code"] == str(code).zfill(5)]
    return None if hit.empty else hit.iloc[0].to_dict()


def districts(province: str | list[str] | None = None) -> pd.DataFrame:
    """Return the former districts (legacy layout) with their codes and names.

    Examples
    --------
    >>> len(districts("14"))
    12
    """
    df = communes("legacy", province)
    return (
        df.groupby(["district_code", "district_name", "province_code"], as_index=False)
        .size()
        .rename(columns={"size": "communes"})
        .sort_values("district_code")
        .reset_index(drop=True)
    )


def provinces(layout: str = "2025") -> pd.DataFrame:
    """Return the provinces of a layout (province_code, province_name, communes).

    Examples
    --------
    >>> len(provinces("2025")), len(provinces("legacy"))
    (34, 63)
    """
    df = commune_rows(layout)
    return (
        df.groupby(["province_code", "province_name"], as_index=False)
        .size()
        .rename(columns={"size": "communes"})
        .sort_values("province_code")
        .reset_index(drop=True)
    )


def province_codes(province: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    """Province codes of a code, a comma-separated list or a list (None: all).

    Examples
    --------
    >>> province_codes("14,1"), province_codes(["11"]), province_codes("all")
    (['14', '01'], ['11'], None)
    """
    if province is None or province == "all":
        return None
    items = province.split(",") if isinstance(province, str) else list(province)
    codes = [str(p).strip().zfill(2) for p in items if str(p).strip()]
    return None if "all" in codes else codes


def parse_provinces(text: str | None) -> tuple[str, ...] | None:
    """Read a province selection: codes or names, one or a comma-separated list, or ``all``.

    Names are those of the 34 provinces of the 2025 layout, matched without
    accents, case or the "Tỉnh"/"Thành phố" prefix; codes are GSO codes of
    that layout (``14`` or ``"1"`` for ``01``).

    Parameters
    ----------
    text : str or None
        What the user wrote (``None`` or ``""``: Sơn La, ``14``).

    Returns
    -------
    tuple of str or None
        The two-digit codes in the order given, each once; ``None`` for the
        whole country.

    Raises
    ------
    InputError
        One problem per unknown item, listing the closest province names.

    Examples
    --------
    >>> parse_provinces("son la, Hà Nội")
    ('14', '01')
    >>> parse_provinces("14,11"), parse_provinces("all")
    (('14', '11'), None)
    """
    table = provinces("2025")
    names = dict(zip(table["province_code"], table["province_name"], strict=True))
    by_fold = {fold(name): code for code, name in names.items()}
    items = [p.strip() for p in str(text or "14").split(",") if p.strip()]
    codes: list[str] = []
    problems = []
    for item in items or ["14"]:
        if fold(item) in {"all", "vietnam"}:
            return None
        code = item.zfill(2) if item.isdigit() else by_fold.get(fold(item))
        if code in names:
            if code not in codes:
                codes.append(code)
            continue
        near = closest(item, names.values(), n=3) if not item.isdigit() else []
        hint = f"; closest: {', '.join(near)}" if near else ""
        problems.append(
            Problem(
                "--province",
                f"unknown province {item!r}: expected a code or name of the 34 provinces of "
                f"2025 (e.g. 14 or 'Sơn La'), a comma-separated list, or 'all'{hint}",
            )
        )
    if problems:
        raise InputError(f"--province {text!r}: {len(problems)} unknown province(s)", problems)
    return tuple(codes)


def province_label(codes: tuple[str, ...] | list[str] | None, lang: str = "vi") -> str:
    """Name a province selection: ``Việt Nam`` for all, else the names joined.

    Examples
    --------
    >>> province_label(None), province_label(("14", "11"))
    ('Việt Nam', 'Tỉnh Sơn La, Tỉnh Điện Biên')
    """
    if codes is None:
        return "Việt Nam" if lang == "vi" else "Vietnam"
    table = provinces("2025")
    names = dict(zip(table["province_code"], table["province_name"], strict=True))
    return ", ".join(names.get(c, c) for c in codes)


def detect_layout(codes: list[str] | pd.Series, province: str | None = None) -> str | None:
    """Return the layout most of ``codes`` belong to (``None`` if neither).

    Examples
    --------
    >>> detect_layout(["03646", "03670"]), detect_layout(["03649", "03652"])
    ('2025', 'legacy')
    """
    codes = {str(c).zfill(5) for c in codes if c is not None and str(c).strip()}
    if not codes:
        return None
    counts = {
        layout: len(codes & set(communes(layout, province)["commune_code"])) for layout in LAYOUTS
    }
    best = max(counts, key=lambda k: (counts[k], k == "2025"))
    return best if counts[best] else None
