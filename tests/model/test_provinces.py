"""Province selections: names, lists, the whole country, registers of other provinces.

Offline: provinces other than Sơn La use approximate boundaries; Sơn La's real
boundaries come from the shared geodata when a test asks for them.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from slmap.admin.registry import communes, parse_provinces, province_label
from slmap.base.errors import InputError
from slmap.cli import cli


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """No data folder, an empty cache: every province is drawn approximately."""
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), terminal_width=400)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("14", ("14",)),
        ("Son La", ("14",)),
        ("son la", ("14",)),
        ("Tỉnh Sơn La", ("14",)),
        ("Hà Nội", ("01",)),
        ("ha noi", ("01",)),
        ("1", ("01",)),
        ("14,11", ("14", "11")),
        ("son la, Điện Biên, 14", ("14", "11")),
        ("all", None),
        ("ALL", None),
    ],
)
def test_province_codes_and_names(text: str, codes) -> None:
    assert parse_provinces(text) == codes


def test_unknown_province_lists_close_names() -> None:
    with pytest.raises(InputError) as caught:
        parse_provinces("son lo,99")
    lines = caught.value.lines()
    assert len(lines) == 2
    assert "'son lo'" in lines[0] and "Tỉnh Sơn La" in lines[0]
    assert "'99'" in lines[1] and "34 provinces of 2025" in lines[1]


def test_former_province_is_not_a_2025_province() -> None:
    with pytest.raises(InputError, match="Hà Giang"):
        parse_provinces("Hà Giang")  # merged into Tuyên Quang in 2025


def test_registry_splits_a_list_given_as_text() -> None:
    both = communes("2025", "14,11")
    assert set(both["province_code"]) == {"14", "11"}
    assert len(both) == len(communes("2025", "14")) + len(communes("2025", "11"))


def test_unknown_province_is_one_line_per_problem_no_traceback(offline) -> None:
    result = run("stats", "--province", "son lo")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "unknown province 'son lo'" in result.output
    assert "Tỉnh Sơn La" in result.output


def test_map_of_a_list_of_provinces(offline) -> None:
    out = offline / "x.html"
    result = run("map", "--province", "14,11", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Tỉnh Sơn La, Tỉnh Điện Biên" in html
    assert "not an official commune" not in result.output


def test_map_by_province_name(offline) -> None:
    out = offline / "y.html"
    result = run("map", "--province", "son la", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Tỉnh Sơn La" in out.read_text(encoding="utf-8")


def test_province_outside_the_register_is_no_data_in_one_line(offline) -> None:
    result = run("stats", "--province", "11", "--level", "province", "--format", "json")
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith(("error", "warning"))]
    coverage = [ln for ln in lines if "the register covers" in ln]
    assert len(coverage) == 1, lines
    assert "14 Tỉnh Sơn La" in coverage[0] and "11 Tỉnh Điện Biên" in coverage[0]
    assert "--register" in coverage[0] and "1825 row(s)" in coverage[0]
    assert not [ln for ln in lines if ln.startswith("error")]
    body = json.loads(result.output[result.output.index("{") :])
    (row,) = body["province"]
    assert row["province_code"] == "11" and row["province_name"] == "Tỉnh Điện Biên"
    assert row["villages"] == 0
    assert row["villages_no_mbb"] is None and row["population_no_mbb"] is None


def test_list_keeps_the_register_and_says_which_province_has_no_data(offline) -> None:
    result = run("stats", "--province", "14,11", "--level", "communes", "--format", "json")
    assert result.exit_code == 0, result.output
    coverage = [ln for ln in result.output.splitlines() if "the register covers" in ln]
    assert len(coverage) == 1 and "11 Tỉnh Điện Biên" in coverage[0]
    assert "left out" not in coverage[0]
    body = json.loads(result.output[result.output.index("{") :])
    rows = pd.DataFrame(body["communes"])
    in_11 = rows["commune_code"].isin(set(communes("2025", "11")["commune_code"]))
    assert in_11.sum() == len(communes("2025", "11"))
    assert (rows.loc[in_11, "villages"] == 0).all()
    assert rows.loc[~in_11, "villages"].sum() == 1825


@pytest.fixture(scope="module")
def national_sample(tmp_path_factory: pytest.TempPathFactory):
    """The sample register on the 3,321 approximate communes of the country."""
    from slmap.model import load_coverage

    mp = pytest.MonkeyPatch()
    mp.delenv("SLMAP_DATA_DIR", raising=False)
    mp.setenv("SLMAP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    try:
        return load_coverage(province="all")
    finally:
        mp.undo()


def test_whole_country_is_named_viet_nam(national_sample) -> None:
    from slmap.page.data import title_block

    model = national_sample
    assert model.province["province_name"].tolist() == ["Việt Nam"]
    assert model.province["province_code"].tolist() == ["all"]
    assert title_block(model, "x", "vi")["title"].endswith("– Việt Nam")
    assert title_block(model, "x", "en")["title"].endswith("– Vietnam")
    assert "Hà Nội" not in title_block(model, "x", "vi")["title"]
    warned = [p for p in model.problems if p.kind == "province_outside_register"]
    assert len(warned) == 1 and "33 other provinces" in warned[0].message


def test_title_of_a_city_has_no_province_prefix() -> None:
    from types import SimpleNamespace

    from slmap.page.data import province_name

    frame = pd.DataFrame({"province_name": ["Thành phố Hà Nội"]})
    model = SimpleNamespace(province=frame, communes=frame, provenance=SimpleNamespace())
    assert province_name(model) == "Thành phố Hà Nội"
    assert province_name(model, "en") == "Hà Nội"
    assert province_label(("01", "14")) == "Thành phố Hà Nội, Tỉnh Sơn La"


def test_real_boundaries_for_son_la_in_a_list(upstream_env) -> None:
    from slmap.model import load_coverage

    model = load_coverage(province="14,11")
    flags = model.communes.groupby("province_code")["approximate"].agg(["all", "any", "size"])
    assert not flags.loc["14", "any"] and flags.loc["14", "size"] == 75
    assert flags.loc["11", "all"] and flags.loc["11", "size"] == len(communes("2025", "11"))
    assert model.provenance.approximate  # some communes are
    assert model.province["province_name"].iloc[0] == "Tỉnh Sơn La, Tỉnh Điện Biên"
    warning = next(p for p in model.problems if p.kind == "approximate_boundaries")
    assert "real commune boundaries for province 14" in warning.message
    assert "(11)" in warning.message


def test_list_flows_through_query_and_export(offline) -> None:
    result = run("query", "uncovered", "--province", "son la,11", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = offline / "communes.geojson"
    result = run(
        "export", "--province", "14,11", "--layer", "communes", "--format", "geojson",
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) == len(communes("2025", "14,11"))


def test_stats_households_and_people_without_mobile_broadband(sample_model, upstream_env) -> None:
    villages = sample_model.villages
    lacking = villages[~villages["mobile_broadband"].astype(bool)]
    households, people = int(lacking["households"].sum()), int(lacking["population"].sum())
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output[result.output.index("{") :])
    (province,) = body["province"]
    assert (province["households_no_mbb"], province["population_no_mbb"]) == (households, people)
    for level in ("districts", "communes"):
        rows = pd.DataFrame(body[level])
        assert rows["households_no_mbb"].sum() == households
        assert rows["population_no_mbb"].sum() == people
    table = run("stats", "--level", "province").output
    assert f"{households:,}" in table and f"{people:,}" in table  # thousands separated
    assert f"{len(villages):,}" in table


def test_unknown_counts_are_no_data_not_zero() -> None:
    from slmap.base.metrics import summarise

    villages = pd.DataFrame(
        {
            "c": ["a", "a", "b", "c"],
            "mobile_broadband": [False, True, False, True],
            "has_4g": [False, True, False, True],
            "households": pd.array([None, 40, 7, 9], dtype="Int64"),
            "population": pd.array([None, 200, 30, 50], dtype="Int64"),
            "fibre": pd.array([None, None, None, None], dtype="boolean"),
        }
    )
    out = summarise(villages, "c", pd.Index(["a", "b", "c", "d"]))
    assert out["households_no_mbb"].isna().tolist() == [True, False, False, True]
    assert out.loc["b", "population_no_mbb"] == 30
    assert out.loc["c", "households_no_mbb"] == 0  # no village without: a true zero
