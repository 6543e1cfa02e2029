"""The page at scale: a national map of 1,000,000 villages in headless Chromium.

The page is built from synthetic villages over the 3,321 national communes (the
approximate communes slmap builds from the registry, read at run time): villages per
commune in proportion to area^0.8, placed uniformly at random inside their commune,
about 7 % without mobile broadband, 45 % with estimated locations. It is rendered by
``slmap.page.render.render_html`` like any map. Measured in headless Chromium with the
network blocked (``bench/_chromium.py``), one fresh page load per repetition:

- time to ready (as for every page of the bench) and the JS heap in use at ready;
- first search: the first keystroke typed in the search box as soon as the page is
  ready, from that keystroke's ``input`` event until the results are in the list and
  two animation frames have been painted; the letter is the first of every village
  name ("b" of "Bản"), so it matches every village: the worst case;
- pan at zoom 11: the view centred on the densest 0.1° square at zoom 11, then
  ``panBy`` 300 px without animation, alternately right and left, from the call until
  ``moveend`` and two animation frames (the figure of a load is the median of its pans).

The national rows of the issue use the same definitions as the rest of the bench:
``slmap map --province all`` on 100,000 synthetic villages with a new, empty cache
folder per run (cold), and the page's time to ready.

Usage: ``python bench/_page_scale.py [--villages 1000000] [--reps 3]`` prints the rows;
``bench/run.py`` calls :func:`page_rows`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
OUT = HERE / "_out"
sys.path[:0] = [str(HERE.parent / "src"), str(HERE)]

MB = 1_000_000
#: Goals of the issue (seconds).
GOAL_NATIONAL_BUILD = 5.0
GOAL_NATIONAL_READY = 1.5
GOAL_PAN = 0.200
GOAL_FIRST_SEARCH = 0.300
PAN_PX = 300
PANS = 6
ZOOM = 11

SYLLABLES = "Nà Huổi Pá Co Phiêng Noong Hua Lọng Tà Púng Pom Khau Lả Ten Đông Kéo Mòn Sẳng"
SYLLABLES += " Lướt Hin Bó Cang Nong Pa Lằn Khoang Xa Pắc Tỏm Bon Liềng Chỏm Nặm Tấu Sài Vai"

#: In the page: resolves with the first search's figure (ms) after one keystroke.
FIRST_SEARCH = """() => {
  const input = document.querySelector(".slmap-search input");
  const list = document.querySelector(".slmap-search ul");
  window.slmapBench = null;
  input.focus();
  document.addEventListener("input", function (ev) {
    const t0 = performance.now();
    function drawn() {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.slmapBench = { ms: performance.now() - t0,
          results: list.querySelectorAll("li.slmap-result").length,
          text: list.innerText };
      }));
    }
    if (list.querySelector("li")) { drawn(); return; }
    const seen = new MutationObserver(() => {
      if (list.querySelector("li")) { seen.disconnect(); drawn(); }
    });
    seen.observe(list, { childList: true });
  }, { capture: true, once: true });
}"""

#: In the page: centre on ``[lat, lon]`` at ``zoom``, then time ``n`` pans (ms each).
PAN = """async ([lat, lon, zoom, px, n]) => {
  const map = window.slmapMap;
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const moved = () => new Promise(r => map.once("moveend", r));
  let done = moved();
  map.setView([lat, lon], zoom, { animate: false });
  await done; await frames();
  await new Promise(r => setTimeout(r, 300));
  const times = [];
  let markers = 0;
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    done = moved();
    map.panBy([k % 2 ? -px : px, 0], { animate: false });
    await done; await frames();
    times.push(performance.now() - t0);
    await new Promise(r => setTimeout(r, 100));
  }
  for (const key of ["uncovered", "covered"]) {
    window.slmapLayers.groups[key].eachLayer(pl => pl.eachLayer(() => markers++));
  }
  return { times: times, markers: markers };
}"""


def _communes():
    """The national communes (approximate, from the registry) with districts and province."""
    from slmap.model import load_coverage
    from slmap.sample.registers import generate_register

    register = OUT / "national_communes_seed.csv"
    if not register.exists():
        generate_register("all", villages=10_000).to_csv(register, index=False)
    return load_coverage(register=register, province="all")


def _villages(communes, n: int, seed: int = 1_000_000):
    """``n`` synthetic villages placed uniformly inside the national communes."""
    import numpy as np
    import pandas as pd
    import shapely

    from slmap.base.schema import signal_flags
    from slmap.sample.registers import apportion

    rng = np.random.default_rng(seed)
    metric = communes.to_crs(3405) if communes.crs else communes
    area = np.clip(metric.geometry.area.to_numpy() / 1e6, 1, None)
    counts = apportion(area**0.8, n, minimum=1)
    xs, ys, rows = [], [], []
    for k, (geom, m) in enumerate(zip(communes.geometry.values, counts, strict=True)):
        x0, y0, x1, y1 = geom.bounds
        got_x, got_y, need = [], [], int(m)
        while need > 0:
            px = rng.uniform(x0, x1, 4 * need + 8)
            py = rng.uniform(y0, y1, 4 * need + 8)
            inside = shapely.contains_xy(geom, px, py)
            got_x.append(px[inside][:need])
            got_y.append(py[inside][:need])
            need -= len(got_x[-1])
        xs.append(np.concatenate(got_x))
        ys.append(np.concatenate(got_y))
        rows.append(np.full(int(m), k))
    ix = np.concatenate(rows)
    names = np.array(SYLLABLES.split(), dtype=object)
    a, b = rng.integers(0, len(names), n), rng.integers(0, len(names), n)
    number = rng.integers(1, 40, n).astype(str)
    signal = rng.choice(["none", "2g", "3g", "4g", "5g"], n, p=[0.04, 0.03, 0.05, 0.78, 0.10])
    villages = pd.DataFrame(
        {
            "village_id": [f"VN{i:07d}" for i in range(n)],
            "village_name": "Bản " + names[a] + " " + names[b] + " " + number,
            "commune_code": communes.index.to_numpy()[ix].astype(str),
            "commune_name": communes["commune_name"].to_numpy()[ix],
            "district_name": communes["district_name"].to_numpy()[ix],
            "households": rng.integers(20, 300, n),
            "population": rng.integers(80, 1500, n),
            "mobile_signal": signal,
            "fibre": rng.random(n) < 0.4,
            "grid_power": rng.random(n) < 0.9,
            "location_estimated": rng.random(n) < 0.45,
            "lon": np.round(np.concatenate(xs), 5),
            "lat": np.round(np.concatenate(ys), 5),
        }
    )
    return pd.concat([villages, signal_flags(villages["mobile_signal"])], axis=1)


def build_page(n: int, path: Path) -> dict:
    """Write the national map of ``n`` synthetic villages to ``path``; its figures."""
    import numpy as np

    from slmap.page.render import render_html

    base = _communes()
    communes = base.communes.copy()
    villages = _villages(communes, n)
    stats = villages.groupby("commune_code").agg(
        villages=("village_id", "size"),
        villages_no_mbb=("mobile_broadband", lambda s: int((~s).sum())),
    )
    for col in ("villages", "villages_no_mbb"):
        communes[col] = stats[col].reindex(communes.index.astype(str)).fillna(0).to_numpy(int)
    model = SimpleNamespace(
        communes=communes,
        villages=villages,
        districts=base.districts,
        province=base.province,
        provenance=base.provenance,
    )
    start = time.perf_counter()
    html = render_html(model)
    render_s = time.perf_counter() - start
    tmp = path.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    # the densest 0.1° square: where a pan at zoom 11 has the most villages in view
    cell = np.floor(villages[["lon", "lat"]].to_numpy() * 10).astype(int)
    keys, count = np.unique(cell, axis=0, return_counts=True)
    densest = (keys[count.argmax()] + 0.5) / 10
    return {
        "bytes": path.stat().st_size,
        "render_s": render_s,
        "center": [float(densest[1]), float(densest[0])],
        "uncovered": int((~villages["mobile_broadband"]).sum()),
    }


def _heap_mb(page) -> float:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics.get("JSHeapUsedSize", float("nan")) / MB


def measure_page(path: Path, center: list[float], reps: int) -> dict[str, list[float]]:
    """Ready (s), heap (MB), first search (s) and pan (s) of ``reps`` fresh loads."""
    from _chromium import ARGS, FRAMES, READY, chromium
    from playwright.sync_api import sync_playwright

    out: dict[str, list] = {"ready": [], "heap": [], "search": [], "pan": [], "markers": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            for _ in range(reps):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
                )
                page = context.new_page()
                page.goto(path.resolve().as_uri(), wait_until="load", timeout=300_000)
                page.wait_for_function(READY, polling=10, timeout=300_000)
                out["ready"].append(page.evaluate(FRAMES) / 1000)
                out["heap"].append(_heap_mb(page))
                page.evaluate(FIRST_SEARCH)
                page.keyboard.press("b")
                page.wait_for_function("window.slmapBench !== null", timeout=120_000)
                seen = page.evaluate("window.slmapBench")
                if not seen["results"]:
                    raise SystemExit(f"first search found nothing: {seen['text'][:200]}")
                out["search"].append(seen["ms"] / 1000)
                page.evaluate(
                    "() => { const i = document.querySelector('.slmap-search input');"
                    " i.value = ''; i.dispatchEvent(new Event('input')); }"
                )
                pans = page.evaluate(PAN, [*center, ZOOM, PAN_PX, PANS])
                if not pans["markers"]:
                    raise SystemExit("no village drawn after the pans")
                out["pan"].append(statistics.median(pans["times"]) / 1000)
                out["markers"].append(pans["markers"])
                context.close()
        finally:
            browser.close()
    return out


def row(rows: list, name: str, shown: str, value: float, goal: float | None, unit: str) -> None:
    """Append a row in ``bench/run.py``'s columns (no baseline: an absolute goal)."""
    verdict = "-" if goal is None else ("met" if value <= goal else "miss")
    rows.append((name, shown, "-", "-", "(report)" if goal is None else f"<= {goal:g}{unit}",
                 verdict))  # fmt: skip


