"""The fair baseline: the offline map a competent geopandas user would write.

It reads the inputs itself (the commune boundaries with pyogrio, the village
register with pandas; nothing of slmap is imported), joins them, places the
villages without coordinates at a seeded random point inside their commune,
counts the villages without mobile broadband per commune and draws, with
``GeoDataFrame.explore()``, the layers slmap draws: the communes coloured by
``villages_no_mbb`` (Fisher-Jenks, 5 classes, legend), the covered villages
(grey) and the villages without mobile broadband (red, on top), with a layer
switcher, tooltips and popups. Each layer carries only the columns slmap's
page shows. The page is then made offline by inlining the front-end files it
uses (:data:`USED`) from a folder of npm packages (see :mod:`_offline`).

Run as a script, it is the baseline's whole command::

    python bench/_baseline.py OUT.html --assets NPM_DIR [--boundaries F] [--register F]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SLMAP_SHARED_GEODATA", REPO.parent / "shared" / "geodata"))
BOUNDARIES = SHARED / "son_la" / "communes_75_2025.geojson"
#: A register keyed to the 2025 communes (bench/run.py writes one from the sample,
#: which is keyed to the 2023 layout).
REGISTER = REPO / "bench" / "_out" / "son_la_villages_2025.csv"

#: CDN files of the explore() page that the page loads and uses (checked in Chromium by
#: ``_offline.check_assets`` on every bench run); every other reference is dropped.
USED = ("leaflet.js", "leaflet.css", "d3.min.js")

#: The columns slmap's page shows (commune tooltip/popup; village tooltip/popup).
COMMUNE_COLUMNS = ["ma_xa", "ten_xa", "villages_no_mbb", "villages"]
VILLAGE_COLUMNS = [
    "village_name",
    "commune_name",
    "district_name",
    "households",
    "population",
    "mobile_signal",
    "fibre",
    "grid_power",
    "location_estimated",
]


def read_inputs(boundaries: Path, register: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Communes with their village counts, and villages as points (WGS84)."""
    communes = gpd.read_file(boundaries, engine="pyogrio", columns=["ma_xa", "ten_xa"])
    table = pd.read_csv(register, encoding="utf-8-sig", dtype={"commune_code": str})
    table["mobile_broadband"] = table["mobile_signal"].str.lower().isin(["3g", "4g", "5g"])
    counts = table.groupby("commune_code").agg(
        villages=("village_id", "size"),
        villages_no_mbb=("mobile_broadband", lambda s: int((~s).sum())),
    )
    communes = communes.merge(counts, left_on="ma_xa", right_index=True, how="left")

    missing = table["lon"].isna() | table["lat"].isna()
    table["location_estimated"] = missing
    shapes = communes.set_index("ma_xa").geometry
    todo = table.loc[missing, "commune_code"]
    per_commune = todo.value_counts()
    sampled = shapes.loc[per_commune.index].sample_points(per_commune.to_numpy(), rng=0)
    points = sampled.explode()  # one row per point, grouped by commune code
    for code, rows in todo.groupby(todo).groups.items():
        pts = points.loc[[code]]
        # to 1e-5 degree (about 1 m), the precision of the surveyed coordinates
        table.loc[rows, "lon"] = pts.x.round(5).to_numpy()
        table.loc[rows, "lat"] = pts.y.round(5).to_numpy()
    villages = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326"
    )
    return communes, villages


def build_map(communes: gpd.GeoDataFrame, villages: gpd.GeoDataFrame) -> folium.Map:
    """The explore() map: communes choropleth, covered and uncovered villages."""
    fmap = communes[[*COMMUNE_COLUMNS, "geometry"]].explore(
        column="villages_no_mbb",
        scheme="FisherJenks",
        k=5,
        cmap="YlOrRd",
        legend=True,
        tiles=None,  # slmap's map has no basemap either
        popup=True,
        name="Communes",
    )
    lacking = ~villages["mobile_broadband"].to_numpy(bool)
    shown = villages[[*VILLAGE_COLUMNS, "geometry"]]
    shown[~lacking].explore(m=fmap, color="grey", popup=True, name="Covered villages")
    shown[lacking].explore(m=fmap, color="red", popup=True, name="Villages without MBB")
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def main(argv: list[str] | None = None) -> int:
    """Read, join, draw, inline the used front-end files and write the page atomically."""
    from _offline import inline_assets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--assets", type=Path, required=True, help="folder of npm packages")
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES)
    parser.add_argument("--register", type=Path, default=REGISTER)
    parser.add_argument(
        "--inline",
        choices=["used", "all", "none"],
        default="used",
        help="inline the used CDN files (default), every one npm has, or none (online page)",
    )
    args = parser.parse_args(argv)
    fmap = build_map(*read_inputs(args.boundaries, args.register))
    page = fmap.get_root().render()
    if args.inline != "none":
        page, _ = inline_assets(page, args.assets, None if args.inline == "all" else USED)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
