"""The model on real boundaries and the embedded sample (DESIGN §1, §3)."""

import pandas as pd
import pytest

from slmap.base.errors import InputError, ValidationError
from slmap.model import load_coverage
from slmap.sources import read_boundaries


def test_sample_reproduces_the_published_figures(sample_model):
    p = sample_model.province.iloc[0]
    assert p["villages"] == 1825
    assert p["villages_no_mbb"] == 123
    assert p["villages_4g"] == 1702
    assert round(p["share_4g"], 2) == 93.26
    assert round(p["fibre_hh_share"], 2) == 38.56
    assert round(p["pop_4g_share"], 2) == 94.86
    c = sample_model.communes
    assert len(c) == 75
    assert c["fibre_backbone"].astype(bool).all()
    assert (c["villages_4g"] >= 1).all()
    assert sample_model.provenance.sample


def test_sample_is_reproducible_from_its_generator():
    from slmap.sample import generate_sample
    from slmap.sources import SAMPLE_DATES, read_register, sample_register_path

    fresh = generate_sample()
    assert tuple(fresh) == SAMPLE_DATES
    for as_of, register in fresh.items():
        committed = read_register(sample_register_path(as_of)).frame
        assert len(committed) == len(register) == 1825
        assert committed["village_id"].tolist() == register["village_id"].tolist()
        assert committed["households"].astype(int).tolist() == register["households"].tolist()
        assert committed["mobile_signal"].tolist() == register["mobile_signal"].tolist()


def test_upstream_communes_repaired_and_coded(sample_model):
    c = sample_model.communes
    assert c.is_valid.all() and c["commune_code"].str.fullmatch(r"\d{5}").all()
    repaired = [p for p in sample_model.problems if p.kind == "repaired_geometry"]
    assert len(repaired) == 1 and "04240" in str(repaired[0]) and "Mường Lèo" in str(repaired[0])


def test_dvhcvn_file_yields_districts_and_province(shared_geodata):
    bs = read_boundaries(shared_geodata / "upstream" / "dvhcvn_gis_14.json")
    assert len(bs.districts) == 12 and len(bs.province) == 1
    assert bs.districts["district_code"].tolist()[0] == "116"


def test_districts_partition_villages(sample_model):
    d = sample_model.districts
    assert len(d) == 12
    assert d["villages"].sum() == 1825 and d["villages_no_mbb"].sum() == 123
    assert sample_model.villages["district_name"].notna().all()


def test_estimated_locations_are_inside_their_commune_and_deterministic(sample_model, upstream_env):
    v = sample_model.villages
    est = v[v["location_estimated"]]
    assert 0 < len(est) < len(v)
    polys = sample_model.communes.set_index("commune_code").geometry
    inside = [polys[c].contains(g) for c, g in zip(est["commune_code"], est.geometry, strict=True)]
    assert all(inside)
    again = load_coverage()
    pd.testing.assert_series_equal(again.villages["lon"], v["lon"])


def _write(tmp_path, text, name="v.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BAD = (
    "Mã bản,Tên bản,Mã xã,Số hộ,Số dân,Sóng,Cáp quang\n"
    "B1,Bản Nà Tấu,03646,120,500,4G,có\n"
    "B2,Bản Huổi Một,99999,80,300,4g,không\n"
    "B3,Bản Pá Hốc,3646,-5,200,4G,x\n"
    "B4,Bản Co Mạ,03646,40,150,4G+ maybe,\n"
)


def test_bad_register_lists_every_problem(tmp_path, upstream_env):
    path = _write(tmp_path, BAD)
    with pytest.raises(ValidationError) as info:
        load_coverage(register=path)
    lines = info.value.lines()
    assert len(lines) == 3
    assert any("row 3" in line and "'Mã xã'" in line and "99999" in line for line in lines)
    assert any("row 4" in line and "'Số hộ'" in line and "-5" in line for line in lines)
    assert any("row 5" in line and "'Sóng'" in line and "4G+ maybe" in line for line in lines)


def test_keep_going_reconciles(tmp_path, upstream_env):
    model = load_coverage(register=_write(tmp_path, BAD), keep_going=True)
    assert model.read_count == 4 == len(model.villages) + len(model.rejects)
    assert model.villages["village_id"].tolist() == ["B1"]
    assert set(model.rejects["row"]) == {3, 4, 5}
    assert model.provenance.sample is False


def test_register_keyed_to_old_layout_is_converted(tmp_path, upstream_env):
    text = "village_id,village_name,commune_code,households,population,mobile_signal,fibre\n"
    text += "A,Bản A,03649,10,40,none,no\nB,Bản B,03646,10,40,4g,yes\n"
    model = load_coverage(register=_write(tmp_path, text))
    v = model.villages.set_index("village_id")
    assert v.loc["A", "commune_code"] == "03646" and v.loc["A", "commune_code_old"] == "03649"
    assert any(p.kind == "converted_codes" for p in model.problems)


def test_villages_matched_by_commune_name(tmp_path, upstream_env):
    text = "Tên bản,Tên xã,Số hộ,Số dân,Sóng,Cáp quang,Mã bản\n"
    text += "Bản A,xa muong leo,10,40,2G,không,A\nBản B,Sốp Cộp,12,50,4G,có,B\n"
    model = load_coverage(register=_write(tmp_path, text))
    codes = model.villages.set_index("village_id")["commune_code"]
    assert codes["A"] == "04240"
    assert model.communes.loc[codes["B"], "commune_name"] == "Xã Sốp Cộp"


def test_missing_data_stays_nan(tmp_path, upstream_env):
    text = "village_id,village_name,commune_code,households,population,mobile_signal,fibre\n"
    text += "A,Bản A,03646,10,40,4g,yes\n"
    model = load_coverage(register=_write(tmp_path, text))
    c = model.communes
    assert pd.isna(c.loc["04240", "share_4g"]) and pd.isna(c.loc["04240", "villages_no_mbb"])
    assert pd.isna(c.loc["03646", "fibre_hh_share"])  # no fibre_households column
    assert c.loc["03646", "share_4g"] == 100.0


def test_commune_statistics_replace_village_sums(tmp_path, upstream_env):
    stats = _write(
        tmp_path,
        "Mã xã,Số hộ,Số hộ cáp quang,trục cáp quang\n03646,1000,250,có\n04240,200,,không\n",
        "stats.csv",
    )
    model = load_coverage(statistics=stats)
    c = model.communes
    assert c.loc["03646", "households"] == 1000 and c.loc["03646", "fibre_households"] == 250
    assert c.loc["03646", "fibre_hh_share"] == 25.0
    assert not c.loc["04240", "fibre_backbone"]
    assert model.provenance.statistics == str(stats)
    bad = _write(tmp_path, "commune_code,households\n99999,5\n03646,many\n", "bad_stats.csv")
    with pytest.raises(InputError) as info:
        load_coverage(statistics=bad)
    lines = info.value.lines()
    assert any("row 2" in line and "99999" in line for line in lines)
    assert any("row 3" in line and "'households'" in line and "many" in line for line in lines)
