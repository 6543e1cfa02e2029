/* slmap village points: the village layers and the village search index.
 *
 * Villages arrive as parallel columns (see slmap.map_data.village_columns). A
 * layer drawn only from a zoom level up keeps a grid index of its villages
 * (cell -> village numbers, built once by a counting sort), so a view change
 * visits only the cells in view, and it reuses its markers as the view moves.
 * Each layer comes ordered by folded name with its folded names in one string
 * (slmap.page_search), so a search scans one string a layer, meets the first
 * matches first and never folds or sorts names in the page; the offsets into
 * those strings are built in idle time after ready (or by the first search).
 * slmap.js calls window.slmapVillages once, from slmapInit. */
(function () {
  "use strict";

  var CELL = 5000; /* grid cell side: 0.05 degree in the columns' 1e-5 degree units */
  var LOAD_PAD = 0.1, KEEP_PAD = 0.35; /* cells load inside the view padded by LOAD_PAD and
                                         stay loaded while inside the view padded by KEEP_PAD */
  var SEP = "\n"; /* never inside a folded name: folding turns whitespace into spaces */

  /* cell -> village numbers of the columns V: {x0, y0, nx, ny, start, order} */
  function gridIndex(V) {
    var n = V.x.length, i, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (i = 0; i < n; i++) {
      if (V.x[i] < x0) x0 = V.x[i];
      if (V.x[i] > x1) x1 = V.x[i];
      if (V.y[i] < y0) y0 = V.y[i];
      if (V.y[i] > y1) y1 = V.y[i];
    }
    if (!n) { x0 = y0 = 0; x1 = y1 = 0; }
    var nx = Math.floor((x1 - x0) / CELL) + 1, ny = Math.floor((y1 - y0) / CELL) + 1;
    var start = new Int32Array(nx * ny + 1), cell = new Int32Array(n), order = new Int32Array(n);
    for (i = 0; i < n; i++) {
      cell[i] = Math.floor((V.y[i] - y0) / CELL) * nx + Math.floor((V.x[i] - x0) / CELL);
      start[cell[i] + 1]++;
    }
    for (i = 0; i < nx * ny; i++) start[i + 1] += start[i];
    var fill = start.slice(0, nx * ny);
    for (i = 0; i < n; i++) order[fill[cell[i]]++] = i;
    return { x0: x0, y0: y0, nx: nx, ny: ny, start: start, order: order };
  }

  /* the cell rectangle [cx0, cx1] x [cy0, cy1] covering bounds b (clamped to the grid) */
  function cellRange(g, b) {
    function clampX(v) { return Math.min(g.nx - 1, Math.max(0, Math.floor((v * 1e5 - g.x0) / CELL))); }
    function clampY(v) { return Math.min(g.ny - 1, Math.max(0, Math.floor((v * 1e5 - g.y0) / CELL))); }
    return { cx0: clampX(b.getWest()), cx1: clampX(b.getEast()),
      cy0: clampY(b.getSouth()), cy1: clampY(b.getNorth()) };
  }
  function inRange(r, c, nx) {
    var cx = c % nx, cy = (c - cx) / nx;
    return cx >= r.cx0 && cx <= r.cx1 && cy >= r.cy0 && cy <= r.cy1;
  }

  /* `limit` village numbers with the smallest (folded text, number), ascending */
  function keepBest(best, j, F, limit) {
    if (best.length === limit && !(F[j] < F[best[limit - 1]])) return;
    var k = best.length;
    best.push(j);
    while (k > 0 && F[j] < F[best[k - 1]]) { best[k] = best[k - 1]; k--; }
    best[k] = j;
    if (best.length > limit) best.pop();
  }

  window.slmapVillages = function (map, D, api) {
    var pointLayers = [];

    /* A village layer: every marker at once when minZoom is 0, otherwise only
     * the markers of the grid cells in view once the map is zoomed to minZoom or more. */
    var PointLayer = L.LayerGroup.extend({
      initialize: function (V, styles, pane, cls, minZoom) {
        L.LayerGroup.prototype.initialize.call(this);
        this._V = V; this._styles = styles; this._cls = cls; this._minZoom = minZoom;
        this._renderer = api.renderer(pane); this._pane = pane; this._built = false;
        this._rank = pointLayers.length;
        this._grid = null; this._cells = {}; this._pool = [];
        pointLayers.push(this);
      },
      onAdd: function (map) {
        L.LayerGroup.prototype.onAdd.call(this, map);
        if (this._minZoom > 0) map.on("moveend", this._update, this);
        this._update();
      },
      onRemove: function (map) {
        map.off("moveend", this._update, this);
        if (this._minZoom > 0) this._releaseAll(); /* before the group forgets its markers */
        L.LayerGroup.prototype.onRemove.call(this, map);
      },
      /* a marker for village i: from the pool when one is free */
      _marker: function (i) {
        var V = this._V, est = (V.f[i] >> 8) & 1, style = est ? this._styles.estimated :
          this._styles.surveyed;
        var options = L.extend({}, style, { pane: this._pane, renderer: this._renderer,
          className: this._cls + (est ? " slmap-estimated" : " slmap-surveyed") });
        var marker = this._pool.pop();
        if (marker) {
          L.setOptions(marker, options);
          marker.setLatLng(api.latLng(V, i));
          marker.setRadius(style.radius);
        } else {
          marker = L.circleMarker(api.latLng(V, i), options);
          marker.bindPopup(function () { return api.villageInfo(V, marker.slmapIndex); });
        }
        marker.slmapIndex = i;
        if (V.i) marker.slmapVillage = V.i[i];
        return marker;
      },
      _add: function (i) {
        var marker = this._marker(i);
        if (api.hitRenderer) {
          var hit = L.circleMarker(marker.getLatLng(), { pane: "slmapHit",
            renderer: api.hitRenderer, radius: api.hitRadius, stroke: false, fillOpacity: 0,
            className: "slmap-hit" });
          hit.on("click", function () { marker.openPopup(); });
          this.addLayer(hit);
        }
        this.addLayer(marker);
        return marker;
      },
      /* on the shared canvas a layer redrawn later would cover the layers ranked above it */
      _raiseAbove: function () {
        if (!D.canvas) return;
        var rank = this._rank;
        pointLayers.forEach(function (other) {
          if (other._rank > rank && other._map) other.eachLayer(function (m) { m.bringToFront(); });
        });
      },
      _loadCell: function (c) {
        var g = this._grid, markers = [];
        for (var k = g.start[c]; k < g.start[c + 1]; k++) markers.push(this._add(g.order[k]));
        this._cells[c] = markers;
      },
      _releaseCell: function (c) {
        var markers = this._cells[c];
        for (var k = 0; k < markers.length; k++) {
          this.removeLayer(markers[k]);
          this._pool.push(markers[k]);
        }
        delete this._cells[c];
      },
      _releaseAll: function () {
        for (var c in this._cells) this._releaseCell(+c);
      },
      _update: function () {
        var map = this._map, V = this._V, i;
        if (!map) return;
        if (this._minZoom === 0) {
          if (this._built) return;
          for (i = 0; i < V.x.length; i++) this._add(i);
          this._built = true;
          this._raiseAbove();
          return;
        }
        if (map.getZoom() < this._minZoom) { this._releaseAll(); return; }
        var g = this._grid || (this._grid = gridIndex(V));
        var view = map.getBounds();
        var load = cellRange(g, view.pad(LOAD_PAD)), keep = cellRange(g, view.pad(KEEP_PAD));
        for (var c in this._cells) if (!inRange(keep, +c, g.nx)) this._releaseCell(+c);
        var added = false;
        for (var cy = load.cy0; cy <= load.cy1; cy++) {
          for (var cx = load.cx0; cx <= load.cx1; cx++) {
            c = cy * g.nx + cx;
            if (this._cells[c] || g.start[c] === g.start[c + 1]) continue;
            this._loadCell(c);
            added = true;
          }
        }
        if (added) this._raiseAbove();
      }
    });

    var S = api.strings, styles = api.styles, groups = api.groups;
    var coveredStyle = D.change ? styles.newlyCovered : styles.covered;
    new PointLayer(D.covered, coveredStyle, D.change ? "slmapUncovered" : "slmapCovered",
      D.change ? "slmap-newly-covered" : "slmap-covered", D.minZoom.covered)
      .addTo(groups.covered);
    new PointLayer(D.uncovered, styles.uncovered, "slmapUncovered", "slmap-uncovered",
      D.minZoom.uncovered).addTo(groups.uncovered);
    if (D.change) {
      new PointLayer(D.newlyUncovered, styles.newlyUncovered, "slmapUncovered",
        "slmap-newly-uncovered", 0).addTo(groups.newlyUncovered);
    }

    /* ---- the search index of villages. Each layer's villages come ordered by folded
     * name (slmap.map_data.search_order) with the folded names joined by SEP in V.s:
     * a scan meets the first matches first. Per layer: F = V.s, G = F without spaces,
     * OF / OG where each village's text starts in F / G (built in idle time after
     * ready, or by the first search). Codes (small maps only) are folded one by one. ---- */
    var layers = [[D.uncovered, groups.uncovered], [D.covered, groups.covered]];
    if (D.change) layers.push([D.newlyUncovered, groups.newlyUncovered]);
    var searchable = null;

    function offsets(text, n) {
      var out = new Int32Array(n + 1), p = 0;
      for (var j = 1; j < n; j++) { p = text.indexOf(SEP, p) + 1; out[j] = p; }
      out[n] = text.length + 1;
      return out;
    }
    function prepare() {
      if (searchable) return searchable;
      searchable = layers.map(function (pair) {
        var V = pair[0], n = V.n.length;
        var F = typeof V.s === "string" ? V.s : V.n.map(api.fold).join(SEP);
        var G = F.replace(/ /g, ""), ids = null;
        if (V.i) ids = V.i.map(function (id) { var f = api.fold(id); return [f, f.replace(/ /g, "")]; });
        return { V: V, group: pair[1], n: n, F: F, G: G, OF: offsets(F, n), OG: offsets(G, n),
          ids: ids };
      });
      return searchable;
    }
    window.addEventListener("slmap:ready", function () {
      if (window.requestIdleCallback) window.requestIdleCallback(prepare, { timeout: 1000 });
      else setTimeout(prepare, 0);
    });

    function textOf(x, j) { return x.F.substring(x.OF[j], x.OF[j + 1] - 1); }
    function isStart(f, q, sq) { return f.lastIndexOf(q, 0) === 0 || f.indexOf(sq) >= 0; }
    /* matches of one layer's names: count, and the first `limit` starting a word / not */
    function scanNames(x, q, qs, sq, limit) {
      var out = { starts: [], contains: [], n: 0 }, G = x.G, OG = x.OG, j = 0, p = 0;
      while ((p = G.indexOf(qs, p)) >= 0) {
        while (OG[j + 1] <= p) j++;
        out.n++;
        if (out.starts.length < limit || out.contains.length < limit) {
          var f = textOf(x, j), list = isStart(f, q, sq) ? out.starts : out.contains;
          if (list.length < limit) list.push({ f: f, x: x, i: j, kind: 1 });
        }
        p = OG[j + 1];
      }
      return out;
    }
    /* matches of one layer's codes, the `limit` first of each list in folded order */
    function scanIds(x, q, qs, sq, limit) {
      var out = { starts: [], contains: [], n: 0 };
      if (!x.ids) return out;
      var F = x.ids.map(function (p) { return p[0]; });
      for (var j = 0; j < x.ids.length; j++) {
        if (x.ids[j][1].indexOf(qs) < 0) continue;
        out.n++;
        keepBest(isStart(F[j], q, sq) ? out.starts : out.contains, j, F, limit);
      }
      function hit(j) { return { f: F[j], x: x, i: j, kind: 2 }; }
      out.starts = out.starts.map(hit);
      out.contains = out.contains.map(hit);
      return out;
    }
    /* hits of every layer in folded order, ties in layer order (a stable merge) */
    function merged(lists, limit) {
      var all = [];
      lists.forEach(function (list, k) { list.forEach(function (h) { all.push([h, k]); }); });
      all.sort(function (a, b) {
        return a[0].f < b[0].f ? -1 : a[0].f > b[0].f ? 1 : a[1] - b[1] || a[0].i - b[0].i;
      });
      return all.slice(0, limit).map(function (a) { return a[0]; });
    }
    function entry(h) {
      var V = h.x.V, i = h.i, code = D.communeCodes[V.c[i]];
      return { f: h.f, name: h.kind === 2 ? V.n[i] + " (" + V.i[i] + ")" : V.n[i],
        sub: S.kind_village + " · " + (D.communeNames[code] || code), kind: h.kind, V: V, i: i,
        group: h.x.group };
    }

    /* What the search box shows for folded query q: `shown` (at most `limit` entries:
     * those starting a word first, then the others; each group communes and districts,
     * village names, village codes, each in folded order) and `total` found. `index`
     * holds the commune and district entries, sorted by kind and folded name. */
    function find(q, index, limit) {
      var qs = q.replace(/ /g, ""), sq = " " + q;
      var starts = [], contains = [];
      index.forEach(function (e) {
        if (e.f.replace(/ /g, "").indexOf(qs) >= 0) (isStart(e.f, q, sq) ? starts : contains).push(e);
      });
      var found = starts.length + contains.length;
      var names = prepare().map(function (x) { return scanNames(x, q, qs, sq, limit); });
      var ids = searchable.map(function (x) { return scanIds(x, q, qs, sq, limit); });
      names.concat(ids).forEach(function (r) { found += r.n; });
      function add(list, key) {
        [names, ids].forEach(function (per) {
          var room = Math.max(0, limit - list.length);
          merged(per.map(function (r) { return r[key]; }), room).forEach(function (h) {
            list.push(entry(h));
          });
        });
      }
      add(starts, "starts");
      var shown = starts.slice(0, limit);
      add(contains, "contains");
      return { shown: shown.concat(contains.slice(0, limit - shown.length)), total: found };
    }
    return { find: find, layers: pointLayers };
  };
})();
