"""QGIS itself opens the styled exports: default styles applied, coloured as the map.

Runs Debian's QGIS (python3-qgis, for /usr/bin/python3) in a subprocess with
QT_QPA_PLATFORM=offscreen. Skips on a machine without QGIS; fails under CI.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from _browser import ARTIFACTS, in_ci
from slmap.cli import cli
from slmap.model.classify import classify

QGIS_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).parent / "qgis" / "open_exports.py"


@pytest.fixture(scope="module")
def qgis_ready() -> None:
    probe = subprocess.run(
        [QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    ) if Path(QGIS_PYTHON).exists() else None  # fmt: skip
    if probe is None or probe.returncode != 0:
        message = "QGIS not found (apt-get install python3-qgis)"
        if in_ci():
            pytest.fail(message + " (required under CI)")
        pytest.skip(message)


def test_qgis_applies_the_exported_styles(qgis_ready, upstream_env, sample_model, tmp_path):
    runner = CliRunner()
    gpkg, shp = tmp_path / "s.gpkg", tmp_path / "u.shp"
    for args in (["--layer", "all", "--format", "gpkg", "--out", str(gpkg)],
                 ["--layer", "uncovered", "--format", "shp", "--out", str(shp)]):  # fmt: skip
        result = runner.invoke(cli, ["export", *args])
        assert result.exit_code == 0, result.output
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "qgis_export.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    run = subprocess.run(
        [QGIS_PYTHON, str(SCRIPT), str(gpkg), str(shp), str(png)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    cls = classify(sample_model.communes["villages_no_mbb"], metric="villages_no_mbb", k=5)
    communes = seen["communes"]
    assert communes["type"] == "graduatedSymbol" and communes["features"] == 75
    assert communes["colors"] == ["#d9d9d9", *[c.lower() for c in cls.colors]]  # no data first
    for name in ("uncovered", "shapefile"):
        assert seen[name]["type"] == "categorizedSymbol" and seen[name]["features"] == 123
        assert seen[name]["colors"][0] == "#d7191c"  # red, as on the map
    assert seen["villages"]["type"] == "categorizedSymbol" and seen["villages"]["features"] == 1825
    assert len(seen["villages"]["colors"]) == 4
    assert seen["districts"]["features"] == 12
    assert png.stat().st_size > 20_000
