"""Download the open DEM tiles covering a province, at run time, into the user cache.

Two public sources of 1° × 1° tiles, named by their south-west corner:

``copernicus`` (default)
    Copernicus DEM GLO-30 Public, 30 m Cloud Optimized GeoTIFFs on the AWS
    open data registry: ``{base}/Copernicus_DSM_COG_10_N21_00_E103_00_DEM/
    Copernicus_DSM_COG_10_N21_00_E103_00_DEM.tif`` (tile 21–22 °N,
    103–104 °E). Free licence of the Copernicus programme: "© DLR e.V.
    2010-2014 and © Airbus Defence and Space GmbH 2014-2018 provided under
    COPERNICUS by the European Union and ESA; all rights reserved".
``srtm``
    SRTM 1 arc-second heights (public domain, NASA/USGS) as gzipped HGT in
    the open Terrain Tiles data set: ``{base}/N21/N21E103.hgt.gz``, written
    unzipped as ``N21E103.hgt``.

Tiles go to ``<cache>/dem/<source>/`` (the cache folder of
:func:`slmap.sources.upstream.cache_dir`), each written to a temporary file
and renamed when complete, so an interrupted download leaves nothing. A tile
already there is not downloaded again. A tile absent upstream (404: sea,
or not released) is reported, not fatal. ``SLMAP_DEM_BASE_URL`` (or the
``base_url`` argument) replaces the public address, e.g. with a mirror.
DEM tiles are never part of slmap itself.
"""

from __future__ import annotations

import gzip
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from slmap.base.errors import DownloadError, InputError

__all__ = [
    "BASE_URL_ENV",
    "SOURCES",
    "DemFetch",
    "DemSource",
    "fetch_dem",
    "tile_corners",
]

BASE_URL_ENV = "SLMAP_DEM_BASE_URL"


@dataclass(frozen=True)
class DemSource:
    """A public source of 1° DEM tiles."""

    name: str
    base_url: str
    licence: str
    gzipped: bool = False

    def remote(self, lat: int, lon: int) -> str:
        """Path of a tile below the base URL.

        Examples
        --------
        >>> SOURCES["copernicus"].remote(21, 103)
        'Copernicus_DSM_COG_10_N21_00_E103_00_DEM/Copernicus_DSM_COG_10_N21_00_E103_00_DEM.tif'
        >>> SOURCES["srtm"].remote(-1, -75)
        'S01/S01W075.hgt.gz'
        """
        ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
        if self.name == "copernicus":
            stem = f"Copernicus_DSM_COG_10_{ns}{abs(lat):02d}_00_{ew}{abs(lon):03d}_00_DEM"
            return f"{stem}/{stem}.tif"
        return f"{ns}{abs(lat):02d}/{ns}{abs(lat):02d}{ew}{abs(lon):03d}.hgt.gz"

    def local(self, lat: int, lon: int) -> str:
        """File name of a tile in the cache (SRTM unzipped).

        Examples
        --------
        >>> SOURCES["srtm"].local(21, 103)
        'N21E103.hgt'
        """
        name = self.remote(lat, lon).rsplit("/", 1)[-1]
        return name[: -len(".gz")] if self.gzipped else name


SOURCES = {
    "copernicus": DemSource(
        "copernicus",
        "https://copernicus-dem-30m.s3.amazonaws.com",
        "Copernicus DEM GLO-30 Public, free licence: © DLR e.V. 2010-2014 and © Airbus Defence "
        "and Space GmbH 2014-2018 provided under COPERNICUS by the European Union and ESA",
    ),
    "srtm": DemSource(
        "srtm",
        "https://s3.amazonaws.com/elevation-tiles-prod/skadi",
        "SRTM 1 arc-second (NASA/USGS, public domain), via the open Terrain Tiles data set",
        gzipped=True,
    ),
}


@dataclass
class DemFetch:
    """What :func:`fetch_dem` did: tiles present, downloaded now, and absent upstream."""

    folder: Path
    paths: list[Path] = field(default_factory=list)
    downloaded: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def tile_corners(bounds: tuple[float, ...]) -> list[tuple[int, int]]:
    """South-west corners ``(lat, lon)`` of the 1° tiles meeting ``bounds``.

    Examples
    --------
    >>> tile_corners((103.2, 20.6, 104.5, 21.9))
    [(20, 103), (20, 104), (21, 103), (21, 104)]
    """
    west, south, east, north = bounds
    lats = range(math.floor(south), math.ceil(north))
    lons = range(math.floor(west), math.ceil(east))
    return [(lat, lon) for lat in lats for lon in lons]


def fetch_dem(
    bounds: tuple[float, ...],
    *,
    source: str = "copernicus",
    out_dir: Path | None = None,
    base_url: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[int], None] | None = None,
) -> DemFetch:
    """Download the tiles of ``source`` covering ``bounds`` (skipping cached ones).

    Parameters
    ----------
    bounds : tuple
        ``(west, south, east, north)`` in degrees.
    source : {"copernicus", "srtm"}
    out_dir : Path, optional
        Destination; default ``<cache>/dem/<source>``.
    base_url : str, optional
        Replace the public address (else ``SLMAP_DEM_BASE_URL``, else the source's).
    progress : callable, optional
        Called with 1 after each tile.

    Raises
    ------
    DownloadError
        No network, a server error other than 404, or a broken transfer;
        nothing partial is left behind.

    Examples
    --------
    >>> fetch_dem((103.2, 20.5, 105.2, 22.1))  # doctest: +SKIP
    DemFetch(folder=PosixPath('~/.cache/slmap/dem/copernicus'), paths=[...], ...)
    """
    import requests

    from slmap.sources.upstream import cache_dir

    if source not in SOURCES:
        raise InputError(f"unknown DEM source '{source}' (expected {' or '.join(SOURCES)})")
    src = SOURCES[source]
    folder = Path(out_dir) if out_dir is not None else cache_dir() / "dem" / source
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"{folder}: cannot create the DEM folder ({exc.strerror})") from None
    base = (base_url or os.environ.get(BASE_URL_ENV) or src.base_url).rstrip("/")
    result = DemFetch(folder)
    with requests.Session() as session:
        for lat, lon in tile_corners(bounds):
            dest = folder / src.local(lat, lon)
            if dest.is_file() and dest.stat().st_size > 0:
                result.paths.append(dest)
            else:
                url = f"{base}/{src.remote(lat, lon)}"
                if _download(session, url, dest, src.gzipped, timeout):
                    result.paths.append(dest)
                    result.downloaded.append(dest)
                else:
                    result.missing.append(url)
            if progress is not None:
                progress(1)
    return result


def _download(session, url: str, dest: Path, gzipped: bool, timeout: float) -> bool:
    """Stream ``url`` into ``dest`` atomically; False when the server has no such tile."""
    import requests
    import urllib3

    try:
        with session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code == 404:
                return False
            response.raise_for_status()
            _write_atomic(response.raw, dest, gzipped)
    except requests.ConnectionError:
        raise DownloadError(
            f"{url}: cannot connect (offline?). slmap fetch-dem needs a network connection "
            "once; or give a DEM you have with --dem FILE"
        ) from None
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, EOFError) as exc:
        raise DownloadError(f"{url}: download failed ({exc}); nothing was saved") from None
    return True


def _write_atomic(raw, dest: Path, gzipped: bool) -> None:
    raw.decode_content = True
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
            shutil.copyfileobj(stream, out, 1 << 20)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
