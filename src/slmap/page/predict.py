"""Page data of the map's prediction and plan layers (``slmap map --sites --prediction --plan``).

Pure functions from what :mod:`slmap.sources.sites` and
:mod:`slmap.sources.predictions` read to the JSON the page script
``slmap_predict.js`` draws:

* existing radio sites, by technology (mobile broadband or 2G only), with a
  "synthetic" label when the site list is invented;
* the predicted covered area: the ``coverage`` layer of a prediction
  GeoPackage, or else the distance model's area the caller hands in (5 km
  around the 3G/4G/5G sites, computed by the radio package), simplified and
  always labelled predicted, never measured;
* the two kinds of disagreement with the register, joined by ``village_id``
  to the map's own villages (:mod:`slmap.page.disagree`: a village of the file
  unknown to the register is an error naming it; villages the file leaves out
  are counted);
* proposed sites with the villages, households and people each newly covers,
  a line to each of those villages, and the villages no candidate reaches
  (built by :mod:`slmap.page.plan`, which also holds the join by village_id).

Coordinates travel as integers (degrees × 10⁵ for points, × 10⁴ for the
area's rings, delta-encoded) to keep the page small. Labels are in
Vietnamese and English (:data:`TEXT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from slmap.base.errors import InputError, Problem
from slmap.page.disagree import disagreements
from slmap.page.plan import cell_text, degrees_e5, plan_data

__all__ = [
    "AREA_TOLERANCE_M",
    "TEXT",
    "PredictionInputs",
    "coverage_area",
    "encode_rings",
    "head_html",
    "page_data",
    "site_points",
    "strings",
]

#: Simplification of the predicted area, metres (a village dot is ~100 m wide at zoom 12).
AREA_TOLERANCE_M = 60.0

#: key -> (Vietnamese, English)
TEXT: dict[str, tuple[str, str]] = {
    "section": (
        "Dự báo và quy hoạch (không phải đo thực tế)",
        "Predicted and planned (not measured)",
    ),
    "layer_sites": ("Trạm phát sóng hiện có", "Existing radio sites"),
    "sites_bb": ("Trạm có băng rộng di động (3G/4G/5G)", "Site with mobile broadband (3G/4G/5G)"),
    "sites_2g": ("Trạm chỉ có 2G", "Site with 2G only"),
    "synthetic": (
        "TỔNG HỢP (trạm giả định, dữ liệu mẫu)",
        "SYNTHETIC (invented sites, sample data)",
    ),
    "layer_area": (
        "Vùng phủ dự báo (mô hình {model}, không phải đo thực tế)",
        "Predicted coverage (model {model}, not measured)",
    ),
    "area_computed": (
        "tính trên bản đồ: trong {km} km quanh trạm 3G/4G/5G",
        "computed by the map: within {km} km of a 3G/4G/5G site",
    ),
    "layer_none_covered": (
        "Báo chưa có sóng, dự báo có sóng: kiểm tra tại chỗ (danh sách bản có thể đã cũ)",
        "Reported none, predicted covered: check on site (the register may be out of date)",
    ),
    "layer_covered_none": (
        "Báo có sóng, dự báo không: kiểm tra danh sách bản hoặc danh sách trạm",
        "Reported covered, predicted none: check the register or the site list",
    ),
    "layer_plan": (
        "Trạm đề xuất và các bản sẽ được phủ",
        "Proposed sites and the villages they would cover",
    ),
    "plan_line": ("Bản sẽ được phủ bởi trạm đề xuất", "Village a proposed site would cover"),
    "layer_unreachable": (
        "Bản không trạm đề xuất nào phủ tới",
        "Villages no candidate site reaches",
    ),
    "switch_sites": ("Trạm hiện có", "Existing sites"),
    "switch_synthetic": ("TỔNG HỢP", "SYNTHETIC"),
    "switch_area": ("Vùng phủ dự báo ({model})", "Predicted coverage ({model})"),
    "switch_none_covered": ("Báo chưa có sóng, dự báo có", "Reported none, predicted covered"),
    "switch_covered_none": ("Báo có sóng, dự báo không", "Reported covered, predicted none"),
    "switch_plan": ("Trạm đề xuất", "Proposed sites"),
    "switch_unreachable": ("Bản không trạm nào phủ tới", "Villages no candidate reaches"),
    "field_site": ("Mã trạm", "Site"),
    "field_operator": ("Nhà mạng", "Operator"),
    "field_technology": ("Công nghệ", "Technology"),
    "field_height": ("Độ cao anten", "Antenna height"),
    "field_reported": ("Báo cáo", "Reported"),
    "field_predicted": ("Dự báo", "Predicted"),
    "field_best_site": ("Trạm phủ gần nhất", "Covering site"),
    "field_nearest_km": ("Khoảng cách tới trạm", "Distance to site"),
    "field_model": ("Mô hình", "Model"),
    "field_check": ("Cần làm", "To do"),
    "check_on_site": (
        "kiểm tra tại chỗ: danh sách bản có thể đã cũ",
        "check on site: the register may be out of date",
    ),
    "check_register": (
        "kiểm tra danh sách bản hoặc danh sách trạm",
        "check the register or the site list",
    ),
    "covered": ("có băng rộng di động", "mobile broadband"),
    "not_covered": ("không có băng rộng di động", "no mobile broadband"),
    "proposed": ("Trạm đề xuất {id}", "Proposed site {id}"),
    "new_villages": ("Số bản được phủ mới", "Villages newly covered"),
    "new_households": ("Số hộ được phủ mới", "Households newly covered"),
    "new_people": ("Số dân được phủ mới", "People newly covered"),
    "unreachable": (
        "Không trạm đề xuất nào phủ tới bản này",
        "No candidate site reaches this village",
    ),
    "more": ("… và {n} bản khác", "… and {n} more villages"),
}


def strings(lang: str = "vi") -> dict[str, str]:
    """Every label of the prediction layers in ``lang`` ("vi" or "en").

    Examples
    --------
    >>> strings("en")["layer_sites"]
    'Existing radio sites'
    """
    if lang not in ("vi", "en"):
        raise InputError(f"unknown language '{lang}' (expected vi or en)")
    pos = 0 if lang == "vi" else 1
    return {key: pair[pos] for key, pair in TEXT.items()}


@dataclass
class PredictionInputs:
    """What ``slmap map`` was given beside the register.

    Attributes
    ----------
    sites : slmap.sources.sites.SiteTable or None
    prediction : slmap.sources.predictions.PredictionTable or None
    plan : slmap.sources.predictions.PlanTable or None
    keep_going : bool
        Rows naming a village the register does not have are left out (each
        reported) instead of failing.
    distance_area : shapely geometry or None
        The area within ``radius_km`` of the broadband sites (EPSG:4326),
        drawn when the prediction has no ``coverage`` layer of its own.
    radius_km : float
        The distance model's radius that ``distance_area`` was drawn with.
    """

    sites: Any = None
    prediction: Any = None
    plan: Any = None
    keep_going: bool = False
    distance_area: Any = None
    radius_km: float = 5.0
    warnings: list[Problem] = field(default_factory=list)


def head_html() -> str:
    """The stylesheet and script of the prediction layers, inlined (added only when used).

    Examples
    --------
    >>> head_html().count("<script>"), head_html().count("<style>")
    (1, 1)
    """
    from slmap.page import assets

    return "\n" + "\n".join(
        [
            assets.style_tag(assets.asset_text("slmap_predict.css")),
            assets.script_tag(assets.asset_text("slmap_predict.js")),
        ]
    )


def site_points(sites: gpd.GeoDataFrame) -> dict[str, list]:
    """Existing sites as page columns: x, y (degrees × 10⁵), id, operator, technology, height.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame({"site_id": ["S1"], "operator": ["A"], "technology": ["2g"],
    ...                       "height_m": [30.0]}, geometry=[Point(103.9, 21.3)], crs=4326)
    >>> site_points(s)
    {'x': [10390000], 'y': [2130000], 'id': ['S1'], 'op': ['A'], 'tech': ['2g'], 'h': [30.0]}
    """
    geom = sites.geometry.to_crs(4326)
    operator = sites["operator"] if "operator" in sites else pd.Series("", index=sites.index)
    return {
        "x": degrees_e5(geom.x),
        "y": degrees_e5(geom.y),
        "id": [str(v) for v in sites["site_id"]],
        "op": [cell_text(v) for v in operator],
        "tech": [cell_text(v) or "4g" for v in sites["technology"]],
        "h": [None if pd.isna(v) else round(float(v), 1) for v in sites["height_m"]],
    }


def encode_rings(geometry: Any, scale: float = 1e4) -> list[list[list[int]]]:
    """Polygons as lists of rings, each ``[x0, y0, dx1, dy1, ...]`` in degrees × ``scale``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> encode_rings(box(0, 0, 0.001, 0.002))
    [[[10, 0, 0, 20, -10, 0, 0, -20, 10, 0]]]
    """
    polygons = list(getattr(geometry, "geoms", [geometry]))
    out = []
    for poly in polygons:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            xy = np.round(np.asarray(ring.coords)[:, :2] * scale).astype(np.int64)
            deltas = np.vstack([xy[:1], np.diff(xy, axis=0)])
            rings.append([int(v) for v in deltas.ravel()])
        out.append(rings)
    return out


def coverage_area(
    prediction: Any, inputs: PredictionInputs, lang: str = "vi"
) -> dict[str, Any] | None:
    """The predicted covered area: the file's ``coverage`` layer, else the sites' distance area.

    The distance area (``inputs.distance_area``, within ``inputs.radius_km``
    of a broadband site) is computed by the radio package and handed in.
    Returns None when neither is available. ``computed`` says the map drew
    the distance model's area itself; ``km2`` is its size.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import Point
    >>> disc = gpd.GeoSeries([Point(104, 21)], crs=4326).to_crs(32648).buffer(5000, 16)
    >>> given = PredictionInputs(distance_area=disc.to_crs(4326).iloc[0], radius_km=5.0)
    >>> area = coverage_area(SimpleNamespace(coverage=None), given)
    >>> area["computed"], 77 < area["km2"] < 79, len(area["rings"])
    (True, True, 1)
    """
    coverage = getattr(prediction, "coverage", None)
    if coverage is not None and len(coverage):
        model = ", ".join(sorted({cell_text(v) for v in coverage.get("model", []) if cell_text(v)}))
        shape, computed = shapely.union_all(coverage.geometry.to_numpy()), False
    elif inputs.distance_area is not None:
        shape, model, computed = inputs.distance_area, "distance", True
    else:
        return None
    utm = gpd.GeoSeries([shape], crs=4326)
    utm = utm.to_crs(utm.estimate_utm_crs())
    km2 = float(utm.area.iloc[0]) / 1e6
    simple = utm.simplify(AREA_TOLERANCE_M).to_crs(4326).iloc[0]
    note = strings(lang)["area_computed"].format(km=f"{inputs.radius_km:g}") if computed else ""
    out = {"rings": encode_rings(simple), "km2": round(km2), "model": model or "?", "note": note}
    return out | {"computed": computed}


def page_data(model: Any, inputs: PredictionInputs, lang: str = "vi") -> dict[str, Any]:
    """Everything ``slmap_predict.js`` draws, as JSON-ready values.

    Parameters
    ----------
    model : slmap.model.CoverageModel
        The map's model: its villages are joined by ``village_id``.
    inputs : PredictionInputs
        The files read; its ``warnings`` receive what the caller should print.
    lang : {"vi", "en"}

    Returns
    -------
    dict
        ``s`` (labels), ``layers`` (page layer key -> layer switcher name),
        and ``sites``, ``area``, ``disagree``, ``plan`` as given.

    Raises
    ------
    InputError
        A village id of the prediction or plan unknown to the register
        (one problem each), unless ``inputs.keep_going``.
    """
    s = strings(lang)
    villages = model.villages
    synthetic = bool(inputs.sites is not None and inputs.sites.synthetic)
    out: dict[str, Any] = {"s": s, "layers": {}, "synthetic": synthetic}
    layers = out["layers"]
    if inputs.sites is not None:
        out["sites"] = site_points(inputs.sites.sites)
        tag = f" ({s['switch_synthetic']})" if synthetic else ""
        layers["predSites"] = f"{s['switch_sites']}{tag} ({len(out['sites']['x'])})"
    if inputs.prediction is not None:
        out["disagree"] = disagreements(villages, inputs.prediction, inputs)
        out["area"] = coverage_area(inputs.prediction, inputs, lang)
        if out["area"] is not None:
            layers["predArea"] = s["switch_area"].format(model=out["area"]["model"])
            out["area"]["label"] = s["layer_area"].format(model=out["area"]["model"])
        else:
            inputs.warnings.append(
                Problem(
                    inputs.prediction.source,
                    "no 'coverage' layer and no --sites: the predicted area is not drawn",
                    severity="warning",
                )
            )
        for key, label in (
            ("predNoneCovered", "none_covered"),
            ("predCoveredNone", "covered_none"),
        ):
            layers[key] = f"{s['switch_' + label]} ({len(out['disagree'][key]['x'])})"
    if inputs.plan is not None:
        plan = out["plan"] = plan_data(villages, inputs.plan, inputs)
        layers["planSites"] = f"{s['switch_plan']} ({len(plan['sites']['x'])})"
        if plan["unreachable"] is not None:
            n = len(plan["unreachable"]["x"])
            layers["planUnreachable"] = f"{s['switch_unreachable']} ({n})"
    return out
