"""A four-commune coverage model built in code, following the data contract.

Shared by the query, export and CLI tests: small enough to reason about row by
row, shaped as :class:`slmap.model.CoverageModel` is.
"""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from slmap.base.schema import signal_flags

# (code, name, district code, district name, lon0)
_COMMUNES = [
    ("04285", "Xã Sốp Cộp", "125", "Huyện Sốp Cộp", 103.5),
    ("04300", "Xã Mường Lạn", "125", "Huyện Sốp Cộp", 103.6),
    ("03646", "Phường Tô Hiệu", "116", "Thành phố Sơn La", 103.9),
    ("03650", "Xã Tô Hiệu", "118", "Huyện Quỳnh Nhai", 104.0),
]
# (id, name, commune index, households, signal, grid power, fibre hh, dlon, dlat)
_VILLAGES = [
    ("V01", "Bản Nà Tấu", 0, 120, "none", False, 0, 0.01, 0.01),
    ("V02", "Bản Huổi Hịa", 0, 45, "2g", None, None, 0.05, 0.02),
    ("V03", "Bản Mé", 0, 80, "4g", True, 30, 0.02, 0.05),
    ("V04", "Bản Lếch", 1, None, "none", False, None, 0.03, 0.03),
    ("V05", "Bản Pá Đông", 1, 200, "4g", True, 90, 0.06, 0.06),
    ("V06", "Tiểu khu 3", 2, 300, "5g", True, 250, 0.04, 0.04),
    ("V07", "Bản Cọ", 2, 60, "3g", True, 10, 0.02, 0.07),
    ("V08", "Bản Đông", 3, 75, "none", True, 0, 0.05, 0.05),
    ("V09", "Bản Ít Ong", 3, 75, "2g", False, 0, 0.07, 0.02),
]


def make_model(sample: bool = True, approximate: bool = False):
    """A four-commune model following the data contract (slmap_contract.md)."""
    rows = []
    for vid, name, ci, hh, sig, power, fhh, dx, dy in _VILLAGES:
        code, cname, dcode, dname, lon0 = _COMMUNES[ci]
        rows.append(
            {
                "village_id": vid,
                "village_name": name,
                "commune_code": code,
                "commune_name": cname,
                "commune_code_old": str(int(code) - 1).zfill(5),
                "district_code": dcode,
                "district_name": dname,
                "households": hh,
                "population": None if hh is None else hh * 4,
                "mobile_signal": sig,
                **signal_flags(pd.Series([sig])).iloc[0].to_dict(),
                "fibre": None if fhh is None else fhh > 0,
                "fibre_households": fhh,
                "grid_power": power,
                "location_estimated": vid == "V02",
                "lon": lon0 + dx,
                "lat": 21.0 + dy,
            }
        )
    v = pd.DataFrame(rows)
    for col in ("households", "population", "fibre_households"):
        v[col] = v[col].astype("Int64")
    for col in ("fibre", "grid_power"):
        v[col] = v[col].astype("boolean")
    villages = gpd.GeoDataFrame(v, geometry=gpd.points_from_xy(v.lon, v.lat), crs=4326)
    crows = []
    for code, name, dcode, dname, lon0 in _COMMUNES:
        vv = v[v.commune_code == code]
        n = len(vv)
        crows.append(
            {
                "commune_code": code,
                "commune_name": name,
                "commune_type": name.split(" ")[0],
                "province_code": "14",
                "province_name": "Tỉnh Sơn La",
                "district_code": dcode,
                "district_name": dname,
                "approximate": False,
                "villages": n,
                "villages_no_mbb": int((~vv.mobile_broadband).sum()),
                "villages_4g": int(vv.has_4g.sum()),
                "share_4g": 100 * vv.has_4g.mean() if n else np.nan,
                "households": vv.households.sum(),
                "fibre_households": vv.fibre_households.sum(),
                "fibre_hh_share": np.nan if code == "03650" else 25.0,
                "fibre_backbone": True,
                "geometry": box(lon0, 21.0, lon0 + 0.1, 21.1),
            }
        )
    communes = gpd.GeoDataFrame(crows, geometry="geometry", crs=4326)
    communes.index = pd.Index(communes["commune_code"], name=None)
    d = communes.dissolve("district_code", as_index=False)[
        ["district_code", "district_name", "geometry"]
    ]
    provenance = SimpleNamespace(
        boundaries="toy boundaries",
        register="/nonexistent/son_la_villages_sample.csv" if sample else "/data/bản.csv",
        layout="2025",
        sample=sample,
        approximate=approximate,
        data_date="2023",
        province_codes=("14",),
    )
    return SimpleNamespace(
        communes=communes,
        villages=villages,
        districts=d,
        province=None,
        provenance=provenance,
        problems=[],
        rejects=pd.DataFrame(),
        read_count=len(villages),
    )
