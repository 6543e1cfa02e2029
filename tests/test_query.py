"""Tests of slmap.model.query on a small model built in code, and on the sample."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import box

from slmap.base.errors import InputError
from slmap.base.names import fold
from slmap.base.schema import signal_flags
from slmap.model import query, ranking

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


@pytest.fixture
def model():
    return make_model()


def test_uncovered_sorted_by_households_missing_last(model):
    out = query.villages_without_broadband(model)
    assert list(out.village_id) == ["V01", "V08", "V09", "V02", "V04"]
    assert out.attrs["filters"][0].startswith("no mobile broadband")
    assert isinstance(out, gpd.GeoDataFrame) and out.crs.to_epsg() == 4326


@pytest.mark.parametrize("text", ["sop cop", "SỐP CỘP", "Xã Sốp Cộp", "xa  sop-cop", "04285"])
def test_commune_accent_insensitive(model, text):
    out = query.villages_without_broadband(model, commune=text)
    assert set(out.village_id) == {"V01", "V02"}


def test_commune_old_code(model):
    # 03649 (Phường Tô Hiệu before 2025) became part of 03646 (official conversion)
    assert query.resolve_commune(model, "3649") == ["03646"]
    with pytest.raises(InputError, match="unknown commune code '99999'") as err:
        query.resolve_commune(model, "99999")
    assert "no commune has code 99999" in err.value.lines()[0]


def test_commune_ambiguous_then_typed(model):
    with pytest.raises(InputError, match=r"ambiguous.*03646.*03650|ambiguous.*03650.*03646"):
        query.resolve_commune(model, "to hieu")
    assert query.resolve_commune(model, "Phường Tô Hiệu") == ["03646"]


def test_unknown_name_lists_candidates(model):
    with pytest.raises(InputError, match="closest: Xã Mường Lạn") as err:
        query.villages_without_broadband(model, commune="muong lan x")
    assert err.value.problems


def test_district_filter_and_counts(model):
    out = query.villages_without_broadband(model, district="sop cop")
    assert set(out.district_name) == {"Huyện Sốp Cộp"} and len(out) == 3
    total = sum(
        len(query.villages_without_broadband(model, district=d))
        for d in model.villages.district_name.unique()
    )
    assert total == len(query.villages_without_broadband(model))
    with pytest.raises(InputError, match="closest"):
        query.resolve_district(model, "sop kop xyz")


def test_min_households_grid_sort_limit(model):
    out = query.villages_without_broadband(model, min_households=70, no_grid_power=True)
    assert list(out.village_id) == ["V01", "V09"]
    out = query.villages_without_broadband(model, sort="name", limit=2)
    assert list(out.village_name) == ["Bản Đông", "Bản Huổi Hịa"]
    with pytest.raises(InputError):
        query.villages_without_broadband(model, sort="size")


def test_communes_by_metric(model):
    out = query.communes_by_metric(model, "villages_no_mbb", above=1)
    assert list(out.commune_code) == ["04285", "03650"]
    out = query.communes_by_metric(model, "fibre_hh_share", below=30)
    assert "03650" not in set(out.commune_code)  # no data is never below
    out = query.communes_by_metric(model, "fibre_hh_share")
    assert out.commune_code.iloc[-1] == "03650"  # no data last
    assert len(query.communes_by_metric(model, "share_4g", top=2)) == 2
    with pytest.raises(InputError, match="closest: share_4g"):
        query.communes_by_metric(model, "share4g")


def test_utm_epsg():
    assert query.utm_epsg(104.0, 21.0) == 32648
    assert query.utm_epsg(-3.0, 40.0) == 32630
    with pytest.raises(InputError):
        query.utm_epsg(200, 0)


def test_near_nearest_first(model):
    v = model.villages.set_index("village_id")
    out = query.villages_near(model, v.lon["V01"], v.lat["V01"], 6)
    assert out.village_id.iloc[0] == "V01" and out.distance_km.iloc[0] == 0
    assert out.distance_km.is_monotonic_increasing and (out.distance_km <= 6).all()
    assert set(out.village_id) == {"V01", "V02", "V03"}
    geodesic_m = Geod(ellps="WGS84").inv(v.lon["V01"], v.lat["V01"], v.lon["V03"], v.lat["V03"])[2]
    assert out.set_index("village_id").distance_km["V03"] == pytest.approx(geodesic_m / 1000, 1e-3)
    out = query.villages_near(model, v.lon["V01"], v.lat["V01"], 6, uncovered_only=True)
    assert set(out.village_id) == {"V01", "V02"}


def test_priority_components(model):
    out = ranking.priority_ranking(model)
    for col in ("households", "dist_covered_km", "cost_distance", "cost_power", "cost_index"):
        assert col in out.columns
    recomputed = out.households.astype(float) / (1 + out.cost_distance.fillna(0) + out.cost_power)
    pd.testing.assert_series_equal(
        out.priority_score, recomputed.round(2), check_names=False, check_dtype=False
    )
    assert out.village_id.iloc[-1] == "V04"  # no household count: no score, last
    assert list(out.priority_rank) == list(range(1, len(out) + 1))
    power = dict(zip(out.village_id, out.cost_power, strict=True))
    assert power == {"V01": 1.0, "V02": 0.5, "V04": 1.0, "V08": 0.0, "V09": 1.0}
    assert "households / cost_index" in ranking.PRIORITY_FORMULA


# --- on the embedded sample and the real 75 communes -------------------------------------


@pytest.mark.geodata
def test_sample_uncovered_123_and_districts(sample_model):
    out = query.villages_without_broadband(sample_model)
    assert len(out) == 123
    per_district = {
        d: len(query.villages_without_broadband(sample_model, district=d))
        for d in sample_model.villages.district_name.dropna().unique()
    }
    assert sum(per_district.values()) == 123
    sop = query.villages_without_broadband(sample_model, district="sop cop")
    expected = out[out.district_name.map(fold) == "sopcop"]
    assert set(sop.village_id) == set(expected.village_id)


@pytest.mark.geodata
def test_sample_priority_and_near(sample_model):
    ranked = ranking.priority_ranking(sample_model)
    assert len(ranked) == 123 and ranked.dist_covered_km.notna().all()
    near = query.villages_near(sample_model, 103.9, 21.33, 3)
    assert near.distance_km.is_monotonic_increasing
