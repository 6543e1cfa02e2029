"""Command-line behaviour a new user meets: exit codes, refusals before loading, tables.

Every test runs offline (approximate boundaries, isolated cache); tests of
refusals replace the loader with one that fails, to prove nothing was loaded.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from click.testing import CliRunner

import slmap.model
from slmap.cli import cli
from slmap.cli.query import column_formatter

HEADER = "Mã bản,Tên bản,Mã xã,Số hộ,Số dân,Sóng,Cáp quang\n"
GOOD = "B1,Bản Nà Tấu,03646,120,500,4G,có\nB2,Bản Pá Hốc,03646,80,300,3G,không\n"
BAD_ROW = "B3,Bản Co Mạ,03646,-5,200,4G,x\n"


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def no_loading(monkeypatch):
    """Make any attempt to load data fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("data were loaded before the options were checked")

    monkeypatch.setattr(slmap.model, "load_coverage", refuse)


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _register(folder, text=HEADER + GOOD + BAD_ROW, name="villages.csv"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_keep_going_with_usable_rows_exits_0_like_stats(offline):
    path = _register(offline)
    rejects = offline / "rej.csv"
    result = run("validate", "--register", str(path), "--keep-going", "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "2 loaded, 1 rejected" in result.stdout
    assert "rejected 1 of 3 rows (loaded 2)" in result.stderr
    assert "B3" in rejects.read_text(encoding="utf-8-sig")
    stats = run("stats", "--register", str(path), "--keep-going", "--rejects", str(rejects) + "2")
    assert stats.exit_code == result.exit_code


def test_validate_keep_going_with_nothing_usable_exits_1(offline):
    path = _register(offline, HEADER + BAD_ROW)
    result = run("validate", "--register", str(path), "--keep-going")
    assert result.exit_code == 1
    assert "0 loaded, 1 rejected" in result.stdout


def test_explicit_rejects_file_is_refused_before_loading(offline, no_loading):
    path = _register(offline)
    rejects = offline / "rej.csv"
    rejects.write_text("earlier rejects", encoding="utf-8")
    for command in ("validate", "stats"):
        result = run(command, "--register", str(path), "--keep-going", "--rejects", str(rejects))
        assert result.exit_code == 1, result.output
        assert f"{rejects} already exists; pass --overwrite" in result.stderr
    assert rejects.read_text(encoding="utf-8") == "earlier rejects"


def test_explicit_rejects_file_is_replaced_with_overwrite(offline):
    path = _register(offline)
    rejects = offline / "rej.csv"
    rejects.write_text("earlier rejects", encoding="utf-8")
    result = run(
        "validate",
        "--register",
        str(path),
        "--keep-going",
        "--rejects",
        str(rejects),
        "--overwrite",
    )
    assert result.exit_code == 0, result.output
    assert "B3" in rejects.read_text(encoding="utf-8-sig")


def test_default_rejects_file_is_rebuilt_and_says_so(offline):
    path = _register(offline)
    default = offline / "villages.rejects.csv"
    default.write_text("stale", encoding="utf-8")
    result = run("validate", "--register", str(path), "--keep-going")
    assert result.exit_code == 0, result.output
    assert "B3" in default.read_text(encoding="utf-8-sig")
    assert "rebuilt on every run" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("map", "--out", "{out}.html"),
        ("query", "uncovered", "--out", "{out}.csv"),
        ("query", "communes", "--metric", "share_4g", "--out", "{out}.xlsx"),
        ("export", "--layer", "villages", "--format", "csv", "--out", "{out}.csv"),
        ("export", "--layer", "villages", "--format", "shp", "--out", "{out}.shp"),
    ],
)
def test_existing_output_is_refused_before_loading(offline, no_loading, args):
    out = str(offline / "result")
    argv = [a.format(out=out) for a in args]
    target = offline / argv[-1].rsplit("/", 1)[-1]
    existing = target.with_suffix(".dbf") if target.suffix == ".shp" else target
    existing.write_text("keep me", encoding="utf-8")
    result = run(*argv)
    assert result.exit_code == 1, result.output
    assert f"{existing} already exists; pass --overwrite" in result.stderr
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_default_export_output_is_refused_before_loading(offline, no_loading):
    (offline / "maps").mkdir()
    (offline / "maps" / "slmap_villages.gpkg").write_bytes(b"old")
    result = run("export", "--layer", "villages")
    assert result.exit_code == 1 and "already exists" in result.stderr


def test_swapped_lon_lat_is_refused_before_loading(offline, no_loading):
    result = run("query", "near", "--lon", "21.33", "--lat", "103.91", "--radius-km", "5")
    assert result.exit_code == 1, result.output
    assert "longitude and latitude look swapped" in result.stderr
    assert "--lon 103.91 --lat 21.33" in result.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_non_finite_numbers_in_options_are_usage_errors(offline, no_loading, value):
    near = run("query", "near", "--lon", value, "--lat", "21", "--radius-km", "5")
    assert near.exit_code == 2 and "finite number" in near.output
    radius = run("query", "near", "--lon", "104", "--lat", "21", "--radius-km", value)
    assert radius.exit_code == 2
    above = run("query", "communes", "--metric", "share_4g", "--above", value)
    assert above.exit_code == 2 and "finite number" in above.output


def test_stats_into_a_pipe_keeps_whole_headers(offline):
    result = CliRunner().invoke(cli, ["stats", "--level", "communes"])
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    for header in ("commune_name", "district_name", "population with 4G %", "fibre backbone"):
        assert header in result.stdout


def test_query_table_uses_one_number_format_per_column(offline):
    result = CliRunner().invoke(cli, ["query", "communes", "--metric", "share_4g"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if re.match(r"│ \d{5} ", line)]
    assert len(rows) == 75
    shares = [line.split("│")[4].strip() for line in rows]
    decimals = {len(s.split(".")[1]) if "." in s else 0 for s in shares if s != "no data"}
    assert len(decimals) == 1, shares
    assert any(s.endswith(".00") for s in shares) and any(not s.endswith(".00") for s in shares)


def test_column_formatter_integers_and_floats():
    floats = column_formatter(pd.Series([50.0, 71.875]))
    assert [floats(50.0), floats(71.875)] == ["50.00", "71.88"]
    ints = column_formatter(pd.Series([3, 1200], dtype="Int64"))
    assert [ints(3), ints(1200), ints(pd.NA)] == ["3", "1,200", "no data"]


def test_query_out_names_the_file_on_stdout(offline):
    out = offline / "uncovered.csv"
    result = run("query", "uncovered", "--limit", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote 3 rows to {out}" in result.stdout
    assert out.exists()
