"""Tests of slmap.admin.approx: approximate commune boundaries from the registry alone."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from slmap.admin import approx
from slmap.admin.approx import approximate_communes, iou_by_commune
from slmap.base.errors import InputError

COLUMNS = [
    "commune_code",
    "commune_name",
    "commune_type",
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "approximate",
    "geometry",
]
# Measured (bench/approx_quality.py): weighted median 0.691, p10 0.580.
IOU_MEDIAN_FLOOR = 0.65
IOU_P10_FLOOR = 0.52


@pytest.fixture(scope="module")
def son_la() -> gpd.GeoDataFrame:
    return approximate_communes("14")


def registry_codes(province: str, layout: str = "2025") -> set[str]:
    table = approx._registry_frame(layout)
    rows = table[(table["provinceCode"] == province) & table["wardCode"].notna()]
    return set(rows["wardCode"])


def assert_tiling(gdf: gpd.GeoDataFrame) -> None:
    metric = gdf.to_crs(32648)
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    total = metric.area.sum()
    assert total == pytest.approx(metric.union_all().area, rel=1e-6)
    tree = shapely.STRtree(metric.geometry.to_numpy())
    left, right = tree.query(metric.geometry.to_numpy(), predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(
            metric.geometry.to_numpy()[left[pairs]], metric.geometry.to_numpy()[right[pairs]]
        )
    )
    assert overlap.sum() < 1e-6 * total


def test_son_la_one_cell_per_registry_commune(son_la: gpd.GeoDataFrame) -> None:
    assert len(son_la) == 75
    assert set(son_la["commune_code"]) == registry_codes("14")
    assert list(son_la.columns) == COLUMNS
    assert son_la.crs.to_epsg() == 4326
    assert son_la["approximate"].all()
    assert son_la.attrs["approximate"] is True
    assert son_la["commune_code"].is_monotonic_increasing
    assert (son_la["province_code"] == "14").all()
    assert set(son_la["commune_type"]) == {"Xã", "Phường"}
    row = son_la.loc[son_la["commune_code"] == "03646"].iloc[0]
    assert row["commune_name"] == "Phường Tô Hiệu"
    assert row["province_name"] == "Tỉnh Sơn La"


def test_son_la_cells_tile_without_overlaps(son_la: gpd.GeoDataFrame) -> None:
    assert_tiling(son_la)


def test_each_cell_holds_its_official_centre(son_la: gpd.GeoDataFrame) -> None:
    table = approx._registry_frame("2025").set_index("wardCode")
    centres = gpd.points_from_xy(
        table.loc[son_la["commune_code"], "wardLon"], table.loc[son_la["commune_code"], "wardLat"]
    )
    assert shapely.covers(son_la.geometry.to_numpy(), np.asarray(centres)).all()


def test_deterministic(son_la: gpd.GeoDataFrame) -> None:
    again = approximate_communes(["14"])
    assert list(again["commune_code"]) == list(son_la["commune_code"])
    assert list(shapely.to_wkb(again.geometry.to_numpy())) == list(
        shapely.to_wkb(son_la.geometry.to_numpy())
    )


@pytest.mark.parametrize("method", ["voronoi", "multiseed"])
def test_simpler_methods_also_tile(method: str) -> None:
    gdf = approximate_communes(14, method=method)
    assert len(gdf) == 75
    assert gdf.attrs["method"] == method
    assert_tiling(gdf)


def test_legacy_layout_son_la() -> None:
    gdf = approximate_communes("14", layout="legacy")
    assert len(gdf) == 200
    assert set(gdf["commune_code"]) == registry_codes("14", "legacy")
    assert gdf["district_code"].notna().all()
    assert_tiling(gdf)


def test_national_cells_do_not_overlap_across_provinces() -> None:
    gdf = approximate_communes("all")
    assert len(gdf) == 3321
    assert gdf["province_code"].nunique() == 34
    assert gdf["commune_code"].is_unique
    assert_tiling(gdf)
    kinds = {p.kind for p in gdf.attrs["problems"]}
    assert kinds == {"no_area"}  # four registry communes lack a stated area


def test_two_provinces_match_their_communes() -> None:
    gdf = approximate_communes(["14", "11"])
    assert set(gdf["commune_code"]) == registry_codes("14") | registry_codes("11")
    assert_tiling(gdf)


@pytest.mark.parametrize(
    ("kwargs", "found"),
    [
        ({"province_codes": "99"}, "'99'"),
        ({"province_codes": []}, "(none)"),
        ({"layout": "2019"}, "'2019'"),
        ({"method": "magic"}, "'magic'"),
    ],
)
def test_bad_input_raises_input_error(kwargs: dict, found: str) -> None:
    with pytest.raises(InputError) as info:
        approximate_communes(**kwargs)
    assert info.value.problems
    assert found in " ".join(info.value.lines())


def test_missing_centre_or_area_is_reported_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    real = approx._registry_frame
    table = real("2025").copy()
    table.loc[table["wardCode"] == "03646", ["wardLat", "wardLon"]] = None
    table.loc[table["wardCode"] == "03670", "wardAreaKm2"] = None
    monkeypatch.setattr(
        approx, "_registry_frame", lambda layout: table if layout == "2025" else real(layout)
    )
    gdf = approximate_communes("14")
    assert len(gdf) == 74
    assert "03646" not in set(gdf["commune_code"])
    problems = {(p.feature, p.kind, p.severity) for p in gdf.attrs["problems"]}
    assert problems == {("03646", "no_centre", "warning"), ("03670", "no_area", "warning")}
    assert_tiling(gdf)


def test_iou_by_commune_on_known_shapes() -> None:
    ref = gpd.GeoDataFrame(
        {"ma_xa": ["00001", "00002"]},
        geometry=[shapely.box(105, 21, 105.1, 21.1), shapely.box(105.1, 21, 105.2, 21.1)],
        crs=4326,
    )
    got = gpd.GeoDataFrame(
        {"commune_code": ["00001", "00003"]},
        geometry=[shapely.box(105, 21, 105.1, 21.1), shapely.box(105.1, 21, 105.2, 21.1)],
        crs=4326,
    )
    iou = iou_by_commune(got, ref)
    assert list(iou.index) == ["00001"]
    assert iou.iloc[0] == pytest.approx(1.0)


@pytest.mark.geodata
def test_quality_against_real_son_la_communes(son_la: gpd.GeoDataFrame, shared_geodata) -> None:
    real = gpd.read_file(shared_geodata / "son_la" / "communes_75_2025.geojson")
    iou = iou_by_commune(son_la, real)
    assert len(iou) == 75
    assert iou.median() > IOU_MEDIAN_FLOOR
    assert np.percentile(iou, 10) > IOU_P10_FLOOR
