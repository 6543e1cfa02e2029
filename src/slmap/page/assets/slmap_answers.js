/* slmap answers: what the map says by itself, offline. A summary panel (the same
 * figures as `slmap stats --level province`), communes ranked by villages without
 * mobile broadband, each commune's uncovered villages in its popup (ranked as by
 * `slmap query priority`), the rows of `slmap query uncovered --format csv` saved
 * from the page, a share link in the URL hash and "my location". Text from data
 * files is only ever inserted as DOM text (textContent). */
(function () {
  "use strict";

  /* spreadsheet formula guard, exactly the rule of slmap.base.formulas (needs_guard,
   * guard_cell): a text starting with = + - @ tab or CR gets a leading apostrophe
   * unless it is a plain number; an apostrophe that would be taken for a guard is
   * itself guarded. \p{Nd} is Python's \d (any decimal digit). */
  var FORMULA_STARTS = "=+-@\t\r";
  var PLAIN_NUMBER = /^[+-]?(\p{Nd}+(\.\p{Nd}*)?|\.\p{Nd}+)([eE][+-]?\p{Nd}+)?$/u;
  function needsGuard(text) {
    while (text.charAt(0) === "'") text = text.slice(1);
    return text !== "" && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0 && !PLAIN_NUMBER.test(text);
  }
  function guardCell(value) {
    return typeof value === "string" && needsGuard(value) ? "'" + value : value;
  }
  window.slmapGuardCell = guardCell;

  /* share links (#map=zoom/lat/lng&c=commune&v=village): one parser; a part that is
   * malformed, out of range or unknown is ignored, never an error */
  var HASH_MAX = 2000; /* longer hashes are not slmap's links: ignored whole */
  var NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
  function parseHash(hash, limits) {
    var out = {};
    var text = String(hash || "").replace(/^#/, "");
    if (!text || text.length > HASH_MAX) return out;
    text.split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at <= 0) return;
      var key = part.slice(0, at), value;
      try { value = decodeURIComponent(part.slice(at + 1)); } catch (e) { return; }
      if (key === "map") {
        var view = parseView(value, limits);
        if (view) out.view = view;
      } else if (key === "c" && limits.commune(value)) {
        out.c = value;
      } else if (key === "v" && limits.village(value)) {
        out.v = value;
      }
    });
    return out;
  }
  function parseView(text, limits) {
    var parts = text.split("/");
    if (parts.length !== 3 || !parts.every(function (p) { return NUMBER_TEXT.test(p); })) return null;
    var z = Number(parts[0]), lat = Number(parts[1]), lng = Number(parts[2]);
    if (!(isFinite(z) && isFinite(lat) && isFinite(lng))) return null;
    if (z < limits.minZoom || z > limits.maxZoom) return null;
    if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
    return { zoom: z, center: [lat, lng] };
  }
  window.slmapParseHash = parseHash;

  window.slmapAnswersInit = function (map, D, api) {
    var A = D.answers;
    if (!A) return;
    var S = D.s, el = api.el, sep = api.sep, fill = api.fill;
    var selected = null; /* code of the commune whose popup was opened last */

    function num(v) { return v === null || v === undefined ? S.legend_nodata : api.fmtInt(v, sep); }
    function dec(v) { return v.toFixed(2).replace(".", D.lang === "vi" ? "," : "."); }
    function pct(v) { return v === null || v === undefined ? S.legend_nodata : dec(v) + " %"; }
    function layerOf(code) {
      var found = null;
      api.communes.eachLayer(function (l) { if (l.slmapCode === code) found = l; });
      return found;
    }
    function openCommune(code) {
      var layer = layerOf(code);
      if (!layer) return;
      map.fitBounds(layer.getBounds(), { maxZoom: 12, animate: false });
      layer.openPopup(layer.getBounds().getCenter());
    }

    /* commune popups list their uncovered villages */
    window.slmapCommuneExtra = function (code, box) {
      selected = code;
      var rows = (A.villages || {})[code];
      if (!rows || !rows.length) return;
      el("div", "slmap-list-title", S.popup_uncovered_list, box);
      var scroll = el("div", "slmap-list-scroll", null, box);
      var table = el("table", "slmap-info slmap-village-list", null, scroll);
      var head = el("tr", null, null, table);
      ["#", S.field_village, S.field_households, S.field_population, S.field_grid,
        S.popup_priority].forEach(function (h) { el("th", null, h, head); });
      rows.slice(0, 12).forEach(function (r) {
        var tr = el("tr", null, null, table);
        el("td", null, r[0], tr);
        el("td", null, r[2], tr);
        el("td", "slmap-num", num(r[3]), tr);
        el("td", "slmap-num", num(r[4]), tr);
        el("td", null, r[5] === null ? S.unknown : (r[5] ? S.yes : S.no), tr);
        el("td", "slmap-num", r[6] === null ? S.legend_nodata : dec(r[6]), tr);
      });
      if (rows.length > 12) el("div", "slmap-unit", fill(S.popup_more, "n", rows.length - 12), box);
    };

    /* CSV: the rows of `slmap query uncovered --format csv`, for a scope; every cell
     * (header too) formula-guarded, then quoted when it holds a quote, comma or newline */
    function csvCell(v) {
      v = guardCell(String(v));
      return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
    }
    function csvText(scope) {
      var C = A.csv, b = map.getBounds(), lines = [C.header.map(csvCell).join(",")];
      for (var i = 0; i < C.rows.length; i++) {
        if (scope === "commune" && C.commune[i] !== selected) continue;
        if (scope === "view" && !b.contains(L.latLng(C.y[i], C.x[i]))) continue;
        lines.push(C.rows[i].map(csvCell).join(","));
      }
      return "\ufeff" + lines.join("\r\n") + "\r\n";
    }
    function download(scope) {
      var blob = new Blob([csvText(scope)], { type: "text/csv;charset=utf-8" });
      var a = el("a", null, null, document.body);
      a.href = URL.createObjectURL(blob);
      a.download = "slmap_uncovered_" + (scope === "commune" && selected ? selected : scope) + ".csv";
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    }

    /* share link: #map=zoom/lat/lng&c=commune&v=village, restored on open */
    function writeHash(extra) {
      var c = map.getCenter();
      var parts = ["map=" + map.getZoom().toFixed(2) + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5)];
      if (extra) parts.push(extra);
      history.replaceState(null, "", "#" + parts.join("&"));
    }
    var hashExtra = "";
    map.on("moveend", function () { writeHash(hashExtra); });
    map.on("popupopen", function (ev) {
      var src = ev.popup._source;
      var village = ev.popup.slmapVillage || (src && src.slmapVillage);
      if (src && src.slmapCode) hashExtra = "c=" + encodeURIComponent(src.slmapCode);
      else if (village) hashExtra = "v=" + encodeURIComponent(village);
      writeHash(hashExtra);
    });
    map.on("popupclose", function () { hashExtra = ""; writeHash(""); });
    function findVillage(id) {
      var layers = [["uncovered", D.uncovered], ["covered", D.covered], ["newlyUncovered", D.newlyUncovered]];
      for (var k = 0; k < layers.length; k++) {
        var V = layers[k][1];
        if (!V || !V.i) continue;
        var i = V.i.indexOf(id);
        if (i >= 0) return { V: V, i: i, group: api.groups[layers[k][0]], kind: 1 };
      }
      return null;
    }
    function restore() {
      var h = parseHash(location.hash, { minZoom: map.getMinZoom(), maxZoom: map.getMaxZoom(),
        commune: function (code) { return layerOf(code) !== null; },
        village: function (id) { return findVillage(id) !== null; } });
      function restoreView() {
        if (h.view) map.setView(h.view.center, h.view.zoom, { animate: false });
      }
      restoreView();
      if (h.c) { openCommune(h.c); restoreView(); }
      if (h.v) { api.go(findVillage(h.v)); restoreView(); }
      hashExtra = h.c ? "c=" + encodeURIComponent(h.c) : (h.v ? "v=" + encodeURIComponent(h.v) : "");
    }

    /* my location: the nearest village without mobile broadband */
    function nearest(lat, lng) {
      var V = D.uncovered, best = -1, bestD = Infinity;
      for (var i = 0; i < V.x.length; i++) {
        var d = map.distance([lat, lng], [V.y[i] / 1e5, V.x[i] / 1e5]);
        if (d < bestD) { bestD = d; best = i; }
      }
      return best < 0 ? null : { i: best, km: bestD / 1000 };
    }
    var here = null;
    function locate(status) {
      if (!navigator.geolocation) { status.textContent = S.answers_locate_none; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude, lng = pos.coords.longitude;
        if (here) here.remove();
        here = L.circleMarker([lat, lng], { radius: 8, color: "#1f78b4", weight: 3, fillOpacity: 0.3,
          className: "slmap-here" }).addTo(map);
        var n = nearest(lat, lng);
        if (!n) return;
        status.textContent = fill(fill(S.answers_nearest, "km",
          n.km.toFixed(1).replace(".", D.lang === "vi" ? "," : ".")), "name", D.uncovered.n[n.i]);
        api.go({ V: D.uncovered, i: n.i, group: api.groups.uncovered, kind: 1 });
      }, function () { status.textContent = S.answers_locate_none; }, { timeout: 10000 });
    }

    /* the panel */
    var panel = L.control({ position: "bottomright" });
    panel.onAdd = function () {
      var div = el("div", "slmap-box slmap-answers leaflet-control");
      div.setAttribute("role", "region");
      div.setAttribute("aria-label", S.answers_title);
      /* folded by default: the headline figure shows, the rest is one tap away */
      var toggle = el("button", "slmap-answers-toggle",
        S.answers_title + ": " + num(A.summary.villages_no_mbb) + " " + S.answers_short, div);
      toggle.type = "button";
      toggle.title = S.answers_toggle;
      var body = el("div", "slmap-answers-body", null, div);
      body.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      /* opened, the panel grows upward to the control above it and scrolls inside */
      function fit() {
        if (body.hidden) return;
        var above = 0, mine = div.getBoundingClientRect();
        map.getContainer().querySelectorAll(".leaflet-top.leaflet-right .leaflet-control")
          .forEach(function (c) { above = Math.max(above, c.getBoundingClientRect().bottom); });
        var room = mine.bottom - above - toggle.offsetHeight - 30;
        body.style.maxHeight = Math.max(120, room) + "px";
      }
      toggle.addEventListener("click", function () {
        body.hidden = !body.hidden;
        toggle.setAttribute("aria-expanded", String(!body.hidden));
        body.style.maxHeight = "";
        fit();
      });
      map.on("resize", fit);
      var s = A.summary;
      var figures = el("table", "slmap-info slmap-figures", null, body);
      [[S.answers_villages, num(s.villages), "villages"],
        [S.answers_no_mbb, num(s.villages_no_mbb), "villages_no_mbb"],
        [S.answers_hh_no_mbb, num(s.households_no_mbb), "households_no_mbb"],
        [S.answers_pop_no_mbb, num(s.population_no_mbb), "population_no_mbb"],
        [S.answers_share_4g, pct(s.share_4g), "share_4g"],
        [S.answers_fibre, pct(s.fibre_hh_share), "fibre_hh_share"]].forEach(function (r) {
        var tr = el("tr", null, null, figures);
        el("th", null, r[0], tr);
        var td = el("td", "slmap-num", r[1], tr);
        td.setAttribute("data-figure", r[2]);
      });
      if (A.ranking.length) {
        el("div", "slmap-list-title", S.answers_ranking, body);
        var list = el("ol", "slmap-ranking", null, body);
        var top = A.ranking[0][2];
        A.ranking.slice(0, 10).forEach(function (r) {
          var li = el("li", null, null, list);
          var b = el("button", "slmap-bar", null, li);
          b.type = "button";
          el("span", "slmap-bar-name", r[1], b);
          var bar = el("span", "slmap-bar-fill", null, b);
          bar.style.width = Math.max(4, Math.round(60 * r[2] / top)) + "px";
          el("span", "slmap-bar-n", String(r[2]), b);
          b.addEventListener("click", function () { openCommune(r[0]); });
        });
      }
      var tools = el("div", "slmap-tools", null, body);
      if (A.csv) {
        var scope = el("select", null, null, tools);
        scope.setAttribute("aria-label", S.answers_csv);
        [["province", S.answers_scope_province], ["commune", S.answers_scope_commune],
          ["view", S.answers_scope_view]].forEach(function (o) {
          var opt = el("option", null, o[1], scope);
          opt.value = o[0];
        });
        var dl = el("button", "slmap-csv", S.answers_csv, tools);
        dl.type = "button";
        dl.addEventListener("click", function () { download(scope.value); });
      } else {
        el("div", "slmap-unit", S.answers_partial, tools);
      }
      var share = el("button", "slmap-share", S.answers_share, tools);
      share.type = "button";
      share.addEventListener("click", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(location.href).catch(function () {});
      });
      var status = el("div", "slmap-unit slmap-locate-status", null, body);
      var loc = el("button", "slmap-locate", S.answers_locate, tools);
      loc.type = "button";
      loc.addEventListener("click", function () { locate(status); });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    panel.addTo(map);
    window.slmapAnswers = { csvText: csvText, download: download, restore: restore };
    if (location.hash) restore();
  };
})();
