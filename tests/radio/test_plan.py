"""Site selection: maximal covering and set covering on constructed cases."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from click.testing import CliRunner
from shapely.geometry import Point

from slmap.cli import cli
from slmap.radio.plan import auto_candidates, choose_sites

UTM = "EPSG:32648"
X0, Y0 = 500_000.0, 2_400_000.0


def _gdf(data, xy):
    pts = gpd.GeoSeries([Point(X0 + x, Y0 + y) for x, y in xy], crs=UTM).to_crs(4326)
    return gpd.GeoDataFrame(data, geometry=pts.values, crs=4326)


def _case():
    """10 villages around a hilltop (within 3 km), 6 others far apart in pairs/threes."""
    import math

    ring = [
        (3_000 * math.cos(a / 10 * 2 * math.pi), 3_000 * math.sin(a / 10 * 2 * math.pi))
        for a in range(10)
    ]
    others = [(40_000 + dx, dy) for dx, dy in [(0, 0), (500, 0), (0, 500)]]
    others += [(-40_000 + dx, 0) for dx in (0, 400, 800)]
    xy = ring + others
    villages = _gdf(
        {
            "village_id": [f"v{i}" for i in range(len(xy))],
            "households": [50] * len(xy),
            "population": [200] * len(xy),
            "mobile_broadband": [False] * len(xy),
        },
        xy,
    )
    cands = _gdf(
        {"site_id": ["HILL", "E", "W", "EDGE"], "height_m": [30.0] * 4, "technology": ["4g"] * 4},
        [(0, 0), (40_000, 0), (-40_000, 0), (4_500, 0)],
    )
    return villages, cands


def test_one_new_site_picks_the_hilltop():
    villages, cands = _case()
    result = choose_sites(villages, pd.Series([False] * len(villages)), cands, new_sites=1)
    assert result.chosen["site_id"].tolist() == ["HILL"]
    assert result.chosen["villages_newly_covered"].tolist() == [10]
    assert result.totals["households_newly_covered"] == 500


def test_cover_all_uses_fewest_sites_and_counts_each_village_once():
    villages, cands = _case()
    result = choose_sites(villages, pd.Series([False] * len(villages)), cands, new_sites=None)
    assert sorted(result.chosen["site_id"]) == ["E", "HILL", "W"]
    assert result.chosen["villages_newly_covered"].sum() == len(villages)
    assert result.totals["households_without_after"] == 0


def test_predicted_covered_and_reported_covered_villages_are_not_served():
    villages, cands = _case()
    villages.loc[0:9, "mobile_broadband"] = True  # the ring is already covered
    result = choose_sites(villages, pd.Series([False] * len(villages)), cands, new_sites=1)
    assert result.chosen["site_id"].tolist() in (["E"], ["W"])
    assert result.totals["villages_to_serve"] == 6


def test_auto_candidates_lie_near_villages():
    villages, _ = _case()
    cands = auto_candidates(villages.iloc[:1], reach_km=5.0)
    utm = cands.to_crs(UTM).distance(villages.iloc[:1].to_crs(UTM).geometry.iloc[0])
    assert len(cands) > 5 and (utm <= 5_000 + 1e-6).all()


def _register_file(tmp_path, villages):
    """The villages as a register CSV, none with mobile broadband."""
    reg = tmp_path / "v.csv"
    rows = [
        "village_id,village_name,commune_code,lon,lat,households,population,mobile_signal,fibre"
    ]
    rows += [
        f"{v.village_id},Bản {i},03646,{v.geometry.x},{v.geometry.y},50,200,none,no"
        for i, v in enumerate(villages.itertuples())
    ]
    reg.write_text("\n".join(rows) + "\n", "utf-8")
    return reg


def test_cli_plan_on_a_register(tmp_path):
    villages, cands = _case()
    reg = _register_file(tmp_path, villages)
    sites = tmp_path / "sites.csv"
    sites.write_text("site_id,lon,lat,height_m\nFAR,110,10,30\n", "utf-8")
    cfile = tmp_path / "cands.csv"
    cfile.write_text(
        "site_id,lon,lat,height_m\n"
        + "\n".join(f"{c.site_id},{c.geometry.x},{c.geometry.y},30" for c in cands.itertuples())
        + "\n",
        "utf-8",
    )
    out = tmp_path / "plan.csv"
    res = CliRunner().invoke(
        cli,
        [
            "plan",
            "--sites",
            str(sites),
            "--candidates",
            str(cfile),
            "--register",
            str(reg),
            "--new-sites",
            "1",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "HILL" in res.stdout and "500 households" in res.stdout
    assert pd.read_csv(out, encoding="utf-8-sig")["site_id"].tolist() == ["HILL"]


def test_cli_plan_with_nothing_to_serve_says_so(tmp_path):
    """Every village predicted covered: no candidate, no site, exit 0 (not an internal error)."""
    villages, _ = _case()
    reg = _register_file(tmp_path, villages)
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "site_id,lon,lat,height_m\n"
        + "\n".join(
            f"S{i},{v.geometry.x},{v.geometry.y},30" for i, v in enumerate(villages.itertuples())
        )
        + "\n",
        "utf-8",
    )
    out = tmp_path / "plan.csv"
    args = ["plan", "--sites", str(sites), "--candidates", "auto", "--register", str(reg)]
    res = CliRunner().invoke(cli, [*args, "--new-sites", "2", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "internal error" not in res.output
    assert pd.read_csv(out, encoding="utf-8-sig").empty
