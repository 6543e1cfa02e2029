"""Tests of slmap.admin.approx_2023: an older layout drawn by splitting the 2025 communes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from slmap.admin import crosswalks, layouts
from slmap.admin.approx import approximate_communes, iou_by_commune
from slmap.admin.approx_2023 import (
    METRIC_CRS,
    equal_area_strips,
    older_layout_communes,
    split_commune,
    voronoi_cells,
)
from slmap.admin.locate import locate_boundaries
from slmap.base.errors import InputError

# Measured with bench/approx_quality.py (pinned 75 communes split into the 2023
# layout, against GADM 4.1): median IoU 0.734, 10th percentile 0.394.
IOU_MEDIAN_FLOOR = 0.70
IOU_P10_FLOOR = 0.35


def _members(rows: list[tuple[str, float, float, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "x", "y", "host"])


def _by_code(out: pd.DataFrame) -> dict[str, shapely.Geometry]:
    return dict(zip(out["code"], out["geometry"], strict=True))


def _assert_tiles(pieces: list[shapely.Geometry], whole: shapely.Geometry) -> None:
    """The pieces are valid, do not overlap and their union is ``whole``."""
    assert all(shapely.is_valid(pieces))
    total = sum(p.area for p in pieces)
    union = shapely.union_all(pieces)
    assert total == pytest.approx(whole.area, rel=1e-9)
    assert union.symmetric_difference(whole).area == pytest.approx(0.0, abs=1e-9 * whole.area)


def test_voronoi_cells_of_three_seeds_are_the_three_unit_squares() -> None:
    box = shapely.box(0, 0, 3, 1)
    cells = voronoi_cells(box, np.array([[2.5, 0.5], [0.5, 0.5], [1.5, 0.5]]))
    expected = [shapely.box(2, 0, 3, 1), shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    for got, want in zip(cells, expected, strict=True):
        assert got.symmetric_difference(want).area == pytest.approx(0.0, abs=1e-12)


def test_voronoi_cell_is_clipped_to_a_concave_commune() -> None:
    ell = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 3), (0, 3)])
    cells = voronoi_cells(ell, np.array([[3, 0.5], [0.5, 2.5]]))
    # bisector of (3, 0.5) and (0.5, 2.5): 2.5 x - 2 y = 3 (through the midpoint)
    assert cells[0].area + cells[1].area == pytest.approx(ell.area)
    assert cells[0].contains(shapely.Point(3, 0.5)) and cells[1].contains(shapely.Point(0.5, 2.5))
    _assert_tiles(cells, ell)


def test_equal_area_strips_cut_across_the_longer_side() -> None:
    tall = shapely.Polygon([(0, 0), (2, 0), (0, 6)])  # a triangle, taller than wide
    strips = equal_area_strips(tall, 3)
    assert [s.area for s in strips] == pytest.approx([2.0, 2.0, 2.0], rel=1e-9)
    assert strips[0].bounds[1] == 0.0 and strips[2].bounds[3] == 6.0  # south to north
    _assert_tiles(strips, tall)
    assert equal_area_strips(tall, 1) == [tall]


def test_a_unit_without_centre_shares_the_cell_of_its_act_host() -> None:
    # Voronoi line at x = 2.1; b's cell [2.1, 4] is cut at x = 3.05 and b keeps
    # the strip holding its centre (3.2).
    members = _members([("a", 1, 0.5, None), ("b", 3.2, 0.5, None), ("c", np.nan, np.nan, "b")])
    out = split_commune(shapely.box(0, 0, 4, 1), members)
    got = _by_code(out)
    assert got["a"].symmetric_difference(shapely.box(0, 0, 2.1, 1)).area == pytest.approx(
        0, abs=1e-9
    )
    assert got["b"].symmetric_difference(shapely.box(3.05, 0, 4, 1)).area == pytest.approx(
        0, abs=1e-9
    )
    assert got["c"].symmetric_difference(shapely.box(2.1, 0, 3.05, 1)).area == pytest.approx(
        0, abs=1e-9
    )
    assert out["centre"].tolist() == ["official", "shared", "shared"]
    assert out["shared_with"].fillna("-").tolist() == ["-", "-", "b"]
    _assert_tiles(list(out["geometry"]), shapely.box(0, 0, 4, 1))


def test_units_on_one_registry_centre_share_its_cell_and_hosts_are_followed() -> None:
    # d sits on a's centre; c's host in the act is d, which has no cell: c joins a's cell.
    members = _members(
        [
            ("a", 1.4, 0.5, None),
            ("b", 4.6, 0.5, None),
            ("c", np.nan, np.nan, "d"),
            ("d", 1.4, 0.5, None),
        ]
    )
    out = split_commune(shapely.box(0, 0, 6, 1), members)
    got = _by_code(out)
    assert out.set_index("code")["shared_with"].fillna("-").to_dict() == {
        "a": "-",
        "b": "-",
        "c": "a",
        "d": "a",
    }
    assert [got[c].area for c in "acd"] == pytest.approx([1.0, 1.0, 1.0])  # a's cell [0, 3]
    assert got["b"].area == pytest.approx(3.0)
    assert got["a"].contains(shapely.Point(1.4, 0.5))  # the holder keeps its centre's strip
    _assert_tiles(list(out["geometry"]), shapely.box(0, 0, 6, 1))


def test_a_centre_whose_cell_misses_the_commune_shares_the_nearest_cell() -> None:
    members = _members([("a", 0.5, 0.5, None), ("e", 10, 0.5, None), ("f", -30, 0.5, None)])
    out = split_commune(shapely.box(0, 0, 1, 1), members)
    shared_with = out.set_index("code")["shared_with"].fillna("-").to_dict()
    assert shared_with == {"a": "-", "e": "a", "f": "a"}
    assert out["geometry"].map(lambda g: g.area).tolist() == pytest.approx([1 / 3] * 3)


def test_a_commune_with_one_member_is_that_member_whole() -> None:
    out = split_commune(shapely.box(0, 0, 1, 1), _members([("a", np.nan, np.nan, None)]))
    assert out["geometry"].iloc[0].equals(shapely.box(0, 0, 1, 1))
    assert out["centre"].tolist() == ["official"]


def test_only_older_layouts_are_split() -> None:
    communes = approximate_communes("14")
    with pytest.raises(InputError, match="not older than 2025"):
        older_layout_communes(communes, "2025")
    with pytest.raises(InputError, match="no commune of the 2025 layout"):
        older_layout_communes(communes.assign(commune_code="99999"), "2023")


def _check_coverage(out: gpd.GeoDataFrame, c2025: gpd.GeoDataFrame, n: int) -> None:
    assert len(out) == n and out["commune_code"].is_unique
    assert out["approximate"].all()
    geoms = out.geometry.to_numpy()
    assert shapely.is_valid(geoms).all() and not shapely.is_empty(geoms).any()
    assert shapely.coverage_is_valid(geoms)
    metric = out.to_crs(METRIC_CRS)
    whole = shapely.union_all(shapely.make_valid(c2025.to_crs(METRIC_CRS).geometry.to_numpy()))
    assert metric.area.sum() == pytest.approx(whole.area, rel=2e-3)
    assert metric.union_all().symmetric_difference(whole).area < 2e-3 * whole.area


def test_registry_communes_split_into_the_2023_layout_offline() -> None:
    c2025 = approximate_communes("14")
    out, problems = older_layout_communes(c2025, "2023")
    _check_coverage(out, c2025, 204)
    assert set(out["commune_code"]) == set(layouts.units("2023")["commune_code"])
    no_centre = layouts.units("2023").query("lon != lon")["commune_code"]
    assert (out.set_index("commune_code").loc[no_centre, "centre"] == "shared").all()
    assert [p.kind for p in problems] == ["shared_cell"]


def test_units_of_a_missing_2025_commune_are_reported_not_drawn() -> None:
    c2025 = approximate_communes("14")
    drop = "03646"  # Phường Tô Hiệu
    out, problems = older_layout_communes(c2025[c2025.commune_code != drop], "2023")
    cw = crosswalks.crosswalk("2023", "2025")
    lost = set(cw.loc[cw["default"] & (cw["new_code"] == drop), "old_code"])
    assert lost and not lost & set(out["commune_code"])
    assert len(out) == 204 - len(lost)
    missing = [p for p in problems if p.kind == "not_drawable"]
    assert len(missing) == 1 and all(code in missing[0].message for code in lost)


def test_locate_boundaries_splits_for_an_older_layout_without_files(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    found, _ = locate_boundaries(layout="2023")
    assert len(found.communes) == 204 and found.communes["approximate"].all()
    first = found.problems[0]
    assert first.kind == "approximate_boundaries" and first.severity == "warning"
    assert "--boundaries" in first.message and "204 communes of the 2023 layout" in first.message
    plain, _ = locate_boundaries(layout="2025")
    assert len(plain.communes) == 75


@pytest.fixture(scope="module")
def pinned_2023(shared_geodata):
    mp = pytest.MonkeyPatch()
    mp.setenv("SLMAP_DATA_DIR", str(shared_geodata / "upstream"))
    try:
        split, outlines = locate_boundaries(layout="2023")
        plain, _ = locate_boundaries()
    finally:
        mp.undo()
    return split, plain, outlines


def test_pinned_communes_split_into_a_valid_2023_coverage(pinned_2023) -> None:
    split, plain, _ = pinned_2023
    assert split.source.endswith("(split into the 2023 layout)")
    _check_coverage(split.communes, plain.communes, 204)


def test_pinned_2023_split_matches_gadm_above_the_measured_floor(
    pinned_2023, shared_geodata
) -> None:
    gadm = gpd.read_file(shared_geodata / "son_la" / "communes_204_gadm41.geojson")
    iou = iou_by_commune(pinned_2023[0].communes, gadm).to_numpy()
    assert len(iou) == 204
    assert np.median(iou) > IOU_MEDIAN_FLOOR
    assert np.percentile(iou, 10) > IOU_P10_FLOOR


def test_the_sample_model_draws_the_2023_layout_approximately(pinned_2023) -> None:
    from slmap.model import build_model
    from slmap.sources import read_village_table, sample_register_path

    split, _, outlines = pinned_2023
    table = read_village_table(sample_register_path())
    model = build_model(split, table, outlines=outlines, sample=True, layout="2023")
    assert model.provenance.layout == "2023" and model.provenance.approximate
    assert len(model.communes) == 204 and model.communes["approximate"].all()
    assert int(model.province["villages_no_mbb"].iloc[0]) == 123
    assert model.problems[0].kind == "approximate_boundaries"
