"""Every reader removes the characters XML and XLSX cannot hold, with one warning per file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from slmap.sources import read_boundaries, read_statistics
from slmap.sources.characters import FORBIDDEN, remove_forbidden
from slmap.sources.predictions import read_plan, read_prediction
from slmap.sources.sites import read_sites
from slmap.sources.uncovered_list import read_uncovered_list

BAD = "\x01\x1f\ufffe\uffff\ud800"


def _one_warning(problems, row: int, column: str) -> None:
    found = [p for p in problems if p.kind == "forbidden_characters"]
    assert len(found) == 1, [str(p) for p in problems]
    assert (found[0].row, found[0].column, found[0].severity) == (row, column, "warning")
    assert "removed" in found[0].message


def test_every_forbidden_character_is_removed_and_counted() -> None:
    cells, removed = remove_forbidden(
        pd.DataFrame({"a": ["ok", "x" + BAD], "b": ["\t\n\r", "y"]}, dtype=object)
    )
    assert cells["a"].tolist() == ["ok", "x"] and cells["b"].tolist() == ["\t\n\r", "y"]
    assert (removed.count, removed.row, removed.column) == (5, 1, 0)


def test_allowed_characters_are_kept() -> None:
    kept = "\t\n\r Bản Nà \u00a0\u200b\ufffd\U0001f600"
    assert FORBIDDEN.search(kept) is None


def test_statistics(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("Mã xã,Số hộ\n03646,10\n03664\x07,2\x08\n", encoding="utf-8")
    table = read_statistics(path)
    assert table.frame["commune_code"].tolist() == ["03646", "03664"]
    _one_warning(table.problems, 3, "Mã xã")


def test_uncovered_list(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("STT,Huyện,Xã,Tên bản\n1,Mai Sơn,Chiềng\x0bMung,Bản\x0c Nà\n", encoding="utf-8")
    table = read_uncovered_list(path)
    assert "\x0b" not in "".join(table.frame["commune_name"])
    _one_warning(table.problems, 2, "C")


def test_sites(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("Mã trạm,Kinh độ,Vĩ độ,Độ cao anten\nS\x051,103.9,21.3,30\n", encoding="utf-8")
    table = read_sites(path)
    assert table.sites["site_id"].tolist() == ["S1"]
    _one_warning(table.problems, 2, "Mã trạm")


def test_prediction_and_plan_villages(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("village_id,predicted_mbb\nV\x021,True\n", encoding="utf-8")
    table = read_prediction(path)
    assert table.frame["village_id"].tolist() == ["V1"]
    _one_warning(table.problems, 2, "village_id")
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "site_id,lon,lat,households_newly_covered,village_ids\nN1,104,21,50,V1\n", encoding="utf-8"
    )
    (tmp_path / "plan.villages.csv").write_text(
        "village_id,new_site_id,reachable\nV1,N\x031,True\n", encoding="utf-8"
    )
    _one_warning(read_plan(plan).problems, 2, "new_site_id")


def test_boundary_attributes(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"ma_xa": ["03646", "03664"], "ten_xa": ["Tô Hiệu", "Chiềng\x02 An"]},
        geometry=[shapely.box(103.9, 21.3, 103.95, 21.35), shapely.box(104, 21.3, 104.05, 21.35)],
        crs="EPSG:4326",
    )
    path = tmp_path / "b.gpkg"
    gdf.to_file(path)
    found = read_boundaries(path)
    assert found.communes["commune_name"].tolist()[1] == "Chiềng An"
    _one_warning(found.problems, 2, "ten_xa")
