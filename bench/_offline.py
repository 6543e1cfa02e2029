"""Make a folium page offline, and find out in Chromium which of its CDN files it uses.

:func:`inline_assets` replaces the page's CDN ``<script>``/``<link>`` references
with the same files from the npm registry (``npm pack`` into a cache folder;
nothing else is downloaded). :func:`check_assets` loads the page in headless
Chromium with every CDN request answered from that cache, records what the page
requests, then drops each reference in turn: a file is *used* when dropping it
changes what the page shows (a console or page error, a different number of
drawn paths, or a different position or size of the map, its panes, legend or
controls).
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

#: CDN URL pattern -> (npm package@version, file inside the package).
NPM = [
    (r"/npm/((?:@[\w.-]+/)?[\w.-]+@[\d.]+)/(.+)$", "{0}", "{1}"),
    (r"jquery-([\d.]+)\.min\.js$", "jquery@{0}", "dist/jquery.min.js"),
    (
        r"Leaflet\.awesome-markers/([\d.]+)/(leaflet\.awesome-markers\.(js|css))$",
        "drmonty-leaflet-awesome-markers@{0}",
        "{2}/{1}",
    ),
    (r"/d3/([\d.]+)/d3\.min\.js$", "d3@{0}", "d3.min.js"),
]
REF = re.compile(
    r'<script src="(https?://[^"]+)"></script>|<link rel="stylesheet" href="(https?://[^"]+)"/?>'
)

#: What the page shows, read after it is ready (compared between loads).
SIGNATURE = """() => {
  function rect(sel) {
    var e = document.querySelector(sel);
    if (!e) return null;
    var r = e.getBoundingClientRect();
    return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  }
  var drawn = document.querySelectorAll(".leaflet-overlay-pane path, .leaflet-marker-pane *");
  var visible = Array.prototype.filter.call(drawn, function (e) {
    var r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0;
  });
  var box = null;  /* union of the drawn shapes, to 10 px */
  visible.forEach(function (e) {
    var r = e.getBoundingClientRect();
    box = box ? [Math.min(box[0], r.left), Math.min(box[1], r.top), Math.max(box[2], r.right),
                 Math.max(box[3], r.bottom)] : [r.left, r.top, r.right, r.bottom];
  });
  return {
    drawn: drawn.length, visible: visible.length, map: rect(".leaflet-container"),
    overlay: box && box.map(function (v) { return Math.round(v / 10) * 10; }),
    legend: rect(".legend"), layers: rect(".leaflet-control-layers"),
    zoom: rect(".leaflet-control-zoom")
  };
}"""


def npm_file(url: str, cache: Path) -> Path | None:
    """The npm registry's copy of a CDN ``url`` (packed once into ``cache``), or None."""
    for pattern, spec_t, inner_t in NPM:
        hit = re.search(pattern, url.split("?")[0])
        if hit:
            spec, inner = spec_t.format(*hit.groups()), inner_t.format(*hit.groups())
            folder = cache / re.sub(r"[^\w.-]", "_", spec)
            if not folder.exists():
                tmp = cache / "_pack"
                tmp.mkdir(parents=True, exist_ok=True)
                done = subprocess.run(
                    ["npm", "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True
                )
                if done.returncode != 0:
                    return None
                with tarfile.open(tmp / done.stdout.strip().splitlines()[-1]) as tar:
                    tar.extractall(folder, filter="data")
            target = folder / "package" / inner
            return target if target.is_file() else None
    return None


def _inline_css(css: str, base: Path) -> str:
    def data(m: re.Match) -> str:
        ref = m.group(2).split("?")[0].split("#")[0]
        file = (base / ref).resolve()
        if ref.startswith("data:") or not file.is_file():
            return m.group(0)
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return f'url("data:{mime};base64,{base64.b64encode(file.read_bytes()).decode()}")'

    return re.sub(r"url\((['\"]?)([^)'\"]+)\1\)", data, css)


def references(html: str) -> list[str]:
    """The CDN URLs of the page's ``<script>`` and stylesheet ``<link>`` elements."""
    return [m.group(1) or m.group(2) for m in REF.finditer(html)]


def inline_assets(
    html: str, cache: Path, keep: tuple[str, ...] | None = None
) -> tuple[str, list[str]]:
    """Replace each CDN reference by the npm file's content; drop the others.

    ``keep`` names the files (last URL segment) to inline; ``None`` inlines every
    file that npm has (and its fonts and images as ``data:`` URIs). Returns the
    page and the references dropped.
    """
    dropped: list[str] = []

    def repl(m: re.Match) -> str:
        url = m.group(1) or m.group(2)
        file = None
        if keep is None or PurePosixPath(url).name in keep:
            file = npm_file(url, cache)
        if file is None:
            dropped.append(url)
            return ""
        text = re.sub(r"/[/*]# sourceMappingURL=[^\n]*", "", file.read_text(encoding="utf-8"))
        if m.group(1):
            return "<script>" + text.replace("</script", "<\\/script") + "</script>"
        return "<style>" + _inline_css(text, file.parent) + "</style>"

    return REF.sub(repl, html), dropped


def _load(browser, page_path: Path, cache: Path | None, drop: str | None) -> dict:
    """Load ``page_path``, CDN requests answered from ``cache`` (if any) except ``drop``."""
    from _chromium import FRAMES, READY
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    requested: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            return r.continue_()
        requested.append(url)
        file = None if url == drop or cache is None else npm_file(url, cache)
        if file is None:
            return r.abort()
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return r.fulfill(status=200, body=file.read_bytes(), content_type=mime)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.resolve().as_uri(), wait_until="load", timeout=120_000)
    try:
        page.wait_for_function(READY, polling=10, timeout=10_000)
        page.evaluate(FRAMES)
        page.wait_for_timeout(250)  # let a fitBounds or zoom settle
        shown = page.evaluate(SIGNATURE)
    except PlaywrightTimeout:  # a page that never gets ready is a finding, not a crash
        shown = {"never ready": True}
    names = page.evaluate("() => Object.keys(window)")
    context.close()
    # failed loads of dropped or unresolvable references are expected, not findings
    errors = [e for e in errors if "ERR_FAILED" not in e]
    return {"shown": shown, "errors": errors, "requested": requested, "globals": names}