def wall_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one child process; stops the bench if it fails."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def national_rows(reps: int, rows: list, notes: list) -> None:
    """The issue's national rows: a cold ``slmap map`` (a new, empty cache folder each run)
    on 3,321 communes and 100,000 villages, and the page's time to ready."""
    from _chromium import time_to_ready

    from slmap.sample.registers import generate_register

    register = OUT / "national_100k.csv"
    if not register.exists():
        generate_register("all", villages=100_000).to_csv(register, index=False)
    page = OUT / "national_100k_page.html"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path[:2]), PYTHONDONTWRITEBYTECODE="1")
    env.pop("SLMAP_DATA_DIR", None)  # the approximate national communes, from the registry
    walls = []
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as cold:
            cli = [sys.executable, "-m", "slmap", "map", "--province", "all"]
            cli += ["--register", str(register), "--out", str(page), "--overwrite"]
            walls.append(wall_seconds(cli, dict(env, SLMAP_CACHE_DIR=cold)))
    ready, blocked, _ = time_to_ready(page, max(reps, 3))
    wall, r = statistics.median(walls), statistics.median(ready)
    row(rows, "National build, cold cache (100k villages)", f"{wall:.1f} s", wall,
        GOAL_NATIONAL_BUILD, " s")  # fmt: skip
    row(rows, "National time to ready (100k villages)", f"{r:.2f} s", r, GOAL_NATIONAL_READY,
        " s")  # fmt: skip
    notes.append(f"national 100k: builds {[round(w, 1) for w in walls]} s, ready "
                 f"{[round(t, 2) for t in ready]} s, blocked requests {len(blocked)}")  # fmt: skip


