"""The registry's conversion of legacy (2025-03) communes to those of the 2025 reform.

``vietnamadminunits`` ships, beside its two tables, the official links from
each commune before the 2025-07-01 reform to the commune(s) that took its
territory: whole communes merged into one new commune, and communes divided
between several, one of them the default. This module reads those links as a
table (:func:`conversion_table`) and converts codes with them
(:func:`convert_codes`); the crosswalks between slmap's three layouts are
built on them (:mod:`slmap.admin.crosswalks`).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from slmap.admin import registry

__all__ = ["conversion_table", "convert_codes"]


@functools.lru_cache(maxsize=1)
def _converter() -> dict:
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@functools.lru_cache(maxsize=1)
def _conversion() -> pd.DataFrame:
    conv = _converter()
    old = registry.commune_rows("legacy")
    new = registry.commune_rows("2025")
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
    wanted = registry.province_codes(province)
    if wanted is not None:
        codes = set(registry.communes("legacy", wanted)["commune_code"])
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
