"""Time until a Leaflet map is ready in headless Chromium (network blocked).

Readiness, measured the same way for every page: from navigation start until
(1) the ``load`` event has fired, (2) a global Leaflet map object exists with at
least one layer (``window.slmapReady`` too, for slmap pages) and (3) two
animation frames have been painted after that, so SVG and canvas layers are
drawn. The figure is ``performance.now()`` at that point (milliseconds since
navigation start, i.e. parsing, script and drawing time all included).
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

# One definition of the browser and its flags, shared with the test suite.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _browser import CHROMIUM
from _browser import CHROMIUM_ARGS as ARGS

READY = """() => {
  if (document.readyState !== "complete" || typeof L === "undefined") return false;
  if ("slmapReady" in window && window.slmapReady !== true) return false;
  return Object.keys(window).some(function (k) {
    try { var m = window[k]; return m instanceof L.Map && Object.keys(m._layers).length > 0; }
    catch (e) { return false; }
  });
}"""
FRAMES = """() => new Promise(function (done) {
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    done(performance.now()); }); });
})"""


def chromium() -> str | None:
    """Path of the Chromium binary, or None."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def _blocking(blocked: list[str]):
    """A route handler that lets local files through and blocks (and notes) the rest."""

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    return route


def ready_times(pages: list[Path], reps: int = 5) -> tuple[list[list[float]], list[str]]:
    """Seconds to ready of each page, loaded interleaved (A B A B ...) in one browser.

    Returns
    -------
    (times, blocked)
        ``times[i]`` holds the ``reps`` figures of ``pages[i]``; ``blocked`` the URLs
        the pages tried to fetch from the network (all blocked).
    """
    from playwright.sync_api import sync_playwright

    times: list[list[float]] = [[] for _ in pages]
    blocked: list[str] = []

    route = _blocking(blocked)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            for _ in range(reps):
                for i, page_path in enumerate(pages):
                    times[i].append(_load_once(browser, page_path, route)[0])
        finally:
            browser.close()
    return times, sorted(set(blocked))


def _load_once(browser, page_path: Path, route, evaluate: str | None = None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", route)
    page = context.new_page()
    page.goto(page_path.resolve().as_uri(), wait_until="load", timeout=120_000)
    page.wait_for_function(READY, polling=10, timeout=120_000)
    seconds = page.evaluate(FRAMES) / 1000
    extra = page.evaluate(evaluate) if evaluate else None
    context.close()
    return seconds, extra


def time_to_ready(
    page_path: Path, reps: int = 5, evaluate: str | None = None
) -> tuple[list[float], list[str], object]:
    """Seconds to ready for ``reps`` fresh page loads of ``page_path``.

    Returns
    -------
    (times, blocked, extra)
        Times in seconds, URLs the page tried to fetch from the network (all
        blocked) and the result of ``evaluate`` (JS) on the last load.
    """
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    blocked: list[str] = []
    extra = None

    route = _blocking(blocked)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            for _ in range(reps):
                seconds, extra = _load_once(browser, page_path, route, evaluate)
                times.append(seconds)
        finally:
            browser.close()
    return times, sorted(set(blocked)), extra


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    t, b, _ = time_to_ready(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    print(f"median {statistics.median(t):.3f} s  {t}  blocked={len(b)}")
