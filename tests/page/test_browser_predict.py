"""The prediction and plan layers in a real headless Chromium, offline, phone and laptop."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_map_predict import read_inputs, write_inputs

from _browser import ARTIFACTS, assert_clean, open_map, synthetic_model
from slmap.page import predict as map_predict
from slmap.page.render import render_html
from slmap.sources.predictions import read_plan, read_prediction
from slmap.sources.sites import read_sites

pytestmark = pytest.mark.browser

SAMPLE_SITES = Path(__file__).resolve().parents[2] / "geodata/sample/son_la_sites_synthetic.csv"

COUNTS = """() => {
  const n = (q) => document.querySelectorAll(q).length;
  return {
    bb: n('.slmap-pred-bb'), g2: n('.slmap-pred-2g'), area: n('path.slmap-pred-area'),
    noneCovered: n('.slmap-pred-none-covered'), coveredNone: n('.slmap-pred-covered-none'),
    planSites: n('.slmap-plan-site'), lines: n('path.slmap-plan-line'),
    unreachable: n('.slmap-plan-unreachable'),
    rows: [...document.querySelectorAll('.slmap-legend .slmap-pred-row')].map(r => r.innerText),
    layers: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
      .map(l => l.innerText.trim()),
    hatch: n('#slmap-pred-hatch'),
  };
}"""


def _popup(page, selector: str) -> str:
    page.evaluate("window.slmapMap.closePopup()")
    page.locator(selector).first.dispatch_event("click")
    return page.locator(".leaflet-popup-content").last.inner_text()


def _visible_rows(page) -> int:
    return page.evaluate(
        "[...document.querySelectorAll('.slmap-legend .slmap-pred-row')]"
        ".filter(r => r.offsetParent !== null).length"
    )


def test_prediction_layers_in_browser(browser_ready, tmp_path: Path) -> None:
    model = synthetic_model()
    inputs = read_inputs(write_inputs(tmp_path, model))
    path = tmp_path / "pred.html"
    data = map_predict.page_data(model, inputs, "en")
    path.write_text(render_html(model, lang="en", predicted=data), encoding="utf-8")

    def action(page):
        seen = {"counts": page.evaluate(COUNTS)}
        seen["site"] = _popup(page, ".slmap-pred-2g")
        seen["check"] = _popup(page, ".slmap-pred-none-covered")
        seen["plan"] = _popup(page, ".slmap-plan-site")
        seen["rows_on"] = _visible_rows(page)
        label = page.locator(".leaflet-control-layers-overlays label", has_text="Existing sites")
        label.locator("input").uncheck()
        seen["rows_off"] = _visible_rows(page)
        seen["bb_off"] = page.evaluate(COUNTS)["bb"]
        label.locator("input").check()
        page.evaluate("window.slmapPrint.enter()")
        seen["print_rows"] = page.evaluate(
            "document.querySelectorAll('.slmap-print-side .slmap-pred-row').length"
        )
        seen["print_visible"] = _visible_rows(page)
        seen["print_inside"] = page.evaluate(
            """() => {
              const side = document.querySelector('.slmap-print-side').getBoundingClientRect();
              return [...document.querySelectorAll('.slmap-print-side .slmap-pred-row')]
                .every(r => r.getBoundingClientRect().bottom <= side.bottom + 0.5);
            }"""
        )
        page.screenshot(path=str(ARTIFACTS / "predict_print.png"))
        page.evaluate("window.slmapPrint.leave()")
        return seen

    ARTIFACTS.mkdir(exist_ok=True)
    seen, report = open_map(
        path, action, screenshot=ARTIFACTS / "predict_1280.png", viewport=(1280, 800)
    )
    assert_clean(report)
    c = seen["counts"]
    assert (c["bb"], c["g2"], c["area"], c["hatch"]) == (2, 1, 1, 1)
    assert (c["noneCovered"], c["coveredNone"]) == (2, 2)
    assert (c["planSites"], c["lines"], c["unreachable"]) == (1, 2, 1)
    assert len(c["rows"]) == 8
    assert any(r.startswith("Predicted coverage (model distance, not measured)") for r in c["rows"])
    assert any("check on site" in r and "(2)" in r for r in c["rows"])
    assert any("check the register or the site list (2)" in r for r in c["rows"])
    assert "Existing sites (SYNTHETIC) (3)" in c["layers"]
    assert (
        "Proposed sites (1)" in c["layers"] and "Villages no candidate reaches (1)" in c["layers"]
    )
    assert "S2" in seen["site"] and "<b>B</b>" in seen["site"] and "SYNTHETIC" in seen["site"]
    assert "check on site: the register may be out of date" in seen["check"]
    assert "Proposed site NEW-0001" in seen["plan"] and "2,550" in seen["plan"]
    assert seen["rows_on"] == 8 and seen["rows_off"] == 6 and seen["bb_off"] == 0
    assert seen["print_rows"] == 8 and seen["print_visible"] == 8 and seen["print_inside"]


def test_prediction_layers_on_a_phone(browser_ready, tmp_path: Path) -> None:
    model = synthetic_model()
    data = map_predict.page_data(model, read_inputs(write_inputs(tmp_path, model)), "vi")
    path = tmp_path / "pred_vi.html"
    path.write_text(render_html(model, lang="vi", predicted=data), encoding="utf-8")

    def action(page):
        hidden = _visible_rows(page)
        page.locator(".slmap-legend-toggle").click()
        clear = page.evaluate(
            """() => {
              const a = document.querySelector('.slmap-legend').getBoundingClientRect();
              const b = document.querySelector('.slmap-title').getBoundingClientRect();
              return a.bottom <= b.top || b.bottom <= a.top;
            }"""
        )
        counts = page.evaluate(COUNTS)
        return {"hidden": hidden, "open": _visible_rows(page), "clear": clear, "counts": counts}

    seen, report = open_map(
        path, action, screenshot=ARTIFACTS / "predict_390.png", viewport=(390, 844), touch=True
    )
    assert_clean(report)
    assert seen["hidden"] == 0 and seen["open"] == 8  # folded behind the legend button
    assert seen["clear"]  # the open legend does not run under the title bar
    assert any("không phải đo thực tế" in r for r in seen["counts"]["rows"])
    assert seen["counts"]["bb"] == 2


@pytest.mark.geodata
def test_sample_map_with_prediction_and_plan(browser_ready, sample_model, tmp_path: Path) -> None:
    from slmap.radio.plan import auto_candidates, choose_sites
    from slmap.radio.predict import DEFAULT_RADIUS_KM, distance_area, predict_coverage

    villages = sample_model.villages
    sites = read_sites(SAMPLE_SITES)
    result = predict_coverage(villages, sites.sites)
    frame = pd.concat([villages[["village_id"]], result], axis=1)
    frame.to_csv(tmp_path / "p.csv", index=False)
    reported = villages["mobile_broadband"].astype(bool)
    serve = villages[~reported & ~result["predicted_mbb"]]
    plan = choose_sites(villages, result["predicted_mbb"], auto_candidates(serve), new_sites=5)
    gpd.GeoDataFrame(plan.chosen).drop(columns="geometry").to_csv(
        tmp_path / "plan.csv", index=False
    )
    plan.villages.to_csv(tmp_path / "plan.villages.csv", index=False)
    inputs = map_predict.PredictionInputs(
        sites,
        read_prediction(tmp_path / "p.csv"),
        read_plan(tmp_path / "plan.csv"),
        distance_area=distance_area(sites.sites, DEFAULT_RADIUS_KM),
        radius_km=DEFAULT_RADIUS_KM,
    )
    data = map_predict.page_data(sample_model, inputs, "vi")
    base = render_html(sample_model)
    page = render_html(sample_model, predicted=data)
    added = len(page.encode()) - len(base.encode())
    assert 0 < added <= 300_000
    path = tmp_path / "son_la_pred.html"
    path.write_text(page, encoding="utf-8")

    seen, report = open_map(
        path, lambda p: p.evaluate(COUNTS), screenshot=ARTIFACTS / "son_la_predict.png"
    )
    assert_clean(report)
    agreement = result["agreement"].value_counts()
    tech = sites.sites["technology"]
    assert seen["bb"] == int((tech != "2g").sum()) and seen["g2"] == int((tech == "2g").sum())
    assert seen["noneCovered"] == agreement["reported_none_predicted_covered"]
    assert seen["coveredNone"] == agreement["reported_covered_predicted_none"]
    assert seen["planSites"] == len(plan.chosen)
    assert seen["lines"] == int(plan.chosen["villages_newly_covered"].sum())
    assert seen["area"] == 1 and len(seen["rows"]) == 8
