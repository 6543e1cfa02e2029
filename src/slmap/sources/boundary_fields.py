"""Recognise the fields of a boundary layer: commune code, name and district.

Field names are matched case-insensitively against the usual GSO, GADM and
generic schemas; a field the user names wins. A KML description may carry
the district ("Huyện: Mai Sơn" or an HTML table).
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from slmap.base.errors import InputError, Problem
from slmap.base.names import fold
from slmap.sources.boundary_set import BoundarySet

__all__ = [
    "CODE_FIELDS",
    "NAME_FIELDS",
    "PARENT_FIELDS",
    "district_in_description",
    "recognise_fields",
]

#: Field names recognised as the commune code / name / parent name, in order.
CODE_FIELDS = ("ma_xa", "commune_code", "wardcode", "ma_dvhc", "code", "id")
NAME_FIELDS = ("ten_xa", "commune_name", "name_3", "ward", "ten", "name")
PARENT_FIELDS = (
    "ten_huyen",
    "district_name",
    "name_2",
    "huyen",
    "tenhuyen",
    "quan",
    "quanhuyen",
    "district",
)

_DESCRIPTION_KEYS = {_k: None for _k in ("huyen", "quan", "quanhuyen", "tenhuyen", "district")}
_TAG = re.compile(r"<[^>]+>")
_PAIR = re.compile(r"([^\n:|]{2,30}?)\s*[:|]\s*([^\n|]+)")


def district_in_description(text: object) -> str | None:
    """The district named in a KML description ("Huyện: Mai Sơn", or a table row).

    Google Earth and QGIS write attributes into the description as text or as
    an HTML table; the first key that means "district" gives its value.

    Examples
    --------
    >>> district_in_description("<b>Huyện:</b> Mai Sơn<br>Dân số: 1200")
    'Mai Sơn'
    >>> district_in_description("<table><tr><td>ten_huyen</td><td>Sốp Cộp</td></tr></table>")
    'Sốp Cộp'
    >>> district_in_description("Xã biên giới") is None
    True
    """
    if not isinstance(text, str) or not text.strip():
        return None
    cells = re.sub(r"</t[dh]>\s*<t[dh][^>]*>", "|", text, flags=re.IGNORECASE)
    plain = _TAG.sub("\n", re.sub(r"<br\s*/?>", "\n", cells, flags=re.IGNORECASE))
    plain = "\n".join(line.strip() for line in plain.splitlines() if line.strip())
    plain = re.sub(r"[:|]\s*\n", ": ", plain)
    for key, value in _PAIR.findall(plain):
        if fold(key, keep_prefix=True) in _DESCRIPTION_KEYS and value.strip():
            return value.strip()
    return None


def _mostly_codes(values: pd.Series) -> bool:
    """At least half the non-empty values look like GSO codes (up to 5 digits)."""
    text = values.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    text = text[text.notna() & (text != "")]
    return bool(len(text)) and text.str.fullmatch(r"\d{1,5}").mean() >= 0.5


def _fold_field(name: str) -> str:
    return fold(name, keep_prefix=True)


def _find(
    columns: dict[str, str], wanted: str | None, candidates: tuple[str, ...], src: str, what: str
) -> str | None:
    if wanted is not None:
        if wanted in columns.values():
            return wanted
        if wanted.lower() in columns:
            return columns[wanted.lower()]
        raise InputError(
            f"{src}: no field {wanted!r} for the {what}; fields are {', '.join(columns.values())}"
        )
    for c in candidates:
        if c in columns:
            return columns[c]
    return None


def recognise_fields(
    gdf: gpd.GeoDataFrame,
    src: str,
    problems: list[Problem],
    code_field: str | None,
    name_field: str | None,
    district_field: str | None = None,
) -> BoundarySet:
    """Recognise the commune code, name and district fields of a read layer.

    Parameters
    ----------
    gdf : GeoDataFrame
        The features as read, in EPSG:4326.
    src : str
        The file, for messages.
    problems : list of Problem
        Problems found so far; warnings found here are added.
    code_field, name_field, district_field : str, optional
        Fields named by the user; otherwise the first of :data:`CODE_FIELDS`,
        :data:`NAME_FIELDS`, :data:`PARENT_FIELDS` present.

    Returns
    -------
    BoundarySet

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> gdf = gpd.GeoDataFrame({"MA_XA": ["3646"], "TEN_XA": ["Tô Hiệu"]},
    ...                        geometry=[box(103.9, 21.3, 104.0, 21.4)], crs=4326)
    >>> recognise_fields(gdf, "x.gpkg", [], None, None).communes["commune_code"].tolist()
    ['03646']
    """
    columns = {str(c).lower(): str(c) for c in gdf.columns if c != gdf.geometry.name}
    code = _find(columns, code_field, CODE_FIELDS, src, "commune code")
    name = _find(columns, name_field, NAME_FIELDS, src, "commune name")
    if code is not None and code_field is None and not _mostly_codes(gdf[code]):
        problems.append(
            Problem(
                src,
                f"field {code!r} does not hold GSO commune codes (e.g. "
                f"{str(gdf[code].iloc[0])!r}); ignored, communes matched by name",
                column=code,
                severity="warning",
                kind="code_field_ignored",
            )
        )
        code = None
    if code is None and name is None:
        raise InputError(
            f"{src}: found no commune code or name field (fields: {', '.join(columns.values())}); "
            "expected ma_xa/ten_xa, GADM GID_3/NAME_3, or name them with --code-field/--name-field"
        )
    schema = "gadm" if "gid_3" in columns else "gso" if "ma_xa" in columns else "generic"
    out = pd.DataFrame({"feature": np.arange(1, len(gdf) + 1)}, index=gdf.index)
    out["commune_code"] = _codes(gdf, code, src, problems)
    out["commune_name"] = gdf[name].astype("string") if name is not None else pd.NA
    parents = _parents(gdf, columns, (code, name), district_field, src, problems)
    if parents is not None:
        out["parent_name"] = parents
    for extra in ("loai", "type_3"):
        if extra in columns:
            out["commune_type"] = gdf[columns[extra]].astype("string")
            break
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.values, crs=gdf.crs).reset_index(drop=True)
    return BoundarySet(result, source=src, schema=schema, problems=problems)


def _codes(gdf: gpd.GeoDataFrame, code: str | None, src: str, problems: list[Problem]):
    """The 5-digit codes of a code field (NA and an error where a value is not one)."""
    if code is None:
        return pd.array([pd.NA] * len(gdf), dtype="string")
    text = gdf[code].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    codes = text.where(text.str.fullmatch(r"\d{1,5}").fillna(False)).str.zfill(5)
    bad = text.notna() & (text != "") & codes.isna()
    for i in np.flatnonzero(bad.to_numpy()):
        problems.append(
            Problem(
                src,
                f"expected a GSO commune code of up to 5 digits, found {text.iloc[i]!r}",
                feature=str(i + 1),
                column=code,
            )
        )
    return codes


def _parents(
    gdf: gpd.GeoDataFrame,
    columns: dict[str, str],
    taken: tuple[str | None, str | None],
    district_field: str | None,
    src: str,
    problems: list[Problem],
) -> pd.Series | None:
    """District names: the district field, else "Huyện: …" in a KML description."""
    parent = _find(columns, district_field, PARENT_FIELDS, src, "district name")
    if parent is None and district_field is None:
        folded = {fold(c, keep_prefix=True): c for c in columns.values()}
        parent = next((folded[f] for f in map(_fold_field, PARENT_FIELDS) if f in folded), None)
    if parent is not None and parent not in taken:
        return gdf[parent].astype("string")
    if district_field is not None or "description" not in columns:
        return None
    found = gdf[columns["description"]].map(district_in_description)
    if found.isna().all():
        return None
    problems.append(
        Problem(
            src,
            f"district names read from the KML description of {int(found.notna().sum())} of "
            f"{len(gdf)} features",
            column=columns["description"],
            severity="warning",
            kind="district_from_description",
        )
    )
    return found.astype("string")
