"""Layouts and dates: the 2023 (204), 2025-03 (200) and 2025 (75) layouts, detection,
forward conversion and change between two dates."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from slmap.admin import crosswalks, layouts
from slmap.admin.detect import detect_layout
from slmap.base.errors import InputError
from slmap.cli import cli
from slmap.model import load_coverage

GADM = ("son_la", "communes_204_gadm41.geojson")


def _gadm(shared_geodata) -> gpd.GeoDataFrame:
    return gpd.read_file(shared_geodata.joinpath(*GADM))


def test_layouts_have_their_units_and_districts():
    assert [len(layouts.units(x)) for x in ("2023", "2025-03", "2025")] == [204, 200, 75]
    assert len(layouts.districts("2023")) == len(layouts.districts("2025-03")) == 12
    old = set(layouts.units("2023")["commune_code"])
    new = set(layouts.units("2025-03")["commune_code"])
    assert old - new == {"03751", "03898", "03913", "03988", "03991", "04003", "04060"}
    assert new - old == {"03980", "03983", "03984"}


@pytest.mark.parametrize(("source", "target"), [("2023", "2025-03"), ("2023", "2025"),
                                                ("2025-03", "2025")])  # fmt: skip
def test_crosswalk_gives_every_old_unit_one_default_destination(source, target):
    cw = crosswalks.crosswalk(source, target)
    assert set(cw["old_code"]) == set(layouts.units(source)["commune_code"])
    assert cw.groupby("old_code")["default"].sum().eq(1).all()
    assert set(cw["new_code"]) <= set(layouts.units(target)["commune_code"])
    assert set(cw["link"]) <= {"whole", "partial", "unknown"}


def test_conversion_never_runs_backward():
    with pytest.raises(InputError, match="only runs forward"):
        crosswalks.crosswalk("2025", "2023")


def test_codes_pick_the_newest_layout_that_holds_them_all():
    assert detect_layout(codes=pd.Series(["03646", "03664"])).layout == "2025"
    # 03751 exists only in 2023: the older layout is chosen
    assert detect_layout(codes=pd.Series(["03646", "03751"])).layout == "2023"
    # 03649 is not a 2025 code: 2025-03 is the newest layout holding both
    assert detect_layout(codes=pd.Series(["03646", "03649"])).layout == "2025-03"


def test_names_given_with_codes_decide_between_layouts():
    # 03646 is Phường Chiềng Lề until 2025-06 and Phường Tô Hiệu after
    d = detect_layout(codes=pd.Series(["03646"]), names=pd.Series(["Phường Chiềng Lề"]))
    assert d.layout == "2025-03"
    d = detect_layout(codes=pd.Series(["03646"]), names=pd.Series(["Phường Tô Hiệu"]))
    assert d.layout == "2025"


def test_gadm_file_validates_as_the_2023_layout(shared_geodata, upstream_env):
    result = CliRunner().invoke(
        cli, ["validate", "--boundaries", str(shared_geodata.joinpath(*GADM))]
    )
    assert result.exit_code == 0, result.output
    assert "ok: 204 communes (2023 layout)" in result.stdout
    assert "Traceback" not in result.output


def test_gadm_fields_alone_match_204_of_204_by_name_within_district(
    shared_geodata, upstream_env, tmp_path
):
    gadm = _gadm(shared_geodata)
    hidden = gadm["ma_xa"].tolist()
    reduced = gadm[["GID_3", "NAME_3", "NAME_2", "geometry"]]
    path = tmp_path / "gadm_only.geojson"
    reduced.to_file(path)
    model = load_coverage(boundaries=path, layout="2023")
    assert model.provenance.input_layouts["boundaries"] == "2023"
    assert "204 matched by name within district" in model.provenance.layout_reasons["boundaries"]
    by_feature = model.communes.set_index("feature")["commune_code"]
    got = [by_feature.get(i + 1) for i in range(len(gadm))]
    assert got == hidden  # 204 of 204, none wrong


def _register_of_every_2023_commune(by: str) -> str:
    units = layouts.units("2023")
    rows = ["village_id,village_name,commune_code,commune_name,district_name,households,"
            "population,mobile_signal,fibre"]  # fmt: skip
    for i, u in enumerate(units.itertuples(index=False)):
        code = u.commune_code if by == "code" else ""
        name = u.commune_name if by == "name" else ""
        district = u.district_name if by == "name" else ""
        signal = "none" if i % 7 == 0 else "4g"
        rows.append(f"V{i},Bản {i},{code},{name},{district},10,40,{signal},no")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("by", ["code", "name"])
def test_2023_registers_load_204_of_204(by, tmp_path, upstream_env):
    path = tmp_path / f"by_{by}.csv"
    path.write_text(_register_of_every_2023_commune(by), encoding="utf-8")
    model = load_coverage(register=path)
    assert model.provenance.input_layouts["register"] == "2023"
    assert len(model.villages) == 204 and len(model.rejects) == 0
    assert set(model.villages["commune_code_old"]) == set(layouts.units("2023")["commune_code"])
    assert len(model.communes) == 75  # drawn in the 2025 layout
    expected_no_mbb = sum(1 for i in range(204) if i % 7 == 0)
    assert int(model.province["villages_no_mbb"].iloc[0]) == expected_no_mbb


def test_same_register_drawn_in_2023_layout(shared_geodata, upstream_env, tmp_path):
    path = tmp_path / "by_name.csv"
    path.write_text(_register_of_every_2023_commune("name"), encoding="utf-8")
    model = load_coverage(boundaries=shared_geodata.joinpath(*GADM), register=path)
    assert model.provenance.layout == "2023"
    assert len(model.communes) == 204
    counts = model.communes["villages"]
    assert (counts == 1).all()


def test_older_layout_than_the_boundaries_given_is_refused(shared_geodata, upstream_env):
    pinned = upstream_env / "vietnam-3d-map_wards_14.json"
    with pytest.raises(InputError, match="older 2023 layout"):
        load_coverage(boundaries=pinned, layout="2023")
    with pytest.raises(InputError, match="older 2023 layout"):
        load_coverage(layout="2023", approximate=False)
    approx = load_coverage(layout="2023")  # no file named: the 2025 communes split, flagged
    assert len(approx.communes) == 204 and approx.communes["approximate"].all()


def test_sample_reproduces_the_figures_in_both_layouts(shared_geodata, upstream_env):
    for model in (
        load_coverage(),
        load_coverage(boundaries=shared_geodata.joinpath(*GADM)),
    ):
        p = model.province.iloc[0]
        assert len(model.villages) == 1825 and int(p["villages_no_mbb"]) == 123
        assert int(p["villages_4g"]) == 1702 and round(p["share_4g"], 2) == 93.26
        assert round(p["pop_4g_share"], 2) == 94.86 and round(p["fibre_hh_share"], 2) == 38.56
        assert model.provenance.as_of == model.provenance.data_date == "2022-12-31"
    assert len(model.communes) == 204
    earlier = load_coverage(as_of="2021-12-31")
    assert int(earlier.province["villages_no_mbb"].iloc[0]) == 216


def test_change_on_the_sample(upstream_env):
    result = CliRunner().invoke(cli, ["change", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = pd.DataFrame(json.loads(result.stdout))
    counts = ["villages_no_mbb_before", "villages_no_mbb_after", "newly_covered", "newly_uncovered"]
    assert set(rows.columns) == {"level", "code", "name", *counts}
    province = rows[rows.level == "province"].iloc[0]
    assert (province.villages_no_mbb_before, province.villages_no_mbb_after) == (216, 123)
    assert (province.newly_covered, province.newly_uncovered) == (93, 0)
    for level in ("commune", "district"):
        assert rows[rows.level == level][counts].sum().tolist() == province[counts].tolist()
    assert (rows.level == "commune").sum() == 75


def test_change_counts_villages_in_one_register_apart(tmp_path, upstream_env):
    head = "village_id,village_name,commune_code,households,population,mobile_signal,fibre,as_of\n"
    before = tmp_path / "b.csv"
    after = tmp_path / "a.csv"
    before.write_text(head + "A,Bản A,03646,1,4,none,no,2021-12-31\n"
                      "B,Bản B,03646,1,4,4g,no,2021-12-31\n"
                      "C,Bản C,03646,1,4,none,no,2021-12-31\n", encoding="utf-8")  # fmt: skip
    after.write_text(head + "A,Bản A,03646,1,4,4g,no,2022-12-31\n"
                     "B,Bản B,03646,1,4,2g,no,2022-12-31\n"
                     "D,Bản D,03646,1,4,none,no,2022-12-31\n", encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(
        cli, ["change", "--before", str(before), "--after", str(after), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    province = json.loads(result.stdout)[0]
    assert province["villages_no_mbb_before"] == 2 and province["villages_no_mbb_after"] == 2
    assert province["newly_covered"] == 1 and province["newly_uncovered"] == 1
    assert re.search(r"1 village\(s\) only in the before register, not paired: C", result.stderr)
    assert re.search(r"1 village\(s\) only in the after register, not paired: D", result.stderr)


def _older_names_only_file(shared_geodata, tmp_path, district_field="Quan"):
    """The 2023 communes as a pre-2013 file would name them: no codes, Vân Hồ in Mộc Châu."""
    gadm = _gadm(shared_geodata)
    older = gpd.GeoDataFrame(
        {
            "Ten": gadm["NAME_3"],
            district_field: gadm["NAME_2"].replace({"VânHồ": "MộcChâu"}),
        },
        geometry=gadm.geometry,
        crs=gadm.crs,
    )
    path = tmp_path / "older.geojson"
    older.to_file(path)
    return path


def test_older_names_only_file_gets_a_short_diagnosis(shared_geodata, upstream_env, tmp_path):
    path = _older_names_only_file(shared_geodata, tmp_path)
    for extra in ([], ["--keep-going"]):
        result = CliRunner().invoke(
            cli, ["validate", "--boundaries", str(path), "--name-field", "Ten", *extra]
        )
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error")]
        assert len(lines) <= 3, lines
        assert "fit no known layout well" in result.stderr
        assert "best fit layout 2023 (204)" in result.stderr


def test_district_names_are_never_taken_for_commune_names(shared_geodata, upstream_env, tmp_path):
    path = _older_names_only_file(shared_geodata, tmp_path)
    result = CliRunner().invoke(
        cli, ["validate", "--boundaries", str(path), "--name-field", "Quan"]
    )
    assert result.exit_code == 1
    assert "holds district names" in result.stderr and "--district-field" in result.stderr


def test_published_list_of_uncovered_villages_loads_in_its_communes(tmp_path, upstream_env):
    from _lists import grouped_list, villages

    data = villages()
    path = grouped_list(data).xlsx(tmp_path / "danh_sach.xlsx")
    model = load_coverage(register=path)
    assert any(p.kind == "list_detected" for p in model.problems)
    assert len(model.villages) == len(data) and len(model.rejects) == 0
    assert not model.villages["mobile_broadband"].any()
    assert int(model.province["villages_no_mbb"].iloc[0]) == len(data)
    old = layouts.units("2023").set_index("commune_code")
    got = model.villages.set_index("village_name")
    for v in data:  # each village in its 2023 commune, moved to that commune's 2025 unit
        code = got.at[v.name, "commune_code_old"]
        assert old.at[code, "commune_name"] == v.commune
        assert old.at[code, "district_name"] == v.district
    forced = load_coverage(register=path, uncovered_list=True)
    assert len(forced.villages) == len(data)


def test_kml_with_the_district_only_in_its_description(shared_geodata, upstream_env, tmp_path):
    gadm = _gadm(shared_geodata)
    kml = gpd.GeoDataFrame(
        {
            "Name": gadm["NAME_3"],
            "Description": "<b>Huyện:</b> " + gadm["NAME_2"] + "<br>Nguồn: GADM",
        },
        geometry=gadm.geometry,
        crs=gadm.crs,
    )
    path = tmp_path / "communes.kml"
    kml.to_file(path, driver="KML")
    model = load_coverage(boundaries=path)
    assert any(p.kind == "district_from_description" for p in model.problems)
    reason = model.provenance.layout_reasons["boundaries"]
    assert "204 matched by name within district" in reason
    assert sorted(model.communes["commune_code"]) == sorted(gadm["ma_xa"])


def test_statistics_of_the_2023_layout_are_summed_into_2025_communes(tmp_path, upstream_env):
    cw = crosswalks.crosswalk("2023", "2025")
    whole = cw[cw["link"] == "whole"]
    target = whole.groupby("new_code").filter(lambda g: len(g) >= 2)["new_code"].iloc[0]
    olds = whole.loc[whole["new_code"] == target, "old_code"].tolist()
    rows = ["Mã xã,Số hộ,Dân số"] + [f"{c},{100 + i},{40000 + i}" for i, c in enumerate(olds)]
    stats = tmp_path / "stats_2023.csv"
    stats.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = load_coverage(statistics=stats)
    c = model.communes.loc[target]
    assert int(c["households"]) == sum(100 + i for i in range(len(olds)))
    assert int(c["population"]) == sum(40000 + i for i in range(len(olds)))
    assert c["pop_4g_share"] == pytest.approx(c["population_4g"] / c["population"] * 100)