def function(load: dict) -> dict:
    """What a load shows that matters: errors, drawn paths and markers, map geometry,
    and whether the legend and controls are there and inside the map (their exact
    size and position, e.g. from fonts, is cosmetic)."""
    shown = load["shown"]
    out = {"errors": len(load["errors"]), **{k: shown.get(k) for k in ("drawn", "visible")}}
    out.update(map=shown.get("map"), overlay=shown.get("overlay"))
    box = shown.get("map") or [0, 0, 0, 0]
    for key in ("legend", "layers", "zoom"):
        r = shown.get(key)
        inside = r and box[0] <= r[0] and box[1] <= r[1]
        inside = inside and r[0] + r[2] <= box[0] + box[2] and r[1] + r[3] <= box[1] + box[3]
        out[key] = "missing" if r is None else ("inside" if inside else "outside the map")
    if "never ready" in shown:
        out["ready"] = "never"
    return out


def _names(name: str, code: str) -> bool:
    """Whether ``code`` names the global ``name`` (as a whole identifier; ``${`` in a
    template literal is not ``$``)."""
    return re.search(rf"(?<![\w$.]){re.escape(name)}(?![\w${{])", code) is not None


def _diff(a: dict, b: dict) -> list[str]:
    return [f"{k}: {a.get(k)} -> {v}" for k, v in b.items() if a.get(k) != v]


def check_assets(page_path: Path, cache: Path) -> dict:
    """Which CDN files of ``page_path`` the page uses, found by dropping each in turn.

    Returns ``{"full": load, "requested": [...], "refs": {url: {"used", "why",
    "cosmetic", "globals", "referenced"}}}``: ``used`` when dropping the file changes
    :func:`function`; ``cosmetic`` lists the other differences (sizes and positions of
    the legend and controls); ``globals`` the window names the file defines and
    ``referenced`` those the page's own code names.
    """
    from _chromium import ARGS, chromium
    from playwright.sync_api import sync_playwright

    html = page_path.read_text(encoding="utf-8")
    refs = references(html)
    own = REF.sub("", html)  # the page's own code, to see which library globals it names
    out: dict = {"refs": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            full = _load(browser, page_path, cache, None)
            out["full"], out["requested"] = full, sorted(set(full["requested"]))
            for url in refs:
                if npm_file(url, cache) is None:
                    out["refs"][url] = {
                        "used": False,
                        "why": "not on npm: it never loads",
                        "cosmetic": "",
                        "globals": [],
                        "referenced": [],
                    }
                    continue
                cut = _load(browser, page_path, cache, url)
                why = _diff(function(full), function(cut))
                if cut["errors"]:
                    why.insert(0, f"error {cut['errors'][0][:60]!r}")
                cosmetic = [d for d in _diff(full["shown"], cut["shown"]) if d not in why]
                defined = sorted(set(full["globals"]) - set(cut["globals"]))
                out["refs"][url] = {
                    "globals": defined,
                    "referenced": [g for g in defined if _names(g, own)],
                    "used": bool(why),
                    "why": "; ".join(why) or "no change when dropped",
                    "cosmetic": "; ".join(cosmetic) if not why else "",
                }
        finally:
            browser.close()
    return out


def shown_offline(page_path: Path) -> dict:
    """What an offline page (network blocked) shows, and its errors."""
    from _chromium import ARGS, chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            return _load(browser, page_path, None, None)
        finally:
            browser.close()


if __name__ == "__main__":  # pragma: no cover - manual use: python bench/_offline.py PAGE CACHE
    import sys

    print(json.dumps(check_assets(Path(sys.argv[1]), Path(sys.argv[2])), indent=1))
