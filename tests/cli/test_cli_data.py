"""`slmap validate`, `slmap stats` and `slmap fetch` as a user runs them."""

import json
import subprocess
import sys

from click.testing import CliRunner

from slmap.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_stats_json_carries_the_published_figures(upstream_env):
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    province = data["province"][0]
    assert province["villages_no_mbb"] == 123
    assert round(province["share_4g"], 2) == 93.26
    assert data["meta"]["sample_data"] is True
    assert len(data["communes"]) == 75 and len(data["districts"]) == 12


def test_stats_table_shows_sample_banner_and_figures(upstream_env):
    result = CliRunner().invoke(cli, ["stats", "--level", "province"], terminal_width=200)
    assert result.exit_code == 0
    assert "SAMPLE DATA" in result.stdout and "123" in result.stdout and "93.26" in result.stdout


BAD = (
    "Mã bản,Tên bản,Mã xã,Số hộ,Số dân,Sóng,Cáp quang\n"
    "B1,Bản Nà Tấu,03646,120,500,4G,có\n"
    "B2,Bản Huổi Một,99999,80,300,4g,không\n"
    "B3,Bản Pá Hốc,03646,-5,200,4G,x\n"
    "B4,Bản Co Mạ,03646,40,150,4G+ maybe,\n"
)


def test_validate_bad_register_one_line_per_problem_no_traceback(upstream_env, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    before = path.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "slmap", "validate", "--register", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert any("row 3" in e and "'Mã xã'" in e for e in errors)
    assert any("row 4" in e and "'Số hộ'" in e for e in errors)
    assert any("row 5" in e and "'Sóng'" in e for e in errors)
    assert path.read_bytes() == before


def test_validate_keep_going_writes_rejects(upstream_env, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    result = run("validate", "--register", str(path), "--keep-going", "--rejects", str(rejects))
    assert result.exit_code == 0  # usable rows were loaded; the rest are in the rejects file
    assert "rejected 3 of 4 rows (loaded 1)" in result.stderr
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.count("\n") == 4 and "99999" in text and "4G+ maybe" in text


def test_missing_boundaries_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["stats", "--boundaries", str(tmp_path / "nope.gpkg")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nope.gpkg'}: file not found (expected a boundary file)"
    ]


def test_a_bug_is_one_line_not_a_traceback(monkeypatch, upstream_env):
    import slmap.cli.data as data

    def boom(**kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(data, "load_from_options", boom)
    result = CliRunner().invoke(cli, ["stats"])
    assert result.exit_code == 3
    assert result.stderr.startswith("internal error: RuntimeError: unexpected")
    assert "Traceback" not in result.stderr
