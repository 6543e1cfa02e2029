"""Hostile output names: inputs are never replaced, outputs are written all or nothing.

Every command that writes is run with an output naming one of its inputs
(directly, through a symlink, or through a name the command derives), with
one of several outputs already present, and after a killed run left its
temporaries; the inputs keep their bytes and nothing half-made is left.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from slmap.cli import cli

from ._build import centres, csv_text, fingerprint, register, squares


@pytest.fixture
def folder(tmp_path: Path, corpus_boundaries: Path) -> Path:
    """A register, a site list and the boundaries, all in one folder."""
    csv_text_ = csv_text(register())
    (tmp_path / "sl.villages.csv").write_text(csv_text_, encoding="utf-8")
    (tmp_path / "before.csv").write_text(csv_text_, encoding="utf-8")
    c = centres()
    rows = "".join(f"S{i},{x},{y},30\n" for i, (x, y) in enumerate(zip(c.lon, c.lat, strict=True)))
    (tmp_path / "sites.csv").write_text("site_id,lon,lat,height_m\n" + rows, encoding="utf-8")
    (tmp_path / "far.csv").write_text("site_id,lon,lat,height_m\nF,105.5,20.5,30\n")
    (tmp_path / "b.geojson").write_bytes(corpus_boundaries.read_bytes())
    return tmp_path


def _base(folder: Path) -> list[str]:
    register_path, boundaries = folder / "sl.villages.csv", folder / "b.geojson"
    return ["--register", str(register_path), "--boundaries", str(boundaries)]


def _run(args: list[str]):
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {result.exception!r}")
    return result


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


#: (command line after the model options, the output that is an input) — plain names.
_REFUSED = {
    "export": ["export", "--layer", "uncovered", "--format", "csv", "--out", "{reg}"],
    "query": ["query", "uncovered", "--out", "{reg}"],
    "predict": ["predict", "--sites", "{sites}", "--out", "{sites}"],
    "predict_raster": ["predict", "--sites", "{sites}", "--out", "{d}/p.csv", "--raster", "{dem}"],
    "plan_derived": ["plan", "--sites", "{sites}", "--candidates", "auto", "--out", "{d}/sl.csv"],
    "validate_rejects": ["validate", "--keep-going", "--rejects", "{reg}"],
    "change_rejects": ["change", "--before", "{before}", "--keep-going", "--rejects", "{before}"],
    "boundaries_shapefile": ["export", "--format", "shp", "--layer", "communes", "--out", "{bnd}"],
}


def test_the_register_read_by_default_is_an_input_too(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --register the sample register is read: an output may not replace it."""
    sample = folder / "sample.csv"
    sample.write_bytes((folder / "sl.villages.csv").read_bytes())
    monkeypatch.setenv("SLMAP_SAMPLE", str(sample))
    before = fingerprint([folder])
    args = ["export", "--layer", "villages", "--format", "csv", "--out", str(sample)]
    result = _run([*args, "--boundaries", str(folder / "b.geojson"), "--overwrite"])
    assert result.exit_code == 1, result.output
    assert "is an input of this command" in result.stderr
    assert fingerprint([folder]) == before


@pytest.mark.parametrize("case", sorted(_REFUSED))
def test_an_output_naming_an_input_is_refused(folder: Path, case: str) -> None:
    (folder / "in.tif").write_bytes(b"not really a DEM")
    squares().to_file(folder / "bnd.shp")  # its .dbf, .shx, .prj are inputs too
    fill = {
        "reg": folder / "sl.villages.csv",
        "sites": folder / "sites.csv",
        "d": folder,
        "dem": folder / "in.tif",
        "before": folder / "before.csv",
        "bnd": folder / "bnd.shp",
    }
    args = [a.format(**fill) for a in _REFUSED[case]]
    extra = ["--dem", str(folder / "in.tif")] if case == "predict_raster" else []
    if case == "boundaries_shapefile":
        base = ["--register", str(folder / "sl.villages.csv"), "--boundaries", str(fill["bnd"])]
    else:
        base = _base(folder)
    before = fingerprint([folder])
    consent = [] if case.startswith("change") else ["--overwrite"]  # change has no option
    result = _run([*args, *base, *extra, *consent])
    assert result.exit_code == 1, result.output
    assert "is an input of this command" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert fingerprint([folder]) == before  # nothing changed, nothing new


