"""Tests of slmap.model.query on a small model built in code, and on the sample."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod

from _models import make_model
from slmap.base.errors import InputError
from slmap.base.names import fold
from slmap.model import query, ranking


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


def test_option_errors_name_the_option_not_a_column(model):
    for call in (
        lambda: query.villages_without_broadband(model, commune="muong lan x"),
        lambda: query.villages_without_broadband(model, district="nowhere"),
        lambda: query.communes_by_metric(model, "no_such_metric"),
    ):
        with pytest.raises(InputError) as err:
            call()
        assert all(p.column is None for p in err.value.problems)
        assert err.value.lines()[0].startswith("option --")
        assert "column" not in err.value.lines()[0]


def test_commune_start_of_a_name_lists_the_candidates(model):
    with pytest.raises(InputError, match=r"ambiguous.*Xã Mường Lạn \(04300, former district"):
        query.resolve_commune(model, "muong")
    with pytest.raises(InputError, match=r"Phường Tô Hiệu \(03646.*Xã Tô Hiệu \(03650"):
        query.resolve_commune(model, "to hi")


def test_commune_ambiguity_narrowed_by_the_district(model):
    out = query.villages_without_broadband(model, commune="to hieu", district="quynh nhai")
    assert set(out.village_id) == {"V08", "V09"}


def test_sample_pre_2025_commune_resolves_to_its_successor(sample_model):
    old = ranking.priority_ranking(sample_model, commune="Chiềng Ngần")
    new = ranking.priority_ranking(sample_model, commune="Phường Chiềng Sinh")
    assert list(old.village_id) == list(new.village_id)
    assert set(old.commune_code.astype(str)) <= {"03679"}
    assert any(
        "Chiềng Ngần" in f and "merged into Phường Chiềng Sinh" in f for f in old.attrs["filters"]
    )
    out = query.villages_without_broadband(sample_model, commune="03673")
    assert set(out.commune_code.astype(str)) <= {"03679"}


def test_sample_ambiguous_start_lists_every_commune(sample_model):
    with pytest.raises(InputError) as err:
        query.villages_without_broadband(sample_model, commune="muong")
    line = err.value.lines()[0]
    names = sample_model.communes["commune_name"]
    for _, row in sample_model.communes[names.str.startswith("Xã Mường")].iterrows():
        assert f"{row['commune_name']} ({row['commune_code']}" in line
