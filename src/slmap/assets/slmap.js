/* slmap map script: layers, legend, title block and search, built from one
 * JSON object. Text that comes from data files is only ever inserted with
 * textContent (never as HTML), so a village named like an HTML tag stays text. */
(function () {
  "use strict";

  /* symbol styles (Leaflet path options), shared by the map and the legend */
  var RED = "#d7191c";
  var STYLES = {
    uncovered: {
      surveyed: { radius: 5.5, color: "#ffffff", weight: 1.5, fillColor: RED, fillOpacity: 1 },
      estimated: { radius: 5, color: RED, weight: 2.5, fillColor: "#ffffff", fillOpacity: 0.85 }
    },
    covered: {
      surveyed: { radius: 2.2, color: "#ffffff", weight: 0.4, opacity: 0.8,
        fillColor: "#444444", fillOpacity: 0.55 },
      estimated: { radius: 2.2, color: "#444444", weight: 0.9, opacity: 0.55,
        fillColor: "#ffffff", fillOpacity: 0.2 }
    },
    district: { color: "#2b2b2b", weight: 1.8, opacity: 0.9, dashArray: "7 5" },
    province: { color: "#111111", weight: 2.6, opacity: 1 }
  };

  function el(tag, cls, text, parent) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  /* accent-insensitive folding: NFD, drop combining marks, đ -> d, lower case */
  function fold(text) {
    return String(text === undefined || text === null ? "" : text)
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/\u0111/g, "d")
      .replace(/\u0110/g, "D")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }
  window.slmapFold = fold;

  function fmtInt(value, sep) {
    if (value === undefined || value === null) return null;
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }

  function infoTable(caption, rows) {
    var table = el("table", "slmap-info");
    el("caption", null, caption, table);
    rows.forEach(function (row) {
      var tr = el("tr", null, null, table);
      el("th", null, row[0], tr);
      el("td", row[2] || null, row[1], tr);
    });
    return table;
  }

  function svgSymbol(style, line) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "16");
    var shape;
    if (line) {
      shape = document.createElementNS(ns, "line");
      shape.setAttribute("x1", "1"); shape.setAttribute("y1", "8");
      shape.setAttribute("x2", "21"); shape.setAttribute("y2", "8");
      shape.setAttribute("stroke-dasharray", style.dashArray || "");
    } else {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "11"); shape.setAttribute("cy", "8");
      shape.setAttribute("r", String(style.radius));
      shape.setAttribute("fill", style.fillColor || "none");
      shape.setAttribute("fill-opacity", String(style.fillOpacity));
    }
    shape.setAttribute("stroke", style.color);
    shape.setAttribute("stroke-width", String(style.weight));
    svg.appendChild(shape);
    return svg;
  }

  window.slmapInit = function (map, groups, D) {
    var S = D.s;
    var sep = D.lang === "vi" ? "." : ",";
    var panes = { slmapOutline: 410, slmapCovered: 420, slmapUncovered: 450 };
    Object.keys(panes).forEach(function (name) {
      map.createPane(name).style.zIndex = String(panes[name]);
    });
    map.getPane("slmapOutline").style.pointerEvents = "none";

    /* hatch pattern for the "no data" class, in the communes' SVG */
    var renderer = L.svg({ padding: 0.5 }).addTo(map);
    var svgNs = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(svgNs, "defs");
    defs.innerHTML = '<pattern id="slmap-hatch" width="6" height="6" patternUnits="userSpaceOnUse" ' +
      'patternTransform="rotate(45)"><rect width="6" height="6" fill="' + D.nodataColor + '"/>' +
      '<rect width="1.6" height="6" fill="#9a9a9a"/></pattern>';
    renderer._container.insertBefore(defs, renderer._container.firstChild);

    var index = [];
    var classes = D.legend.classes;

    function communeStyle(feature) {
      var k = feature.properties.k;
      return {
        color: "#4d4d4d", weight: 0.8, opacity: 0.9,
        fillColor: k >= 0 ? classes[k].color : "url(#slmap-hatch)",
        fillOpacity: k >= 0 ? (D.tiles ? 0.6 : 0.8) : (D.tiles ? 0.7 : 1),
        className: "slmap-commune" + (k >= 0 ? "" : " slmap-nodata")
      };
    }
    function communeInfo(p) {
      return infoTable(p.name, [
        [S.field_code, p.code],
        [D.metric.label, p.v === null ? S.legend_nodata : p.v],
        [S.field_no_mbb, p.u === null ? S.legend_nodata : p.u + " / " + p.n, p.u > 0 ? "slmap-bad" : null]
      ]);
    }
    var communes = L.geoJSON(D.communes, {
      renderer: renderer,
      style: communeStyle,
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(function () { return communeInfo(p); }, { sticky: true });
        layer.bindPopup(function () { return communeInfo(p); });
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#000" }); });
        layer.on("mouseout", function () { communes.resetStyle(layer); });
        index.push({ f: fold(p.name), name: p.name, sub: S.field_commune + " · " + p.code,
          kind: 0, layer: layer, group: groups.communes });
      }
    }).addTo(groups.communes);

    function villageInfo(p) {
      var signal = p.s === "none" ? S.signal_none : String(p.s).toUpperCase();
      function yn(v) { return v === null ? S.unknown : (v ? S.yes : S.no); }
      return infoTable(p.n, [
        [S.field_commune, D.communeNames[p.c] || p.c],
        [S.field_district, p.d === null ? S.unknown : D.districtNames[p.d]],
        [S.field_households, p.h === null ? S.unknown : fmtInt(p.h, sep)],
        [S.field_population, p.p === null ? S.unknown : fmtInt(p.p, sep)],
        [S.field_signal, signal, p.m ? null : "slmap-bad"],
        [S.field_fibre, yn(p.f)],
        [S.field_grid, yn(p.g)],
        [S.field_location, p.e ? S.location_estimated : S.location_surveyed]
      ]);
    }
    function villageLayer(fc, group, styles, pane, cls) {
      return L.geoJSON(fc, {
        pointToLayer: function (feature, latlng) {
          var p = feature.properties;
          var style = L.extend({}, p.e ? styles.estimated : styles.surveyed, {
            pane: pane, className: cls + (p.e ? " slmap-estimated" : " slmap-surveyed")
          });
          return L.circleMarker(latlng, style);
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindPopup(function () { return villageInfo(p); });
          index.push({ f: fold(p.n), name: p.n,
            sub: S.kind_village + " · " + (D.communeNames[p.c] || p.c), kind: 1,
            layer: layer, group: group });
        }
      }).addTo(group);
    }
    villageLayer(D.covered, groups.covered, STYLES.covered, "slmapCovered", "slmap-covered");
    villageLayer(D.uncovered, groups.uncovered, STYLES.uncovered, "slmapUncovered",
      "slmap-uncovered");

    function outline(fc, group, style) {
      if (!fc || !group) return;
      L.geoJSON(fc, { style: L.extend({ pane: "slmapOutline", interactive: false, fill: false }, style) })
        .addTo(group);
    }
    outline(D.districts, groups.districts, STYLES.district);
    outline(D.province, groups.province, STYLES.province);

    /* legend */
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = el("div", "slmap-box slmap-legend leaflet-control");
      div.setAttribute("role", "region");
      div.setAttribute("aria-label", D.legend.title);
      el("h2", null, D.legend.title, div);
      el("div", "slmap-unit", D.legend.unit, div);
      function row(swatch, label, count) {
        var r = el("div", "slmap-row", null, div);
        r.appendChild(swatch);
        var text = el("span", null, label, r);
        if (count !== undefined && count !== null) el("span", "slmap-count", " (" + count + ")", text);
      }
      classes.forEach(function (c) {
        var sw = el("span", "slmap-swatch");
        sw.style.background = c.color;
        row(sw, c.label, c.count);
      });
      row(el("span", "slmap-swatch slmap-swatch-nodata"), S.legend_nodata, D.legend.nodataCount);
      el("h3", null, S.legend_villages, div);
      row(svgSymbol(STYLES.uncovered.surveyed), S.legend_uncovered_surveyed);
      row(svgSymbol(STYLES.uncovered.estimated), S.legend_uncovered_estimated);
      row(svgSymbol(STYLES.covered.surveyed), S.legend_covered);
      if (D.districts) row(svgSymbol(STYLES.district, true), D.districtLegend);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);

    /* title block */
    var title = el("div", "slmap-box slmap-title", null, map.getContainer());
    el("h1", null, D.title.title, title);
    el("div", "slmap-sub", D.title.subtitle, title);
    if (D.title.sources) el("div", "slmap-src", D.title.sources, title);
    if (D.title.sample) el("div", "slmap-sample", S.sample, title);
    if (D.title.approximate) el("div", "slmap-approx", S.approximate, title).setAttribute("role", "note");
    L.DomEvent.disableClickPropagation(title);
    L.DomEvent.disableScrollPropagation(title);

    /* search */
    index.sort(function (a, b) { return a.kind - b.kind || (a.f < b.f ? -1 : a.f > b.f ? 1 : 0); });
    function go(entry) {
      if (!map.hasLayer(entry.group)) map.addLayer(entry.group);
      if (entry.kind === 0) {
        map.fitBounds(entry.layer.getBounds(), { maxZoom: 12 });
        entry.layer.openPopup(entry.layer.getBounds().getCenter());
      } else {
        map.setView(entry.layer.getLatLng(), Math.max(map.getZoom(), 12));
        entry.layer.openPopup();
      }
    }
    var search = L.control({ position: "topleft" });
    search.onAdd = function () {
      var div = el("div", "slmap-box slmap-search leaflet-control");
      div.setAttribute("role", "search");
      var input = el("input", null, null, div);
      input.type = "search";
      input.placeholder = S.search_placeholder;
      input.setAttribute("aria-label", S.search_label);
      var list = el("ul", null, null, div);
      var shown = [];
      function run() {
        list.textContent = "";
        shown = [];
        var q = fold(input.value);
        if (!q) return;
        var qs = q.replace(/ /g, "");
        var starts = [], contains = [];
        index.forEach(function (e) {
          var name = e.f.replace(/ /g, "");
          if (name.indexOf(qs) < 0) return;
          var words = (" " + e.f).indexOf(" " + q) >= 0;
          (words ? starts : contains).push(e);
        });
        shown = starts.concat(contains).slice(0, 15);
        if (!shown.length) el("li", "slmap-none", S.search_none, list);
        shown.forEach(function (e) {
          var li = el("li", "slmap-result", e.name, list);
          li.tabIndex = 0;
          el("small", null, e.sub, li);
          li.addEventListener("click", function () { go(e); });
          li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(e); });
        });
      }
      input.addEventListener("input", run);
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && shown.length) go(shown[0]);
        if (ev.key === "Escape") { input.value = ""; run(); }
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    search.addTo(map);

    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    var bounds = communes.getBounds();
    if (bounds.isValid()) {
      var size = map.getSize();
      var wide = size.x > 900;
      map.fitBounds(bounds, {
        paddingTopLeft: [wide ? 60 : 10, wide ? 130 : 10],
        paddingBottomRight: [wide ? 330 : 10, 10]
      });
    }
    window.slmapMap = map;
  };
})();