@pytest.mark.parametrize(
    "args",
    [
        ["map", "--out", "{link}.html"],
        ["report", "--out", "{link}.pdf"],
        ["export", "--format", "gpkg", "--layer", "communes", "--out", "{link}.gpkg"],
        ["predict", "--sites", "{sites}", "--out", "{link}.csv"],
    ],
    ids=["map", "report", "export", "predict"],
)
def test_an_output_linked_to_an_input_is_refused(folder: Path, args: list[str]) -> None:
    link = folder / "out"
    for suffix in (".html", ".pdf", ".gpkg", ".csv"):
        link.with_suffix(suffix).symlink_to(folder / "sl.villages.csv")
    before = fingerprint([folder])
    filled = [a.format(link=link, sites=folder / "sites.csv") for a in args]
    result = _run([*filled, *_base(folder), "--overwrite"])
    assert result.exit_code == 1 and "is an input of this command" in result.stderr
    assert fingerprint([folder]) == before


def test_plan_second_output_existing_writes_nothing(folder: Path) -> None:
    (folder / "p.villages.csv").write_bytes(b"an earlier list")
    out = folder / "p.csv"
    sites = str(folder / "sites.csv")
    result = _run(["plan", "--sites", sites, "--candidates", sites, "--out", str(out),
                   *_base(folder)])  # fmt: skip
    assert result.exit_code == 1 and "p.villages.csv already exists" in result.stderr
    assert not out.exists() and (folder / "p.villages.csv").read_bytes() == b"an earlier list"


def test_predict_raster_existing_writes_no_table(folder: Path) -> None:
    (folder / "r.tif").write_bytes(b"old")
    out = folder / "p.csv"
    args = ["predict", "--sites", str(folder / "sites.csv"), "--out", str(out)]
    result = _run([*args, "--raster", str(folder / "r.tif"), *_base(folder)])
    assert result.exit_code == 1 and "r.tif already exists" in result.stderr
    assert not out.exists() and (folder / "r.tif").read_bytes() == b"old"


def test_export_sidecar_existing_writes_nothing(folder: Path) -> None:
    (folder / "u.shp.metadata.txt").write_bytes(b"old")
    args = ["export", "--layer", "uncovered", "--format", "shp", "--out", str(folder / "u.shp")]
    result = _run([*args, *_base(folder)])
    assert result.exit_code == 1 and "u.shp.metadata.txt already exists" in result.stderr
    assert not any(n.startswith("u.") and n != "u.shp.metadata.txt" for n in _names(folder))


def test_exports_of_two_formats_share_a_stem(folder: Path) -> None:
    for fmt in ("shp", "csv", "geojson", "gpkg", "kml"):
        out = str(folder / f"u.{fmt}")
        result = _run(["export", "--layer", "uncovered", "--format", fmt, "--out", out,
                       *_base(folder)])  # fmt: skip
        assert result.exit_code == 0, result.output
    assert {"u.shp.metadata.txt", "u.csv.metadata.txt", "u.qml"} <= _names(folder)
    assert "u.metadata.txt" not in _names(folder)
    shapefile = fingerprint([folder / "u.shp.metadata.txt", folder / "u.shp"])
    again = ["export", "--layer", "uncovered", "--format", "csv", "--out", str(folder / "u.csv")]
    result = _run([*again, *_base(folder), "--overwrite"])
    assert result.exit_code == 0
    assert fingerprint([folder / "u.shp.metadata.txt", folder / "u.shp"]) == shapefile


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "gpkg", "--out", "{d}/x.docx"],
        ["export", "--format", "gpkg", "--out", "{d}/x.csv"],
        ["query", "uncovered", "--format", "csv", "--out", "{d}/x.docx"],
        ["map", "--out", "{d}/x.docx"],
        ["report", "--out", "{d}/x.docx"],
        ["predict", "--sites", "{d}/sites.csv", "--out", "{d}/x.docx"],
        ["plan", "--sites", "{d}/sites.csv", "--candidates", "auto", "--out", "{d}/x.docx"],
    ],
    ids=["export", "export_mismatch", "query", "map", "report", "predict", "plan"],
)
def test_unknown_output_suffix_is_refused(folder: Path, args: list[str]) -> None:
    before = _names(folder)
    result = _run([*(a.format(d=folder) for a in args), *_base(folder)])
    assert result.exit_code == 1, result.output
    assert ("x.docx" in result.stderr or "x.csv" in result.stderr) and "expected" in result.stderr
    assert _names(folder) == before


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


