"""Official administrative units, backed by the ``vietnamadminunits`` package.

Two layouts are known:

``"2025"``
    The layout in force since 2025-07-01 (34 provinces, 3,321 communes, no
    districts).
``"legacy"``
    The layout before the reform, as of 2025-03 (63 provinces, 10,040
    communes, with districts). Sơn La had 200 communes in 12 districts.

The registry in use wins where sources disagree on a code; slmap reports the
disagreement and never fixes it silently.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.names import closest, fold

__all__ = [
    "LAYOUTS",
    "commune",
    "communes",
    "conversion_table",
    "convert_codes",
    "detect_layout",
    "districts",
    "parse_provinces",
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
def _all_communes(layout: str) -> pd.DataFrame:
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
    df = _all_communes(layout)
    wanted = _wanted(province)
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
    df = _all_communes(layout)
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
    df = _all_communes(layout)
    return (
        df.groupby(["province_code", "province_name"], as_index=False)
        .size()
        .rename(columns={"size": "communes"})
        .sort_values("province_code")
        .reset_index(drop=True)
    )


def _wanted(province: str | list[str] | tuple[str, ...] | None) -> list[str] | None:
    """Province codes of a code, a comma-separated list or a list (None: all)."""
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


@functools.lru_cache(maxsize=1)
def _converter() -> dict:
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=1)
def _conversion() -> pd.DataFrame:
    conv = _converter()
    old = _all_communes("legacy")
    new = _all_communes("2025")
    old_by_key = {
        f"{r.province_key}_{r.district_key}_{r.key}": r for r in old.itertuples(index=False)
    }
    new_by_key = {(r.province_key, r.key): r for r in new.itertuples(index=False)}
    rows = []
    for new_prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_key, old_keys in wards.items():
            n = new_by_key.get((new_prov, new_key))
            for old_key in old_keys:
                o = old_by_key.get(old_key)
                if n is not None and o is not None:
                    rows.append((o, n, False))
    for new_prov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            o = old_by_key.get(old_key)
            for t in targets:
                n = new_by_key.get((new_prov, t["newWardKey"]))
                if o is not None and n is not None:
                    rows.append((o, n, True, bool(t["isDefaultNewWard"])))
    records = []
    for row in rows:
        o, n, split = row[0], row[1], row[2]
        default = row[3] if split else True
        records.append(
            {
                "old_code": o.commune_code,
                "old_name": o.commune_name,
                "district_code": o.district_code,
                "district_name": o.district_name,
                "new_code": n.commune_code,
                "new_name": n.commune_name,
                "split": split,
                "default": default,
            }
        )
    return (
        pd.DataFrame.from_records(records)
        .sort_values(["old_code", "new_code"])
        .reset_index(drop=True)
    )


def conversion_table(province: str | list[str] | None = None) -> pd.DataFrame:
    """Return the official old → new (2025) commune conversion.

    One row per (old commune, new commune) link: old_code, old_name,
    district_code, district_name (the former district of the old commune),
    new_code, new_name, split (the old commune was divided between several
    new ones) and default (the new commune the registry assigns when nothing
    else is known).

    Examples
    --------
    >>> t = conversion_table("14")
    >>> len(t), t["old_code"].nunique(), t["new_code"].nunique()
    (200, 200, 75)
    """
    df = _conversion()
    wanted = _wanted(province)
    if wanted is not None:
        codes = set(communes("legacy", wanted)["commune_code"])
        df = df[df["old_code"].isin(codes)]
    return df.reset_index(drop=True)


def convert_codes(old_codes: list[str] | pd.Series) -> pd.DataFrame:
    """Convert legacy commune codes to 2025 codes.

    Returns one row per input code: old_code, new_code (NA when unknown) and
    split (True when the old commune was divided and the registry's default
    new commune was used).

    Examples
    --------
    >>> convert_codes(["03646", "03649"])["new_code"].tolist()
    ['03646', '03646']
    """
    table = _conversion()
    default = table[table["default"]].drop_duplicates("old_code").set_index("old_code")
    codes = pd.Series(list(old_codes), dtype="object").astype(str).str.zfill(5)
    return pd.DataFrame(
        {
            "old_code": codes.to_numpy(),
            "new_code": codes.map(default["new_code"]).to_numpy(),
            "split": codes.isin(default.index[default["split"]]).to_numpy(),
        }
    )


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
