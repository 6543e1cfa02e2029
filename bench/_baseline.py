"""The baseline a planner would otherwise write: geopandas ``explore()`` + ``save()``.

Communes coloured by ``villages_no_mbb``, villages without mobile broadband on
top, saved with folium's ``Map.save``. :func:`inline_assets` then replaces the
page's CDN references with the same files from the npm registry (``npm pack``
into a temporary folder; nothing else is downloaded), so the baseline can be
opened offline and measured like for like.

Run as a script (``python bench/_baseline.py OUT.html``) it loads the Sơn La
model and writes the map: the baseline's full wall time.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

#: CDN URL pattern -> (npm package@version, file inside the package).
NPM = [
    (r"/npm/leaflet@([\d.]+)/dist/(leaflet\.(?:js|css))$", "leaflet@{0}", "dist/{1}"),
    (r"jquery-([\d.]+)\.min\.js$", "jquery@{0}", "dist/jquery.min.js"),
    (r"/npm/bootstrap@([\d.]+)/(dist/.+)$", "bootstrap@{0}", "{1}"),
    (
        r"/npm/@fortawesome/fontawesome-free@([\d.]+)/(css/.+)$",
        "@fortawesome/fontawesome-free@{0}",
        "{1}",
    ),
    (
        r"Leaflet\.awesome-markers/([\d.]+)/(leaflet\.awesome-markers\.(js|css))$",
        "drmonty-leaflet-awesome-markers@{0}",
        "{2}/{1}",
    ),
    (r"/d3/([\d.]+)/d3\.min\.js$", "d3@{0}", "d3.min.js"),
]
_REF = re.compile(
    r'<script src="(https?://[^"]+)"></script>|<link rel="stylesheet" href="(https?://[^"]+)"/?>'
)


def build(model, path: Path) -> None:
    """Write the explore() map of ``model`` to ``path`` (the baseline's map building)."""
    # no basemap: slmap's map has none either (and there is no network to fetch tiles)
    # the same content as slmap's map: communes coloured by the metric, every village
    # (covered ones quieter, grey; the ones without mobile broadband in red on top)
    fmap = model.communes.explore(column="villages_no_mbb", legend=True, tiles=None)
    lacking = ~model.villages["mobile_broadband"].astype(bool)
    model.villages[~lacking].explore(m=fmap, color="grey")
    model.villages[lacking].explore(m=fmap, color="red")
    fmap.save(str(path))


def _npm_file(spec: str, inner: str, cache: Path) -> Path | None:
    folder = cache / re.sub(r"[^\w.-]", "_", spec)
    if not folder.exists():
        tmp = cache / "_pack"
        tmp.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True
        )
        if done.returncode != 0:
            return None
        tgz = tmp / done.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            tar.extractall(folder, filter="data")
    target = folder / "package" / inner
    return target if target.exists() else None


def _inline_css(css: str, base: Path) -> str:
    def data(m: re.Match) -> str:
        ref = m.group(2).split("?")[0].split("#")[0]
        if ref.startswith("data:"):
            return m.group(0)
        file = (base / ref).resolve()
        if not file.is_file():
            return m.group(0)
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return f'url("data:{mime};base64,{base64.b64encode(file.read_bytes()).decode()}")'

    return re.sub(r"url\((['\"]?)([^)'\"]+)\1\)", data, css)


def inline_assets(html: str, cache: Path | None = None) -> tuple[str, list[str]]:
    """Replace each CDN ``<script>``/``<link>`` with the npm file's content.

    Returns the page and the references that could not be resolved (dropped).
    """
    cache = cache or Path(tempfile.mkdtemp(prefix="slmap-npm-"))
    missing: list[str] = []

    def repl(m: re.Match) -> str:
        url = m.group(1) or m.group(2)
        for pattern, spec, inner in NPM:
            hit = re.search(pattern, url)
            if hit:
                file = _npm_file(spec.format(*hit.groups()), inner.format(*hit.groups()), cache)
                if file is not None:
                    text = file.read_text(encoding="utf-8")
                    text = re.sub(r"/[/*]# sourceMappingURL=[^\n]*", "", text)
                    if m.group(1):
                        return "<script>" + text.replace("</script", "<\\/script") + "</script>"
                    return "<style>" + _inline_css(text, file.parent) + "</style>"
        missing.append(url)
        return ""

    return _REF.sub(repl, html), missing


if __name__ == "__main__":  # the baseline's full wall time: load + explore + save
    import sys

    from slmap.model import load_coverage

    build(load_coverage(), Path(sys.argv[1]))