_WRITERS = {
    "export": (["export", "--layer", "uncovered", "--format", "csv", "--out", "{o}/u.csv"],
               {"u.csv", "u.csv.metadata.txt"}),
    "query": (["query", "uncovered", "--out", "{o}/u.csv"], {"u.csv", "u.csv.metadata.txt"}),
    "map": (["map", "--out", "{o}/m.html"], {"m.html"}),
    "report": (["report", "--out", "{o}/r.pdf"], {"r.pdf"}),
    "predict": (["predict", "--sites", "{d}/sites.csv", "--out", "{o}/p.csv"], {"p.csv"}),
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(_WRITERS))
def test_a_killed_runs_temporaries_are_cleaned(folder: Path, command: str) -> None:
    out = folder / "maps"
    out.mkdir()
    stale = out / f".slmap-partial-{_dead_pid()}-abc"
    stale.mkdir()
    (stale / "u.shp").write_bytes(b"half")
    stale_file = out / f".slmap-partial-{_dead_pid()}-u.csv.x.tmp"
    stale_file.write_bytes(b"half")
    mine = out / f".slmap-partial-{os.getpid()}-running"  # a run still writing keeps its own
    mine.mkdir()
    args, written = _WRITERS[command]
    result = _run([*(a.format(o=out, d=folder) for a in args), *_base(folder)])
    assert result.exit_code == 0, result.output
    assert _names(out) == written | {mine.name}


def test_a_killed_export_leaves_nothing_after_the_next_run(folder: Path) -> None:
    out = folder / "maps"
    code = (
        "import os, sys; from slmap.base.outputs import OutputSet\n"
        "o = OutputSet(); o.add(sys.argv[1]); o.check()\n"
        "o.stage(sys.argv[1]).write_text('half'); os._exit(9)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, "-c", code, str(out / "u.csv")], env=env, check=False)
    assert any(n.startswith(".slmap-partial-") for n in _names(out))
    args = ["export", "--layer", "uncovered", "--format", "csv", "--out", str(out / "u.csv")]
    assert _run([*args, *_base(folder)]).exit_code == 0
    assert _names(out) == {"u.csv", "u.csv.metadata.txt"}


# --- formula cells -----------------------------------------------------------------------------

_FORMULA = '=HYPERLINK("http://x","y")'


def _formula_folder(folder: Path) -> Path:
    reg = register()
    reg.loc[2, "Tên bản"] = _FORMULA  # B003: no signal, so in every uncovered output
    reg.loc[3, "Tên bản"] = "@SUM(1)"
    (folder / "f.csv").write_text(csv_text(reg), encoding="utf-8")
    return folder / "f.csv"


def _csv_cells(text: str) -> set[str]:
    import csv
    import io

    return {cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row}


def _assert_guarded(text: str) -> None:
    cells = _csv_cells(text)
    assert "'" + _FORMULA in cells and "'@SUM(1)" in cells, cells
    assert not any(c and c[0] in "=@" for c in cells)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "uncovered", "--format", "csv"],
        ["query", "uncovered", "--out", "{d}/q.csv"],
        ["export", "--layer", "villages", "--format", "csv", "--out", "{d}/e.csv"],
        ["predict", "--sites", "{d}/sites.csv", "--out", "{d}/p.csv"],
        ["plan", "--sites", "{d}/far.csv", "--candidates", "{d}/sites.csv", "--out", "{d}/s.csv"],
        ["change", "--before", "{d}/before.csv", "--format", "csv"],
        ["stats", "--level", "communes", "--format", "csv"],
    ],
    ids=["query_stdout", "query_file", "export", "predict", "plan", "change", "stats"],
)
def test_csv_cells_never_run_as_formulas(folder: Path, args: list[str]) -> None:
    reg = _formula_folder(folder)
    filled = [a.format(d=folder) for a in args]
    result = _run([*filled, "--register", str(reg), "--boundaries", str(folder / "b.geojson")])
    assert result.exit_code == 0, result.output
    written = sorted(folder.glob("[qeps].csv")) + sorted(folder.glob("s.villages.csv"))
    if args[0] in ("change", "stats"):  # no village names in these: the rule still applies
        assert not any(c and c[0] in "=@" for c in _csv_cells(result.stdout))
        return
    _assert_guarded(written[-1].read_text(encoding="utf-8") if written else result.stdout)


def test_excel_keeps_formula_text_as_text(folder: Path) -> None:
    from openpyxl import load_workbook

    reg = _formula_folder(folder)
    out = folder / "v.xlsx"
    args = ["export", "--layer", "villages", "--format", "xlsx", "--out", str(out)]
    model = ["--register", str(reg), "--boundaries", str(folder / "b.geojson")]
    assert _run([*args, *model]).exit_code == 0
    sheet = load_workbook(out)["villages"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in (_FORMULA, "@SUM(1)")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
