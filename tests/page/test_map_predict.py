"""Page data of the prediction and plan layers, and the files they are read from."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box

from _browser import synthetic_model
from slmap.base.errors import InputError
from slmap.page import predict as map_predict
from slmap.page.render import render_html
from slmap.radio.predict import DEFAULT_RADIUS_KM, distance_area
from slmap.sources.predictions import read_plan, read_prediction
from slmap.sources.sites import read_sites

#: Predicted coverage of the ten villages of the synthetic model (V000..V009).
PREDICTED = [True, True, False, False, False, True, False, True, True, True]


def write_inputs(folder: Path, model, *, unreachable: bool = True) -> dict[str, Path]:
    """Sites, prediction and plan files for the synthetic model (the formats predict/plan write)."""
    v = model.villages
    paths = {k: folder / f"{k}.csv" for k in ("sites", "prediction", "plan")}
    first, second = v.geometry.iloc[0], v.geometry.iloc[5]
    paths["sites"].write_text(
        "site_id,lon,lat,height_m,operator,technology,synthetic\n"
        f"S1,{first.x:.5f},{first.y:.5f},30,Nhà mạng A,4g,yes\n"
        f"S2,{second.x:.5f},{second.y:.5f},25,<b>B</b>,2g,yes\n"
        "S3,104.3,21.8,40,,lte,yes\n",
        encoding="utf-8",
    )
    lines = ["village_id,predicted_mbb,best_site_id,distance_km,los,agreement,model"]
    for vid, pred in zip(v["village_id"], PREDICTED, strict=True):
        lines.append(f"{vid},{pred},{'S1' if pred else ''},1.5,,,distance")
    paths["prediction"].write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    paths["plan"].write_text(
        "site_id,height_m,technology,lon,lat,villages_newly_covered,households_newly_covered,"
        "people_newly_covered,village_ids\n"
        "NEW-0001,30.0,4g,103.8,21.2,2,101,2550,V002;V004\n",
        encoding="utf-8",
    )
    reach = "False" if unreachable else "True"
    (folder / "plan.villages.csv").write_text(
        f"row,village_id,new_site_id,reachable\n2,V002,NEW-0001,True\n3,V004,NEW-0001,True\n"
        f"4,V000,,{reach}\n",
        encoding="utf-8",
    )
    return paths


def read_inputs(paths: dict[str, Path], keep_going: bool = False) -> map_predict.PredictionInputs:
    """What ``slmap map --sites --prediction --plan`` hands the page (cli/map.py)."""
    sites = read_sites(paths["sites"])
    return map_predict.PredictionInputs(
        sites,
        read_prediction(paths["prediction"], keep_going=keep_going),
        read_plan(paths["plan"], keep_going=keep_going),
        keep_going=keep_going,
        distance_area=distance_area(sites.sites, DEFAULT_RADIUS_KM),
        radius_km=DEFAULT_RADIUS_KM,
    )


@pytest.fixture
def model():
    return synthetic_model()


def test_disagreements_join_the_register(model, tmp_path: Path) -> None:
    reported = model.villages["mobile_broadband"].tolist()
    assert reported == [False, False, False, True, False, True, True, True, True, True]
    data = map_predict.page_data(model, read_inputs(write_inputs(tmp_path, model)), "en")
    disagree = data["disagree"]
    assert disagree["predNoneCovered"]["i"] == ["V000", "V001"]
    assert disagree["predCoveredNone"]["i"] == ["V003", "V006"]
    assert disagree["predicted"] == sum(PREDICTED)
    assert disagree["predNoneCovered"]["s"] == ["S1", "S1"]
    v0 = model.villages.geometry.iloc[0]
    assert disagree["predNoneCovered"]["x"][0] == round(v0.x * 1e5)
    assert data["layers"]["predNoneCovered"].endswith("(2)")
    assert data["layers"]["predCoveredNone"].endswith("(2)")


def test_sites_by_technology_and_synthetic_label(model, tmp_path: Path) -> None:
    data = map_predict.page_data(model, read_inputs(write_inputs(tmp_path, model)), "vi")
    assert data["sites"]["id"] == ["S1", "S2", "S3"]
    assert data["sites"]["tech"] == ["4g", "2g", "4g"]
    assert data["sites"]["op"][1] == "<b>B</b>"  # text, shown with textContent
    assert data["synthetic"] is True
    assert "TỔNG HỢP" in data["layers"]["predSites"]


def test_area_computed_from_broadband_sites_only(model, tmp_path: Path) -> None:
    paths = write_inputs(tmp_path, model)
    inputs = read_inputs(paths)
    area = map_predict.coverage_area(inputs.prediction, inputs, "en")
    assert area["computed"] is True
    assert "5 km" in area["note"]
    # two 4G sites far apart: two discs of ~78.5 km² (the 2G site adds nothing)
    assert 150 <= area["km2"] <= 158
    assert len(area["rings"]) == 2


def test_area_from_the_coverage_layer(model, tmp_path: Path) -> None:
    paths = write_inputs(tmp_path, model)
    frame = read_prediction(paths["prediction"]).frame
    gpkg = tmp_path / "p.gpkg"
    points = gpd.GeoDataFrame(frame, geometry=[Point(104, 21.2)] * len(frame), crs=4326)
    points.to_file(gpkg, layer="p", driver="GPKG")
    cover = gpd.GeoDataFrame(
        {"model": ["los"], "sites": ["sites.csv"], "note": ["predicted"]},
        geometry=[box(103.6, 21.1, 103.7, 21.2)],
        crs=4326,
    )
    cover.to_file(gpkg, layer="coverage", driver="GPKG")
    table = read_prediction(gpkg)
    assert len(table.frame) == 10 and table.coverage is not None
    area = map_predict.coverage_area(table, read_inputs(paths), "en")
    assert area["model"] == "los" and area["note"] == "" and area["computed"] is False
    assert 100 < area["km2"] < 130  # 0.1° x 0.1° near 21° N


def test_unknown_village_ids_are_an_error_listing_each(model, tmp_path: Path) -> None:
    paths = write_inputs(tmp_path, model)
    text = paths["prediction"].read_text(encoding="utf-8")
    paths["prediction"].write_text(text + "X-1,True,,,,,\nX-2,False,,,,,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        map_predict.page_data(model, read_inputs(paths), "en")
    lines = err.value.lines()
    assert len(lines) == 2
    assert "row 12, column 'village_id'" in lines[0] and "'X-1'" in lines[0]
    assert "'X-2'" in lines[1] and str(paths["prediction"]) in lines[1]
    inputs = read_inputs(paths, keep_going=True)
    data = map_predict.page_data(model, inputs, "en")
    assert [p.kind for p in inputs.warnings] == ["unknown_village", "unknown_village"]
    assert data["disagree"]["predNoneCovered"]["i"] == ["V000", "V001"]


def test_villages_left_out_and_other_agreement_are_reported(model, tmp_path: Path) -> None:
    paths = write_inputs(tmp_path, model)
    lines = paths["prediction"].read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",,distance", ",agree,distance")  # V000 disagrees in fact
    paths["prediction"].write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    inputs = read_inputs(paths)
    map_predict.page_data(model, inputs, "en")
    kinds = {p.kind: str(p) for p in inputs.warnings}
    assert "2 village(s) of the map's register are not in this file" in kinds["not_predicted"]
    assert kinds["agreement"].count("1 village(s)") == 1


def test_bad_prediction_cells_name_row_column_found_expected(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "village_id,predicted_mbb,distance_km\nV1,maybe,1\nV1,True,-2\n,no,x\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        read_prediction(path)
    lines = err.value.lines()
    assert f"{path}: row 2, column 'predicted_mbb': expected yes/no" in lines[0]
    assert "found 'maybe'" in lines[0]
    assert any("row 3, column 'village_id'" in line and "again" in line for line in lines)
    assert any("row 3, column 'distance_km'" in line and "'-2'" in line for line in lines)
    assert any("row 4, column 'distance_km'" in line and "'x'" in line for line in lines)
    kept = read_prediction(path, keep_going=True)
    assert kept.frame.empty and len(kept.problems) == len(lines)


def test_missing_columns_and_files(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("village_id,agreement\nV1,agree\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_prediction(path)
    assert "missing required column predicted_mbb" in err.value.lines()[0]
    with pytest.raises(InputError, match="not found"):
        read_prediction(tmp_path / "none.gpkg")
    path.write_text("site_id,lon,lat\nN1,104,21\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_plan(path)
    assert "missing required column village_ids" in err.value.lines()[0]


def test_plan_lines_and_unreachable(model, tmp_path: Path) -> None:
    data = map_predict.page_data(model, read_inputs(write_inputs(tmp_path, model)), "en")
    plan = data["plan"]
    assert plan["sites"]["id"] == ["NEW-0001"]
    assert plan["sites"]["hh"] == [101] and plan["sites"]["pp"] == [2550]
    assert [plan["villages"]["i"][k] for k in plan["sites"]["v"][0]] == ["V002", "V004"]
    assert plan["unreachable"]["i"] == ["V000"]
    assert data["layers"]["planUnreachable"].endswith("(1)")


def test_plan_without_its_villages_file_says_so(model, tmp_path: Path) -> None:
    paths = write_inputs(tmp_path, model)
    (tmp_path / "plan.villages.csv").unlink()
    inputs = read_inputs(paths)
    data = map_predict.page_data(model, inputs, "en")
    assert data["plan"]["unreachable"] is None and "planUnreachable" not in data["layers"]
    assert any(p.kind == "no_plan_villages" for p in inputs.warnings)


def test_plan_with_unknown_village_is_an_error(model, tmp_path: Path) -> None:
    paths = write_inputs(tmp_path, model)
    text = paths["plan"].read_text(encoding="utf-8").replace("V002;V004", "V002;NOPE")
    paths["plan"].write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        map_predict.page_data(model, read_inputs(paths), "en")
    assert err.value.lines() == [
        f"{paths['plan']}: row 2, column 'village_id': expected a village_id of the map's "
        "register, found 'NOPE' (column village_ids of the plan)"
    ]


def test_page_carries_the_layers_only_when_asked(model, tmp_path: Path) -> None:
    plain = render_html(model, lang="en")
    assert "slmap-pred" not in plain
    data = map_predict.page_data(model, read_inputs(write_inputs(tmp_path, model)), "en")
    html = render_html(model, lang="en", predicted=data)
    assert "slmapExtensions" in html and "slmap-pred-hatch" in html
    assert "Reported none, predicted covered (2)" in html
    assert "<b>B</b>" not in html  # data is escaped JSON


@pytest.mark.geodata
def test_cli_map_with_prediction_and_plan(upstream_env, tmp_path: Path) -> None:
    from slmap.cli import cli

    sites = Path(__file__).resolve().parents[2] / "geodata/sample/son_la_sites_synthetic.csv"
    runner = CliRunner()
    pred, plan = tmp_path / "p.csv", tmp_path / "plan.csv"
    args = ["--sites", str(sites)]
    assert runner.invoke(cli, ["predict", *args, "--out", str(pred)]).exit_code == 0
    result = runner.invoke(cli, ["plan", *args, "--candidates", "auto", "--out", str(plan)])
    assert result.exit_code == 0, result.output
    base, full = tmp_path / "base.html", tmp_path / "full.html"
    assert runner.invoke(cli, ["map", "--out", str(base)]).exit_code == 0
    extra = [*args, "--prediction", str(pred), "--plan", str(plan)]
    result = runner.invoke(cli, ["map", *extra, "--out", str(full)])
    assert result.exit_code == 0, result.output
    added = full.stat().st_size - base.stat().st_size
    assert 0 < added <= 300_000
    # a village unknown to the register: exit 1, one line naming it, no traceback
    table = pd.read_csv(pred, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.loc[len(table)] = {**table.iloc[0].to_dict(), "village_id": "ZZ-404"}
    table.to_csv(pred, index=False)
    result = runner.invoke(cli, ["map", *extra, "--out", str(tmp_path / "bad.html")])
    assert result.exit_code == 1
    assert "found 'ZZ-404'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "bad.html").exists()


def test_plan_geojson_takes_positions_from_points(tmp_path: Path) -> None:
    path = tmp_path / "plan.geojson"
    frame = gpd.GeoDataFrame(
        {"site_id": ["N1"], "households_newly_covered": [12], "village_ids": ["V1;V2"]},
        geometry=[Point(104.25, 21.5)],
        crs=4326,
    )
    frame.to_crs(32648).to_file(path, driver="GeoJSON")  # positions come back in degrees
    sites = read_plan(path).sites
    assert sites[["lon", "lat"]].round(6).values.tolist() == [[104.25, 21.5]]
    assert sites["households_newly_covered"].tolist() == [12.0]
