"""Command-line tests of ``slmap query`` and ``slmap export``."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

import slmap.cli.export as cli_export
import slmap.cli.query as cli_query
from _models import make_model
from slmap.cli import cli, main
from slmap.model.ranking import PRIORITY_FORMULA
from slmap.sources import sample_register_path


@pytest.fixture
def toy(monkeypatch):
    model = make_model()
    monkeypatch.setattr(cli_query, "load_from_options", lambda **kw: model)
    monkeypatch.setattr(cli_export, "load_from_options", lambda **kw: model)
    return model


def _run(args):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _exit_code(argv, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return exc.value.code, capsys.readouterr().err


def test_uncovered_table_count_filters(toy):
    out = _run(["query", "uncovered", "--district", "SOP COP"]).output
    assert "3 rows" in out and "former district = Huyện Sốp Cộp" in out
    assert "Bản Nà Tấu" in out and "SAMPLE DATA" in out and "no data" in out


def test_uncovered_csv_stdout(toy):
    out = _run(["query", "uncovered", "--format", "csv", "--min-households", "50"]).output
    lines = out.strip().splitlines()
    assert lines[0].startswith("village_id,village_name") and len(lines) == 4


def test_query_files_by_suffix(toy, tmp_path):
    _run(["query", "priority", "--out", str(tmp_path / "p.xlsx")])
    back = pd.read_excel(tmp_path / "p.xlsx", sheet_name="uncovered")  # named by what it holds
    assert list(back.priority_rank) == [1, 2, 3, 4, 5]
    _run(["query", "near", "--lon", "103.51", "--lat", "21.01", "--radius-km", "6",
          "--out", str(tmp_path / "n.geojson")])  # fmt: skip
    doc = json.loads((tmp_path / "n.geojson").read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["distance_km"] == 0
    _run(["query", "communes", "--metric", "villages_no_mbb", "--above", "1",
          "--format", "csv", "--out", str(tmp_path / "c.csv")])  # fmt: skip
    back = pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig", dtype={"commune_code": str})
    assert list(back.commune_code) == ["04285", "03650"]


def test_priority_help_has_formula(toy):
    out = _run(["query", "priority", "--help"]).output
    assert PRIORITY_FORMULA.splitlines()[0] in out and "cost_power" in out


def test_unknown_commune_exit_1(toy, capsys):
    code, err = _exit_code(["query", "uncovered", "--commune", "muong lanx"], capsys)
    assert code == 1 and "closest: Xã Mường Lạn" in err


def test_export_refuses_existing(toy, tmp_path, capsys):
    target = tmp_path / "v.gpkg"
    target.write_bytes(b"keep me")
    code, err = _exit_code(
        ["export", "--layer", "villages", "--format", "gpkg", "--out", str(target)], capsys
    )
    assert code == 1 and "--overwrite" in err and target.read_bytes() == b"keep me"
    _run(["export", "--layer", "villages", "--format", "gpkg", "--out", str(target),
          "--overwrite"])  # fmt: skip
    assert len(pyogrio.read_dataframe(target, layer="villages")) == len(toy.villages)


def test_export_shp_zip_and_boundaries_layer_option(toy, tmp_path):
    out = _run(["export", "--layer", "uncovered", "--format", "shp", "--zip",
                "--out", str(tmp_path / "u.zip")]).output  # fmt: skip
    assert "uncovered 5 features" in out
    assert "--boundaries-layer" in _run(["export", "--help"]).output


# --- acceptance on the embedded sample and the real 75 communes -----------------------------


@pytest.mark.geodata
def test_acceptance_sample(upstream_env, tmp_path, capsys):
    runner = CliRunner()
    out = runner.invoke(cli, ["query", "uncovered"], catch_exceptions=False).output
    assert "123 rows" in out
    sop = runner.invoke(cli, ["query", "uncovered", "--district", "sop cop", "--format", "csv"])
    rows = pd.read_csv(io.StringIO(sop.stdout), dtype=str)
    register = pd.read_csv(sample_register_path(), dtype=str)
    expected = register[
        (register.district_name == "Huyện Sốp Cộp")
        & ~register.mobile_signal.isin(["3g", "4g", "5g"])
    ]
    assert len(expected) > 0 and sorted(rows.village_id) == sorted(expected.village_id)
    assert set(rows.district_name) == {"Huyện Sốp Cộp"}

    shp = tmp_path / "u.shp"
    result = runner.invoke(cli, ["export", "--layer", "uncovered", "--format", "shp",
                                 "--out", str(shp)], catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0
    ogrinfo = shutil.which("ogrinfo") or "/usr/bin/ogrinfo"
    info = subprocess.run([ogrinfo, "-al", "-so", "-mdd", "all", str(shp)],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Feature Count: 123" in info and "SOURCE_ENCODING=UTF-8" in info
    assert (tmp_path / "u.shp.fields.csv").exists()

    gpkg = tmp_path / "all.gpkg"
    runner.invoke(cli, ["export", "--layer", "all", "--format", "gpkg", "--out", str(gpkg)],
                  catch_exceptions=False)  # fmt: skip
    assert {"communes", "villages", "districts"} <= {n for n, _ in pyogrio.list_layers(gpkg)}
    before = gpkg.read_bytes()
    code, err = _exit_code(["export", "--layer", "all", "--format", "gpkg", "--out", str(gpkg)],
                           capsys)  # fmt: skip
    assert code == 1 and "--overwrite" in err and gpkg.read_bytes() == before
