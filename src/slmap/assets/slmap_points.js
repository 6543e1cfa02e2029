/* slmap village points: the village layers and the village search index.
 *
 * Villages arrive as parallel columns (see slmap.map_data.village_columns). A
 * layer drawn only from a zoom level up keeps a grid index of its villages
 * (cell -> village numbers, built once by a counting sort), so a view change
 * visits only the cells in view, and it reuses its markers as the view moves.
 * The search index (accent-folded names and codes) is built in idle time once
 * the page is ready, in chunks; a search typed earlier finishes it first.
 * slmap.js calls window.slmapVillages once, from slmapInit. */
(function () {
  "use strict";

  var CELL = 5000; /* grid cell side: 0.05 degree in the columns' 1e-5 degree units */
  var LOAD_PAD = 0.2, KEEP_PAD = 0.6; /* cells load inside the view padded by LOAD_PAD and
                                         stay loaded while inside the view padded by KEEP_PAD */
  var CHUNK = 20000; /* names folded per step of the search index */
  var SEP = "\u0001";

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

  /* accent folding of many names at once: slmapFold of each, joined by SEP */
  function foldJoined(text) {
    return text.normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/\u0111/g, "d")
      .replace(/\u0110/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .replace(/ ?\u0001 ?/g, SEP)
      .trim();
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

    /* ---- the search index of villages: j numbers the villages of every layer in turn;
     * F folded names, G the same without spaces; FI, GI the same of codes ---- */
    var layers = [[D.uncovered, groups.uncovered], [D.covered, groups.covered]];
    if (D.change) layers.push([D.newlyUncovered, groups.newlyUncovered]);
    var first = [], total = 0;
    layers.forEach(function (pair) { first.push(total); total += pair[0].n.length; });
    var F = [], G = [], FI = [], GI = [], built = 0, scheduled = false;

    /* fold the names of villages j0 .. j1 - 1 (within one layer) */
    function foldNames(V, i0, i1) {
      var names = V.n.slice(i0, i1);
      var joined = names.join(SEP);
      var folded = foldJoined(joined).split(SEP);
      if (folded.length !== names.length || joined.split(SEP).length !== names.length) {
        folded = names.map(api.fold); /* a name holding SEP itself: one at a time */
      }
      for (var k = 0; k < folded.length; k++) {
        F.push(folded[k]);
        G.push(folded[k].replace(/ /g, ""));
        if (V.i) {
          var id = api.fold(V.i[i0 + k]);
          FI.push(id); GI.push(id.replace(/ /g, ""));
        }
      }
    }
    /* one step of the index; false once complete */
    function step() {
      if (built >= total) return false;
      var L0 = 0;
      while (L0 + 1 < layers.length && first[L0 + 1] <= built) L0++;
      var V = layers[L0][0], i0 = built - first[L0];
      var i1 = Math.min(V.n.length, i0 + CHUNK);
      foldNames(V, i0, i1);
      built += i1 - i0;
      return built < total;
    }
    function buildAll() { while (step()) { /* fold every remaining chunk */ } }
    function idle() {
      var start = Date.now();
      while (Date.now() - start < 12) if (!step()) return;
      if (window.requestIdleCallback) window.requestIdleCallback(idle, { timeout: 200 });
      else setTimeout(idle, 0);
    }
    function schedule() {
      if (scheduled) return;
      scheduled = true;
      setTimeout(idle, 0);
    }
    window.addEventListener("slmap:ready", schedule);

    function layerOf(j) {
      var k = layers.length - 1;
      while (first[k] > j) k--;
      return k;
    }
    function entry(j, kind) {
      var k = layerOf(j), V = layers[k][0], i = j - first[k];
      var code = D.communeCodes[V.c[i]];
      var sub = S.kind_village + " · " + (D.communeNames[code] || code);
      return { f: kind === 2 ? FI[j] : F[j],
        name: kind === 2 ? V.n[i] + " (" + V.i[i] + ")" : V.n[i],
        sub: sub, kind: kind, V: V, i: i, group: layers[k][1] };
    }
    /* villages of (folded) query q: counts and the `limit` first of each list */
    function scan(q, qs, sq, Fk, Gk, limit) {
      var out = { starts: [], contains: [], n: 0 };
      for (var j = 0; j < Gk.length; j++) {
        if (Gk[j].indexOf(qs) < 0) continue;
        out.n++;
        var f = Fk[j];
        keepBest(f.lastIndexOf(q, 0) === 0 || f.indexOf(sq) >= 0 ? out.starts : out.contains,
          j, Fk, limit);
      }
      return out;
    }

    /* What the search box shows for folded query q: `shown` (at most `limit` entries:
     * those starting a word first, then the others; each group communes and districts,
     * village names, village codes, each in folded order) and `total` found. `index`
     * holds the commune and district entries, sorted by kind and folded name. */
    function find(q, index, limit) {
      buildAll();
      var qs = q.replace(/ /g, ""), sq = " " + q;
      var starts = [], contains = [];
      index.forEach(function (e) {
        if (e.f.replace(/ /g, "").indexOf(qs) < 0) return;
        (e.f.lastIndexOf(q, 0) === 0 || e.f.indexOf(sq) >= 0 ? starts : contains).push(e);
      });
      var names = scan(q, qs, sq, F, G, limit), ids = scan(q, qs, sq, FI, GI, limit);
      var found = starts.length + contains.length + names.n + ids.n;
      function add(list, js, kind) {
        for (var k = 0; k < js.length && list.length < limit; k++) list.push(entry(js[k], kind));
      }
      add(starts, names.starts, 1);
      add(starts, ids.starts, 2);
      var shown = starts.slice(0, limit);
      add(contains, names.contains, 1);
      add(contains, ids.contains, 2);
      return { shown: shown.concat(contains.slice(0, limit - shown.length)), total: found };
    }
    return { find: find, layers: pointLayers };
  };
})();
