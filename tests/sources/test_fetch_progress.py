"""Download progress is reported in order, never past the file's size, ending at its size."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

from slmap.sources import PINNED, fetch_upstream


def test_progress_reaches_the_size_and_never_passes_it(shared_geodata: Path, tmp_path: Path):
    pinned = PINNED["districts"]
    body = (shared_geodata / "upstream" / pinned.filename).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    calls: list[tuple[str, int, int | None]] = []
    try:
        fetch_upstream(
            ("districts",),
            target=tmp_path,
            base_url=f"http://127.0.0.1:{server.server_address[1]}",
            timeout=10,
            progress=lambda name, done, total: calls.append((name, done, total)),
        )
    finally:
        server.shutdown()
        server.server_close()
    assert len(calls) > 10  # reported while streaming, not only at the end
    assert {name for name, _, _ in calls} == {pinned.filename}
    assert {total for _, _, total in calls} == {len(body)}
    done = [d for _, d, _ in calls]
    assert done == sorted(done) and done[-1] == len(body) and max(done) <= len(body)
