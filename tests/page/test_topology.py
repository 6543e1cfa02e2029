"""Shared borders stored once: the map page's topology (slmap.page.topojson, .topology)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import LineString, Polygon, box

from slmap.base.simplify import DEFAULT_TOLERANCE, simplify_coverage
from slmap.page import topojson as topology
from slmap.page import topology as map_topology


def _jagged_grid(n: int = 3, teeth: int = 40, seed: int = 3) -> list[Polygon]:
    """n x n cells whose inner borders zigzag (shared vertex for vertex)."""
    rng = np.random.default_rng(seed)
    step = 0.1
    t = np.linspace(0, step, teeth + 1)[1:-1]
    vertical = {
        (i, j): rng.uniform(-0.01, 0.01, len(t)).round(5) for i in range(1, n) for j in range(n)
    }
    horizontal = {
        (i, j): rng.uniform(-0.01, 0.01, len(t)).round(5) for i in range(n) for j in range(1, n)
    }

    def edge(i: int, j: int, side: str) -> list[tuple[float, float]]:
        x0, y0 = 104 + i * step, 21 + j * step
        if side == "bottom":  # left to right
            wig = horizontal.get((i, j), np.zeros(len(t)))
            return [(x0, y0), *zip(x0 + t, y0 + wig, strict=True)]
        if side == "right":  # bottom to top
            wig = vertical.get((i + 1, j), np.zeros(len(t)))
            return [(x0 + step, y0), *zip(x0 + step + wig, y0 + t, strict=True)]
        if side == "top":  # right to left
            wig = horizontal.get((i, j + 1), np.zeros(len(t)))[::-1]
            return [(x0 + step, y0 + step), *zip(x0 + t[::-1], y0 + step + wig, strict=True)]
        wig = vertical.get((i, j), np.zeros(len(t)))[::-1]  # left, top to bottom
        return [(x0, y0 + step), *zip(x0 + wig, y0 + t[::-1], strict=True)]

    cells = []
    for j in range(n):
        for i in range(n):
            ring = [p for side in ("bottom", "right", "top", "left") for p in edge(i, j, side)]
            cells.append(Polygon(np.round(ring, 5)))
    return cells


def _iou(a, b) -> float:
    return shapely.area(shapely.intersection(a, b)) / shapely.area(shapely.union(a, b))


def test_shared_borders_are_stored_once_and_decode_exactly() -> None:
    cells = _jagged_grid()
    assert shapely.coverage_is_valid(cells)
    topo = topology.build_topology(cells)
    users = topo.arc_users()
    # 12 inner borders (each used by two cells) and 12 outer ones
    assert sorted(len(u) for u in users).count(2) == 12
    assert sum(len(u) == 1 for u in users) >= 4
    stored = sum(len(a) for a in topo.arcs)
    unique = len(np.unique(shapely.get_coordinates(cells).round(5), axis=0))
    assert stored < 1.1 * unique  # every vertex about once, not twice
    doc = json.loads(json.dumps(topology.to_json(topo, {"cells": [{} for _ in cells]})))
    decoded = topology.decode(doc, "cells")
    for cell, back in zip(cells, decoded, strict=True):
        assert shapely.equals_exact(shapely.normalize(cell), shapely.normalize(back), 1e-9)


def test_arcs_are_quantised_and_delta_coded() -> None:
    a = box(104.000004, 21.0, 104.5, 21.5)
    doc = topology.to_json(topology.build_topology([a]), {"a": [{"code": "x"}]})
    assert doc["type"] == "Topology"
    assert doc["transform"]["scale"] == [topology.QUANTUM, topology.QUANTUM]
    (arc,) = doc["arcs"]
    assert all(isinstance(v, int) for point in arc for v in point)
    assert arc[0][0] >= 0 and max(abs(v) for point in arc[1:] for v in point) == 50_000
    (back,) = topology.decode(doc, "a")
    xy = shapely.get_coordinates(back)
    assert np.allclose(xy, np.round(xy, 5)) and abs(back.bounds[0] - 104.0) < 1e-9
    assert doc["objects"]["a"]["geometries"][0]["properties"] == {"code": "x"}


def test_island_in_a_hole_shares_its_ring() -> None:
    outer = box(0, 0, 4, 4).difference(box(1, 1, 2, 2))
    inner = box(1, 1, 2, 2)
    topo = topology.build_topology([outer, inner], step=0.5)
    users = topo.arc_users()
    assert len(topo.arcs) == 2 and sorted(len(u) for u in users) == [1, 2]
    doc = topology.to_json(topo, {"x": [{}, {}]})
    back = topology.decode(doc, "x")
    assert back[0].equals(outer) and back[1].equals(inner)


def test_multipolygons_empty_and_collapsed_rings() -> None:
    parts = shapely.MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)])
    speck = box(5, 5, 5.1, 5.1)  # smaller than one step: vanishes
    topo = topology.build_topology([parts, None, speck], step=0.5)
    assert [len(p) for p in topo.polygons] == [2, 0, 0]
    doc = topology.to_json(topo, {"x": [{}, {}, {}]})
    kinds = [g["type"] for g in doc["objects"]["x"]["geometries"]]
    assert kinds == ["MultiPolygon", None, None]
    back = topology.decode(doc, "x")
    assert back[0].equals(parts) and back[1].is_empty


def test_line_ends_cut_the_rings_they_touch() -> None:
    cut = LineString([(1, 0), (1, 1)])
    cell = Polygon([(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1)])
    topo = topology.build_topology([cell], lines=[cut], step=0.5)
    assert len(topo.polygons[0][0][0]) == 2  # the ring is cut where the line ends
    doc = topology.to_json(topo, {"x": [{}], "l": topology.lines_object([topo.lines[0][0][0]])})
    (line,) = topology.decode(doc, "l")
    assert line.equals(shapely.MultiLineString([cut]))


def _straddle_model():
    """Three communes over two districts; the middle commune lies in both."""
    communes = gpd.GeoDataFrame(
        {"district_code": ["1", "1", "2"], "district_name": ["A", "A", "B"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs=4326,
    )
    districts = gpd.GeoDataFrame(
        {"district_code": ["1", "2"], "district_name": ["A", "B"]},
        geometry=[box(0, 0, 1.4, 1), box(1.4, 0, 3, 1)],
        crs=4326,
    )
    province = gpd.GeoDataFrame(geometry=[box(0, 0, 3, 1)], crs=4326)
    return SimpleNamespace(communes=communes, districts=districts, province=province)


def test_outlines_come_from_the_arcs_with_the_line_inside_a_straddling_commune() -> None:
    model = _straddle_model()
    doc = map_topology.page_topology(model, [{}, {}, {}], tolerance=0)
    (districts,) = topology.decode(doc, "districts")
    (province,) = topology.decode(doc, "province")
    outline = shapely.polygonize([province]).geoms[0]
    assert abs(outline.area - 3) < 1e-9 and outline.hausdorff_distance(box(0, 0, 3, 1)) < 1e-9
    inner = shapely.intersection(districts, box(0.01, 0.01, 2.99, 0.99))
    # the district line crosses the middle commune at x = 1.4; x = 1 and x = 2 are
    # commune borders inside one district each (x = 2 is on the district's side B)
    assert inner.hausdorff_distance(shapely.LineString([(1.4, 0.01), (1.4, 0.99)])) < 1e-9
    assert abs(districts.length - 2 * 3 - 2 * 1 - 1) < 1e-9
    assert sum(len(g) for g in doc["arcs"]) < 40


def test_no_district_layer_no_district_lines() -> None:
    model = _straddle_model()
    model.districts = None
    doc = map_topology.page_topology(model, [{}, {}, {}], tolerance=0)
    assert sorted(doc["objects"]) == ["communes", "province"]


@pytest.mark.geodata
def test_sample_communes_decode_to_the_simplified_shapes(sample_model) -> None:
    communes = sample_model.communes
    props = [{"code": str(c)} for c in communes.index]
    doc = map_topology.page_topology(sample_model, props, DEFAULT_TOLERANCE)
    text = json.dumps(doc, separators=(",", ":"))
    doc = json.loads(text)
    simplified = simplify_coverage(communes.geometry.values, DEFAULT_TOLERANCE)
    decoded = topology.decode(doc, "communes")
    ious = [_iou(a, b) for a, b in zip(simplified, decoded, strict=True)]
    assert len(ious) == 75 and min(ious) >= 0.999
    geoms = doc["objects"]["communes"]["geometries"]
    assert [g["properties"]["code"] for g in geoms] == [str(c) for c in communes.index]
    # borders once: far fewer stored points than the polygons' own vertices
    stored = sum(len(a) for a in doc["arcs"])
    assert stored < 0.65 * len(shapely.get_coordinates(simplified))
    # the province outline is the edge of the communes, the district lines include it
    (province,) = topology.decode(doc, "province")
    outline = shapely.union_all(shapely.polygonize(shapely.get_parts(province)).geoms)
    assert _iou(outline, shapely.union_all(simplified)) > 0.999
    (districts,) = topology.decode(doc, "districts")
    assert shapely.difference(province, districts.buffer(1e-7)).length < 1e-6
    assert districts.length > 1.5 * province.length


@pytest.mark.geodata
def test_chieng_son_straddles_two_former_districts(sample_model) -> None:
    communes = sample_model.communes
    simplified = simplify_coverage(communes.geometry.values, DEFAULT_TOLERANCE)
    found = map_topology.straddling_lines(simplified, sample_model.districts, DEFAULT_TOLERANCE)
    codes = {str(communes.index[i]): line for i, (line, _) in found.items()}
    assert "03985" in codes
    line = codes["03985"]
    chieng_son = simplified[list(communes.index).index("03985")]
    # the line crosses the commune: both ends lie on its border
    ends = shapely.points(
        np.concatenate([shapely.get_coordinates(p)[[0, -1]] for p in shapely.get_parts(line)])
    )
    assert (shapely.distance(ends, chieng_son.boundary) < 2e-5).all()
    assert line.length > 0.05  # several km, not a sliver between sources


def test_the_page_carries_the_topology_and_the_decoder(tmp_path: Path) -> None:
    from _browser import synthetic_model
    from slmap.page.render import render_html

    html = render_html(synthetic_model())
    assert "topojson" in html and '"type":"Topology"' in html
    assert '"type":"FeatureCollection"' not in html
