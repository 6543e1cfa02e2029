"""Pinned downloads against a loopback HTTP server (no outside network)."""

import hashlib
import http.server
import threading

import pytest

from slmap.admin.locate import locate_boundaries
from slmap.base.errors import BoundariesNotFoundError, DownloadError
from slmap.sources import PINNED, fetch_upstream, find_pinned


@pytest.fixture
def server(shared_geodata):
    """Serve the pinned files at <repository>/<commit>/<path>; `corrupt` flips bytes."""
    files = {
        f"/{p.repository}/{p.commit}/{p.path}": (
            shared_geodata / "upstream" / p.filename
        ).read_bytes()
        for p in PINNED.values()
    }
    state = {"corrupt": False, "requests": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            state["requests"] += 1
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            if state["corrupt"]:
                body = body[:100] + b"X" + body[101:]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    httpd.shutdown()
    httpd.server_close()


def test_fetch_verifies_and_caches(server, tmp_path, monkeypatch):
    url, state = server
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "cache"))
    paths = fetch_upstream(base_url=url)
    for key, path in paths.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == PINNED[key].sha256
    assert find_pinned("communes") == paths["communes"]
    first = state["requests"]
    fetch_upstream(base_url=url)  # already cached and verified: no new request
    assert state["requests"] == first
    communes, outlines = locate_boundaries()
    assert len(communes.communes) == 75 and len(outlines.districts) == 12


def test_corrupted_body_leaves_nothing(server, tmp_path):
    url, state = server
    state["corrupt"] = True
    target = tmp_path / "cache"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        fetch_upstream(target=target, base_url=url)
    assert list(target.iterdir()) == []


def test_offline_nothing_cached_lists_three_ways(tmp_path, monkeypatch):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "empty"))
    with pytest.raises(BoundariesNotFoundError) as info:
        locate_boundaries(approximate=False)
    message = str(info.value)
    assert "--boundaries" in message and "SLMAP_DATA_DIR" in message and "slmap fetch" in message


def test_offline_fallback_is_approximate_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("SLMAP_DATA_DIR", raising=False)
    monkeypatch.setenv("SLMAP_CACHE_DIR", str(tmp_path / "empty"))
    communes, outlines = locate_boundaries()
    assert outlines is None
    assert len(communes.communes) == 75 and communes.communes["approximate"].all()
    warning = communes.problems[0]
    assert warning.kind == "approximate_boundaries" and "slmap fetch" in warning.message


def test_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(DownloadError, match="download failed"):
        fetch_upstream(target=tmp_path, base_url="http://127.0.0.1:9", timeout=2)
    assert list(tmp_path.iterdir()) == []
