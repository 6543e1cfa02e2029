"""Field names and meanings of exported columns; plain tables for CSV and Excel.

Shapefile (dBASE) field names are at most 10 bytes: :data:`SHP_FIELDS` is the
one mapping from full column names to short ones.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

__all__ = [
    "FIELD_MEANINGS",
    "FILE_COLUMN",
    "SHP_FIELDS",
    "cut_utf8",
    "field_meaning",
    "plain_table",
    "shapefile_field_names",
]

#: Shapefile (dBASE) field names are at most 10 bytes: this is the one mapping from full
#: column names to short ones. Other columns are cut at a UTF-8 character boundary and
#: numbered on collision (see :func:`shapefile_field_names`). Each Shapefile gets a
#: ``<name>.fields.csv`` dictionary (short_name, full_name, meaning).
SHP_FIELDS: dict[str, str] = {
    "village_id": "vill_id", "village_name": "vill_name", "commune_code": "comm_code",
    "commune_name": "comm_name", "commune_code_old": "comm_old", "commune_type": "comm_type",
    "district_code": "dist_code", "district_name": "dist_name", "province_code": "prov_code",
    "province_name": "prov_name", "mobile_signal": "mob_signal", "mobile_broadband": "mob_bband",
    "fibre_households": "fibre_hh", "location_estimated": "loc_est", "approximate": "approx",
    "villages_no_mbb": "vill_nombb", "households_no_mbb": "hh_nombb",
    "population_no_mbb": "pop_nombb", "villages_4g": "vill_4g", "population_4g": "pop_4g",
    "pop_4g_share": "pop4g_shr", "fibre_hh_share": "fibre_shr", "fibre_backbone": "fibre_bbn",
    "distance_km": "dist_km", "priority_rank": "prio_rank", "priority_score": "prio_score",
    "dist_covered_km": "dist_cov", "cost_distance": "cost_dist",
    "commune_assigned": "comm_asgn", "converted_from": "conv_from",
    "line_approximate": "line_appr",
}  # fmt: skip

#: The meaning of a column slmap does not know: the user's own, kept as written.
FILE_COLUMN = "column of the input file, kept as written (text)"

#: What each exported column means (data dictionary, Excel "about" sheet).
FIELD_MEANINGS: dict[str, str] = {
    "row": "row of the village in the register file (header = row 1)",
    "as_of": "the date the register's row describes, as written in the file",
    "feature": "feature number in the boundary file read",
    "province_code": "GSO province code",
    "province_name": "province name",
    "stated_area_km2": "area stated by the boundary source, km² (not measured)",
    "stated_population": "population stated by the boundary source",
    "commune_type": "Xã, Phường or Thị trấn",
    "district_code": "GSO code of the former district (2019-2025 layout)",
    "district_name": "former district (2019-2025 layout)",
    "commune_code_old": "GSO code of the village's commune in the (older) layout the register "
    "was keyed to, when it was converted to the layout drawn",
    "commune_assigned": "how the commune in the layout drawn was found: register (as given), "
    "crosswalk (whole unit), coordinates (a split unit, by the village's point) or "
    "crosswalk-default (a split unit, the official default: check on the ground)",
    "converted_from": "GSO codes of the former units dissolved into this commune (joined by +)",
    "line_approximate": "True: a former unit was split here, so this commune's line is "
    "drawn from whole former units",
    "mobile_broadband": "3G/4G/5G at the village centre (False = trắng sóng)",
    "has_4g": "4G or 5G at the village centre",
    "location_estimated": "True: no coordinates given, placed inside its commune",
    "approximate": "True: boundaries or locations are approximate",
    "villages": "villages in the unit",
    "villages_no_mbb": "villages without mobile broadband",
    "households_no_mbb": "households in villages without mobile broadband (empty = no data)",
    "population_no_mbb": "people in villages without mobile broadband (empty = no data)",
    "villages_4g": "villages with 4G",
    "share_4g": "percent of villages with 4G (empty = no data)",
    "population_4g": "population of villages with 4G",
    "pop_4g_share": "percent of population covered by 4G (empty = no data)",
    "fibre_hh_share": "percent of households with a fibre subscription (empty = no data)",
    "fibre_backbone": "the commune has a fibre backbone",
    "data_note": "where the data comes from; SAMPLE DATA marks the synthetic sample",
    "distance_km": "distance from the query point, km (UTM)",
    "priority_rank": "rank by priority_score (1 = first)",
    "priority_score": "households / cost_index",
    "dist_covered_km": "km to the nearest village with mobile broadband (UTM)",
    "cost_distance": "dist_covered_km / 5",
    "cost_power": "1 without grid power, 0.5 unknown, 0 on the grid",
    "cost_index": "1 + cost_distance + cost_power",
}


def field_meaning(column: str) -> str:
    """What an exported column means.

    A column slmap does not know came from the user's file and is kept as
    text; ``<name> (file)`` is a file column renamed because slmap adds a
    column of that name.

    Examples
    --------
    >>> field_meaning("cost_power")
    '1 without grid power, 0.5 unknown, 0 on the grid'
    >>> field_meaning("Ghi chú")
    'column of the input file, kept as written (text)'
    """
    from slmap.base.schema import COLUMNS

    schema = {c.name: c.meaning for c in COLUMNS}
    known = FIELD_MEANINGS.get(column) or schema.get(column)
    if known:
        return known
    if column.endswith(" (file)"):
        return f"the input file's own {column[:-7]!r} column, kept as written (text)"
    return FILE_COLUMN


def cut_utf8(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes, never inside a character.

    Examples
    --------
    >>> cut_utf8("Mường", 3)
    'Mư'
    """
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def shapefile_field_names(columns: list[str]) -> dict[str, str]:
    """Map column names to unique dBASE field names of at most 10 bytes.

    Uses :data:`SHP_FIELDS`, else the name cut at a UTF-8 character
    boundary; collisions (compared case-insensitively, as dBASE does) are
    numbered ``_2``, ``_3``...

    Examples
    --------
    >>> shapefile_field_names(["village_name", "dân_số_2019", "dân_số_2020"])
    {'village_name': 'vill_name', 'dân_số_2019': 'dân_số_', 'dân_số_2020': 'dân_s_2'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        base = SHP_FIELDS.get(col) or cut_utf8(col, 10)
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = cut_utf8(base, 10 - len(f"_{n}")) + f"_{n}"
        used.add(name.lower())
        out[col] = name
    return out


def plain_table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """CSV/Excel table: points keep lon/lat columns, polygon shapes are omitted.

    Examples
    --------
    >>> import geopandas as gpd
    >>> points = gpd.points_from_xy([103.9], [21.3])
    >>> plain_table(gpd.GeoDataFrame({"a": [1]}, geometry=points)).columns.tolist()
    ['a', 'lon', 'lat']
    """
    table = pd.DataFrame(frame.drop(columns="geometry"))
    geom = frame.geometry
    if len(geom) and (geom.geom_type == "Point").all() and "lon" not in table.columns:
        table["lon"], table["lat"] = geom.x, geom.y
    return table
