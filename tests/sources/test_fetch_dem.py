"""``slmap fetch-dem``: tiles from a local HTTP server serving synthetic GeoTIFFs.

No test touches the internet: the download path runs against a server on
127.0.0.1 (its base URL given by ``SLMAP_DEM_BASE_URL`` or ``--base-url``),
the offline path against a port nobody listens on.
"""

from __future__ import annotations

import gzip
import http.server
import io
import socket
import threading

import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from rasterio.transform import from_origin

from slmap.admin.scope import province_bounds
from slmap.cli import cli
from slmap.sources.dem import read_dem
from slmap.sources.dem_fetch import SOURCES, fetch_dem, tile_corners


def _tile_bytes(lat: int, lon: int, value: float) -> bytes:
    buf = io.BytesIO()
    with rasterio.MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=60,
            height=60,
            count=1,
            dtype="float32",
            crs="EPSG:4326",
            transform=from_origin(lon, lat + 1, 1 / 60, 1 / 60),
        ) as ds:
            ds.write(np.full((1, 60, 60), value, "float32"))
        buf.write(mem.read())
    return buf.getvalue()


class _Server:
    """Serve ``files`` (path -> bytes); 404 for the rest; count the GETs."""

    def __init__(self, files: dict[str, bytes], truncate: bool = False):
        self.files, self.truncate, self.gets = files, truncate, []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.gets.append(self.path)
                body = owner.files.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if owner.truncate else body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(files, truncate=False):
        servers.append(_Server(files, truncate))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_tile_names_and_the_son_la_tiles():
    src = SOURCES["copernicus"]
    assert src.remote(21, 103) == (
        "Copernicus_DSM_COG_10_N21_00_E103_00_DEM/Copernicus_DSM_COG_10_N21_00_E103_00_DEM.tif"
    )
    assert src.remote(-3, -60).startswith("Copernicus_DSM_COG_10_S03_00_W060_00_DEM/")
    corners = tile_corners(province_bounds("14"))
    # Sơn La lies within 20-22 °N, 103-105 °E; with the 35 km margin it touches 9 tiles
    assert {(21, 103), (21, 104), (20, 104)} <= set(corners)
    assert all(20 <= lat <= 22 and 102 <= lon <= 105 for lat, lon in corners)


def test_download_skips_cached_and_reports_missing(tmp_path, serve, monkeypatch):
    src = SOURCES["copernicus"]
    files = {src.remote(21, 103): _tile_bytes(21, 103, 500.0)}
    files[src.remote(21, 104)] = _tile_bytes(21, 104, 800.0)
    server = serve(files)
    monkeypatch.setenv("SLMAP_DEM_BASE_URL", server.url)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    res = CliRunner().invoke(cli, ["fetch-dem", "--province", "son-la"])
    assert res.exit_code == 0, res.output
    folder = tmp_path / "cache" / "dem" / "copernicus"
    saved = sorted(p.name for p in folder.iterdir())
    assert saved == sorted(p.rsplit("/", 1)[1] for p in files)  # no temporary file left
    n_tiles = len(tile_corners(province_bounds("14")))
    assert len(server.gets) == n_tiles
    assert res.stderr.count("not available upstream") == n_tiles - 2
    assert str(folder / saved[0]) in res.stdout
    assert f"--dem {folder}" in res.stdout
    # the tiles read as one DEM across the seam at 104 °E
    dem = read_dem(folder, (103.9, 21.4, 104.1, 21.6))
    assert np.nanmin(dem.heights) == 500.0 and np.nanmax(dem.heights) == 800.0
    again = CliRunner().invoke(cli, ["fetch-dem", "--province", "14"])
    assert again.exit_code == 0, again.output
    assert (
        sorted(server.gets[n_tiles:])
        == sorted(  # only the missing tiles are asked again
            g for g in server.gets[:n_tiles] if g.lstrip("/") not in files
        )
    )
    assert "0 downloaded now" in again.stdout


def test_srtm_tiles_are_unzipped(tmp_path, serve):
    src = SOURCES["srtm"]
    server = serve({src.remote(21, 103): gzip.compress(_tile_bytes(21, 103, 321.0))})
    result = fetch_dem(
        (103.2, 21.2, 103.8, 21.8), source="srtm", out_dir=tmp_path, base_url=server.url
    )
    assert [p.name for p in result.paths] == ["N21E103.hgt"]
    with rasterio.open(result.paths[0]) as ds:
        assert float(ds.read(1).mean()) == 321.0


def test_offline_is_one_clear_line_and_exit_1(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = CliRunner().invoke(
        cli,
        ["fetch-dem", "--out-dir", str(tmp_path / "d"), "--base-url", f"http://127.0.0.1:{port}"],
    )
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot connect (offline?)" in lines[0] and "--dem" in lines[0]
    assert "Traceback" not in res.output
    assert list((tmp_path / "d").iterdir()) == []


def test_a_broken_transfer_leaves_nothing(tmp_path, serve):
    src = SOURCES["copernicus"]
    server = serve({src.remote(21, 103): _tile_bytes(21, 103, 1.0)}, truncate=True)
    res = CliRunner().invoke(
        cli, ["fetch-dem", "--out-dir", str(tmp_path), "--base-url", server.url]
    )
    assert res.exit_code == 1
    assert "nothing was saved" in res.output
    assert list(tmp_path.iterdir()) == []
