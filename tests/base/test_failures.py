"""Failure injection: unwritable outputs, full disks, broken and corrupt downloads."""

from __future__ import annotations

import errno
import hashlib
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from slmap.base import atomic
from slmap.base.errors import DownloadError, ExportError
from slmap.cli import cli
from slmap.sources import PINNED, fetch_upstream, find_pinned

# ------------------------------------------------------------------ writes


def _deny(*args, **kwargs):
    raise PermissionError(errno.EACCES, "Permission denied")


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("target", "fault", "message"),
    [
        ("os.replace", _deny, "permission denied"),
        ("os.fsync", _disk_full, "the disk is full"),
        ("tempfile.mkstemp", _deny, "permission denied"),
    ],
)
def test_atomic_write_failure_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, fault, message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(target, fault)
    with pytest.raises(ExportError, match=message) as info:
        atomic.atomic_write_text(out / "villages.csv", "Bản Nà Tấu\n" * 1000)
    assert "nothing was written" in str(info.value)
    assert _leftovers(out) == []


def test_failed_overwrite_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "villages.csv"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr("os.replace", _disk_full)
    with pytest.raises(ExportError, match="disk is full"):
        atomic.atomic_write_bytes(target, b"new", overwrite=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == ["villages.csv"]


def test_atomic_path_failure_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "communes.gpkg"
    with pytest.raises(ExportError, match="permission denied"):  # noqa: SIM117
        with atomic.atomic_path(target) as tmp:
            tmp.write_bytes(b"partial")
            monkeypatch.setattr("os.replace", _deny)
    assert _leftovers(tmp_path) == []


def test_cli_rejects_unwritable_one_line(tmp_path: Path, monkeypatch) -> None:
    from corpus._build import csv_text, register, squares

    boundaries = tmp_path / "b.geojson"
    squares().to_file(boundaries, driver="GeoJSON")
    frame = register()
    frame.loc[1, "Số hộ"] = "nhiều"
    reg = tmp_path / "v.csv"
    reg.write_text(csv_text(frame), encoding="utf-8")
    before = reg.read_bytes(), reg.stat().st_mtime_ns
    rejects = tmp_path / "out" / "rejects.csv"
    real_replace = os.replace
    monkeypatch.setattr(
        "os.replace", lambda a, b: _deny() if str(b) == str(rejects) else real_replace(a, b)
    )
    result = CliRunner().invoke(
        cli,
        [
            "validate",
            "--register",
            str(reg),
            "--boundaries",
            str(boundaries),
            "--keep-going",
            "--rejects",
            str(rejects),
        ],
    )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: could not write") and "permission denied" in lines[-1]
    assert _leftovers(rejects.parent) == []
    assert (reg.read_bytes(), reg.stat().st_mtime_ns) == before


# ------------------------------------------------------------------ downloads


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Serves ``/<repository>/<commit>/<path>``; ``modes`` says how, one per request."""

    files: ClassVar[dict[str, bytes]] = {}
    modes: ClassVar[list[str]] = []
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        mode = self.modes.pop(0) if self.modes else "full"
        sent = body
        if mode == "corrupt":
            sent = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "truncated":
            self.wfile.write(sent[: len(sent) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(sent)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def upstream_server(upstream_env: Path) -> Iterator[tuple[str, type[_Upstream]]]:
    handler = type("Handler", (_Upstream,), {"files": {}, "modes": [], "requests": 0})
    for pinned in PINNED.values():
        key = f"/{pinned.repository}/{pinned.commit}/{pinned.path}"
        handler.files[key] = (upstream_env / pinned.filename).read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_interrupted_download_leaves_nothing_then_recovers(tmp_path: Path, upstream_server):
    base_url, handler = upstream_server
    cache = tmp_path / "cache"
    handler.modes[:] = ["truncated"]
    with pytest.raises(DownloadError, match=r"interrupted|download failed"):
        fetch_upstream(("communes",), target=cache, base_url=base_url, timeout=10)
    assert _leftovers(cache) == []
    paths = fetch_upstream(("communes",), target=cache, base_url=base_url, timeout=10)
    assert _sha(paths["communes"]) == PINNED["communes"].sha256
    assert _leftovers(cache) == [PINNED["communes"].filename]
    assert handler.requests == 2


def test_corrupt_download_is_refused(tmp_path: Path, upstream_server) -> None:
    base_url, handler = upstream_server
    cache = tmp_path / "cache"
    handler.modes[:] = ["corrupt"]
    with pytest.raises(DownloadError, match="checksum mismatch"):
        fetch_upstream(("communes",), target=cache, base_url=base_url, timeout=10)
    assert _leftovers(cache) == []


def test_corrupt_cache_file_is_replaced(tmp_path: Path, upstream_server, monkeypatch) -> None:
    base_url, _ = upstream_server
    cache = tmp_path / "cache"
    cache.mkdir()
    stale = cache / PINNED["districts"].filename
    stale.write_bytes(b'{"truncated": ')
    monkeypatch.delenv("SLMAP_DATA_DIR")
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(cache))
    assert find_pinned("districts") is None  # a corrupt cached copy is never used
    paths = fetch_upstream(("districts",), base_url=base_url, timeout=10)
    assert _sha(paths["districts"]) == PINNED["districts"].sha256
    assert find_pinned("districts") == stale


def test_fetch_cli_reports_one_line(tmp_path: Path, upstream_server) -> None:
    base_url, handler = upstream_server
    handler.modes[:] = ["corrupt"]
    cache = tmp_path / "cache"
    result = CliRunner().invoke(cli, ["fetch", "--target", str(cache), "--base-url", base_url])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "checksum mismatch" in lines[0], result.stderr
    assert _leftovers(cache) == []
