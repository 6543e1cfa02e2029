"""The page decodes its topology with the vendored decoder: the shapes drawn are the input's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from _browser import assert_clean, open_map, page_counts, synthetic_model
from slmap.base.simplify import DEFAULT_TOLERANCE, simplify_coverage
from slmap.page import topojson as topology
from slmap.page.data import page_data
from slmap.page.render import build_map, map_html

pytestmark = pytest.mark.browser

#: What the page drew, as GeoJSON, read back from Leaflet's layers.
DRAWN = """() => {
    const L = window.L, groups = window.slmapLayers.groups;
    const lines = (key) => groups[key] ? groups[key].toGeoJSON(7) : null;
    return {
        communes: window.slmapLayers.communes.toGeoJSON(7).features.map(
            (f) => ({code: f.properties.code, geometry: f.geometry})),
        districts: lines("districts"),
        province: lines("province"),
    };
}"""


def _geometry(collection) -> shapely.Geometry:
    return shapely.union_all([shape(f["geometry"]) for f in collection["features"]])


def _check(model, tmp_path: Path) -> dict:
    fmap = build_map(page_data(model))
    path = tmp_path / "map.html"
    path.write_text(map_html(fmap), encoding="utf-8")

    def action(page):
        return {"drawn": page.evaluate(DRAWN), "counts": page_counts(page)}

    seen, report = open_map(path, action)
    assert_clean(report)
    drawn = seen["drawn"]
    simplified = simplify_coverage(model.communes.geometry.values, DEFAULT_TOLERANCE)
    assert [c["code"] for c in drawn["communes"]] == [str(c) for c in model.communes.index]
    for expected, got in zip(simplified, drawn["communes"], strict=True):
        got = shape(got["geometry"])
        iou = shapely.area(shapely.intersection(expected, got)) / shapely.area(
            shapely.union(expected, got)
        )
        assert iou >= 0.999, (got, iou)
    # the outlines drawn are the ones encoded (and the province edge is the communes' edge)
    layers = [c for c in fmap._children.values() if hasattr(c, "placeholder")]
    doc = json.loads(layers[0].data)["topology"]
    for key in ("districts", "province"):
        (encoded,) = topology.decode(doc, key)
        assert abs(_geometry(drawn[key]).length - encoded.length) < 1e-6 * encoded.length
    province = shapely.union_all(
        shapely.polygonize(shapely.get_parts(_geometry(drawn["province"]))).geoms
    )
    union = shapely.union_all(simplified)
    assert shapely.area(shapely.symmetric_difference(province, union)) < 1e-3 * union.area
    return seen


def test_synthetic_topology_in_browser(browser_ready, tmp_path: Path) -> None:
    seen = _check(synthetic_model(), tmp_path)
    assert seen["counts"]["communes"] == 4


@pytest.mark.geodata
def test_sample_topology_in_browser(browser_ready, sample_model, tmp_path: Path) -> None:
    seen = _check(sample_model, tmp_path)
    assert seen["counts"]["communes"] == 75 and seen["counts"]["uncovered"] == 123
