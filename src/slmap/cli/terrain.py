"""``slmap fetch-dem``: the open DEM tiles covering a province, downloaded once.

Terrain is never shipped with slmap: this command downloads the public
Copernicus GLO-30 (or SRTM) tiles at run time into the user cache, for
``slmap predict --dem`` and ``slmap plan --dem``.
"""

from __future__ import annotations

from pathlib import Path

import click

from slmap.base.errors import InputError
from slmap.cli.group import cli

__all__ = ["fetch_dem_command"]


@cli.command("fetch-dem")
@click.option(
    "--province",
    default="14",
    show_default=True,
    help="Province whose terrain to download (code or name, e.g. 14 or son-la); the tiles "
    "cover its communes plus 35 km.",
)
@click.option(
    "--source",
    type=click.Choice(["copernicus", "srtm"]),
    default="copernicus",
    show_default=True,
    help="copernicus: Copernicus DEM GLO-30 Public (30 m, free licence); srtm: SRTM 1 "
    "arc-second (public domain).",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Destination folder (default: the user cache, dem/SOURCE).",
)
@click.option(
    "--base-url",
    help="Mirror to download from instead of the public address (also SLMAP_DEM_BASE_URL).",
)
def fetch_dem_command(
    province: str, source: str, out_dir: Path | None, base_url: str | None
) -> None:
    """Download the open DEM tiles covering a province into the cache (once).

    Tiles already there are kept; tiles absent upstream (sea) are listed.
    Prints the tile paths and the --dem option that uses them.
    """
    from slmap.admin.registry import parse_provinces
    from slmap.admin.scope import province_bounds
    from slmap.base.progress import progress_steps
    from slmap.sources.dem_fetch import SOURCES, fetch_dem, tile_corners

    codes = parse_provinces(province.replace("-", " ")) or ()
    if len(codes) != 1:
        raise InputError(f"--province {province!r}: give one province")
    bounds = province_bounds(codes[0])
    with progress_steps(len(tile_corners(bounds)), f"DEM tiles ({source})") as advance:
        result = fetch_dem(
            bounds, source=source, out_dir=out_dir, base_url=base_url, progress=advance
        )
    for url in result.missing:
        click.echo(f"not available upstream (sea or not released): {url}", err=True)
    for path in result.paths:
        click.echo(str(path))
    click.echo(
        f"{len(result.paths)} tile(s) in {result.folder} ({len(result.downloaded)} downloaded now; "
        f"licence: {SOURCES[source].licence})"
    )
    if result.paths:
        click.echo(f"use: slmap predict --dem {result.folder} --model itm --sites SITES --out OUT")