def page_rows(
    reps: int, rows: list, notes: list, villages: int = 1_000_000, national: bool = True
) -> None:
    """Append the national and the million-village page rows to ``rows`` (see the module)."""
    OUT.mkdir(parents=True, exist_ok=True)
    if national:
        national_rows(reps, rows, notes)
    path = OUT / f"national_{villages}_page.html"
    built = build_page(villages, path)
    seen = measure_page(path, built["center"], max(reps, 3))
    med = {key: statistics.median(values) for key, values in seen.items()}
    label = f"{villages:,} villages"
    row(rows, f"{label}: HTML bytes", f"{built['bytes']:,}", built["bytes"], None, "")
    row(rows, f"{label}: time to ready", f"{med['ready']:.2f} s", med["ready"], None, "")
    row(rows, f"{label}: JS heap at ready", f"{med['heap']:.0f} MB", med["heap"], None, "")
    row(
        rows,
        f"{label}: pan at zoom {ZOOM}",
        f"{med['pan'] * 1000:.0f} ms",
        med["pan"],
        GOAL_PAN,
        " s",
    )
    row(
        rows,
        f"{label}: first search",
        f"{med['search'] * 1000:.0f} ms",
        med["search"],
        GOAL_FIRST_SEARCH,
        " s",
    )
    notes.append(
        f"{label}: {built['uncovered']:,} without mobile broadband;"
        f" render {built['render_s']:.1f} s;"
        f" pans at zoom {ZOOM} around {built['center']} with {med['markers']:,.0f} markers loaded;"
        f" ready {[round(t, 2) for t in seen['ready']]}, pan ms "
        f"{[round(t * 1000) for t in seen['pan']]}, search ms "
        f"{[round(t * 1000) for t in seen['search']]}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print the page rows (the national ones too unless ``--page-only``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--page-only", action="store_true", help="skip the national rows")
    args = parser.parse_args(argv)
    rows: list = []
    notes: list = []
    page_rows(args.reps, rows, notes, args.villages, national=not args.page_only)
    for row in rows:
        print(" | ".join(str(c) for c in row))
    for note in notes:
        print("note:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
