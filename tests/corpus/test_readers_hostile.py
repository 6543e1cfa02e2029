"""Hostile files for every reader: characters no format can hold, stray quotes, long cells.

Each case gets a one-line answer, never a traceback; the register cases go
through ``slmap validate`` and check the values loaded (see ``_registers.py``).
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from ._build import COMMUNE_NAMES, Case, csv_text, register, run, squares
from ._registers import check_register_case, csv_file


def _with_names() -> pd.DataFrame:
    """The base register with each village's official commune name."""
    frame = register()
    frame.insert(3, "Tên xã", [COMMUNE_NAMES[c] for c in frame["Mã xã"]])
    return frame


def _forbidden() -> str:
    frame = _with_names()
    frame.loc[1, "Tên bản"] = "Bản\x01 Hua Nà"
    frame.loc[2, "Tên xã"] = "Phường Chiềng\ufffe Cơi"
    return csv_text(frame)


def _stray_quote() -> str:
    lines = csv_text(register(26)).split("\r\n")
    lines[3] = lines[3].replace("Bản", '"Bản', 1)  # row 4 opens a quote nothing closes
    return "\r\n".join(lines)


def _long_note(size: int) -> str:
    frame = register().assign(**{"Ghi chú": ""})
    frame.loc[4, "Ghi chú"] = "ghi chú dài " * (size // 12)
    return csv_text(frame)


CASES = [
    Case(
        "forbidden_characters",
        csv_file("ctrl.csv", _forbidden()),
        0,
        [
            r"ctrl\.csv: row 3, column 'Tên bản': removed 2 character\(s\) that XML and "
            r"Excel cannot hold",
            r"6 loaded",
        ],
        absent=[r"removed \d+ character.*\n.*removed \d+ character"],
    ),
    Case(
        "stray_quote_keep_going",
        csv_file("stray.csv", _stray_quote(), args=("--keep-going",)),
        1,
        [
            r"error: .*stray\.csv: row 4, column 'Tên bản' \(B\): a quote \(\"\) opens a "
            r"cell that runs over 24 lines.*a stray quote\?"
        ],
        absent=[r"rows read", r"field larger than field limit"],
    ),
    Case("long_cell_under_the_limit", csv_file("long.csv", _long_note(900_000)), 0, [r"6 loaded"]),
    Case(
        "cell_over_the_limit",
        csv_file("huge.csv", _long_note(1_100_000)),
        1,
        [
            r"huge\.csv: row 6, column 'Ghi chú' \(H\): a cell of 1,0\d\d,\d{3} characters; "
            r"expected at most 1,048,576 \(1 MiB\)"
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case: Case, tmp_path: Path, corpus_boundaries: Path) -> None:
    check_register_case(case, tmp_path, corpus_boundaries)


def _squares_with(value: float) -> Callable[[Path], list[str]]:
    """The corpus squares as a GeoPackage, the second with one vertex's x set to ``value``."""

    def build(folder: Path) -> list[str]:
        gdf = squares()
        coords = np.array(gdf.geometry.iloc[1].exterior.coords)
        coords[2, 0] = value
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf.loc[1, "geometry"] = shapely.Polygon(coords)
            gdf.to_file(folder / "communes.gpkg")
        (folder / "v.csv").write_text(csv_text(register()), encoding="utf-8")
        return ["--register", str(folder / "v.csv"), "--boundaries", str(folder / "communes.gpkg")]

    return build


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_boundary_coordinates_that_are_not_numbers_are_named(value, tmp_path: Path) -> None:
    out = run(_squares_with(value)(tmp_path))
    assert out.exit_code == 1, out.stderr
    assert re.search(
        r"^error: .*communes\.gpkg: feature 2 \(03664 Phường Chiềng An\), column 'geometry': "
        r"1 coordinate\(s\) not finite \(vertex 3: x -?(nan|inf)",
        out.stderr,
        re.M,
    ), out.stderr
    assert all(re.match(r"(error|warning)", line) for line in out.stderr.splitlines()), out.stderr


def test_a_kmz_that_would_inflate_absurdly_is_refused_before_inflating(tmp_path: Path) -> None:
    kmz = tmp_path / "communes.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("doc.kml", "w") as kml:
        kml.write(b'<?xml version="1.0"?><kml>')
        for _ in range(5):
            kml.write(b" " * (20 << 20))
        kml.write(b"</kml>")
    (tmp_path / "v.csv").write_text(csv_text(register()), encoding="utf-8")
    out = run(["--register", str(tmp_path / "v.csv"), "--boundaries", str(kmz)])
    assert out.exit_code == 1
    assert re.fullmatch(
        r"error: .*communes\.kmz: the KMZ file is 0\.1 MiB compressed but its members declare "
        r"100\.0 MiB uncompressed \([\d,]+ times\); expected at most 200 times above 64\.0 MiB "
        r"\(a zip bomb\?\)\n",
        out.stderr,
    ), out.stderr
