/* slmap map script: layers, legend, title block and search, built from one
 * JSON object. Text that comes from data files is only ever inserted as DOM text
 * (el() and textContent; popups and tooltips get DOM nodes, never strings; no
 * innerHTML with data), so a village named like an HTML tag stays text. The layer
 * switcher's names are escaped in Python (slmap.page.escape.html_text). */
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
      /* a white ring keeps grey dots visible on the darkest classes too */
      surveyed: { radius: 2.4, color: "#ffffff", weight: 0.9, opacity: 0.9,
        fillColor: "#444444", fillOpacity: 0.75 },
      estimated: { radius: 2.2, color: "#444444", weight: 0.9, opacity: 0.7,
        fillColor: "#ffffff", fillOpacity: 0.2 }
    },
    /* change maps: newly covered green, newly uncovered orange (red stays "still uncovered") */
    newlyCovered: {
      surveyed: { radius: 5, color: "#ffffff", weight: 1.2, fillColor: "#1a9641", fillOpacity: 1 },
      estimated: { radius: 4.5, color: "#1a9641", weight: 2.2, fillColor: "#ffffff",
        fillOpacity: 0.85 }
    },
    newlyUncovered: {
      surveyed: { radius: 6, color: "#000000", weight: 1.2, fillColor: "#fdae61", fillOpacity: 1 },
      estimated: { radius: 5.5, color: "#e66101", weight: 2.5, fillColor: "#ffffff",
        fillOpacity: 0.85 }
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

  /* a label with {key} replaced by value, literally ("$&" in a name stays "$&") */
  function fill(text, key, value) {
    return String(text).split("{" + key + "}").join(String(value));
  }
  window.slmapFill = fill;

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


  /* ---- layout: controls that never overlap, popups inside the free area,
   * phone panels behind buttons, keyboard, print ---- */
  var UI = {
    vi: { legend: "Chú giải", skip: "Chuyển đến ô tìm kiếm", north: "B", more: "Bấm để xem thêm" },
    en: { legend: "Legend", skip: "Skip to search", north: "N", more: "Tap for more" }
  };
  var PHONE_WIDTH = 700, PHONE_HEIGHT = 500, MARGIN = 8;
  /* a touch screen gets hit areas of at least 32 px around each village */
  var COARSE = !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  var HIT_RADIUS = 16;

  function rectOf(node) {
    if (!node || !node.getClientRects().length) return null;
    var r = node.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? r : null;
  }
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function moveBox(box, dx, dy) {
    return { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
  }
  /* every box the map draws over: Leaflet controls and the title block */
  function blockingRects(container) {
    var nodes = container.querySelectorAll(".leaflet-control, .slmap-title");
    var out = [];
    for (var i = 0; i < nodes.length; i++) {
      var r = rectOf(nodes[i]);
      if (r) out.push(r);
    }
    return out;
  }
  /* the smallest shift (dx, dy) that puts box inside view and clear of blocks, or null */
  function clearShift(box, view, blocks) {
    var xs = [0, view.left - box.left, view.right - box.right];
    var ys = [0, view.top - box.top, view.bottom - box.bottom];
    blocks.forEach(function (b) {
      xs.push(b.left - MARGIN - box.right, b.right + MARGIN - box.left);
      ys.push(b.top - MARGIN - box.bottom, b.bottom + MARGIN - box.top);
    });
    var best = null;
    xs.forEach(function (dx) {
      ys.forEach(function (dy) {
        var m = moveBox(box, dx, dy);
        if (m.left < view.left - 0.5 || m.right > view.right + 0.5 ||
            m.top < view.top - 0.5 || m.bottom > view.bottom + 0.5) return;
        if (blocks.some(function (b) { return overlaps(m, b); })) return;
        var cost = Math.abs(dx) + Math.abs(dy);
        if (!best || cost < best.cost) best = { dx: dx, dy: dy, cost: cost };
      });
    });
    return best;
  }
  /* pan the map so an open popup is inside the map and not under any control */
  function fitPopup(map, popup) {
    var node = popup.getElement();
    if (!node) return;
    var r = node.getBoundingClientRect();
    var box = { left: r.left, right: r.right, top: r.top, bottom: r.bottom + 12 };
    var c = map.getContainer().getBoundingClientRect();
    var view = { left: c.left + MARGIN, right: c.right - MARGIN, top: c.top + MARGIN,
      bottom: c.bottom - MARGIN };
    var shift = clearShift(box, view, blockingRects(map.getContainer())) ||
      clearShift(box, view, []);
    if (shift && (shift.dx || shift.dy)) map.panBy([-shift.dx, -shift.dy], { animate: false });
  }

  function isPhone(container) {
    return container.clientWidth < PHONE_WIDTH || container.clientHeight < PHONE_HEIGHT;
  }

  /* small screens: layer switcher, legend and title fold behind buttons */
  function setupLayout(map, D, parts) {
    var box = map.getContainer();
    var words = UI[D.lang] || UI.en;
    var toggle = el("button", "slmap-legend-toggle", words.legend);
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    parts.legend.insertBefore(toggle, parts.legend.firstChild);
    function openPanel(node, open) {
      node.classList.toggle("slmap-open", open);
      if (node === parts.legend) toggle.setAttribute("aria-expanded", String(open));
      if (node === parts.title) node.setAttribute("aria-expanded", String(open));
    }
    function layersControl() { return box.querySelector(".leaflet-control-layers"); }
    function closePanels(except) {
      if (!box.classList.contains("slmap-phone")) return;
      [parts.legend, parts.title].forEach(function (n) { if (n !== except) openPanel(n, false); });
      var layers = layersControl();
      if (layers && layers !== except) layers.classList.remove("leaflet-control-layers-expanded");
    }
    toggle.addEventListener("click", function () {
      var open = !parts.legend.classList.contains("slmap-open");
      closePanels(parts.legend);
      openPanel(parts.legend, open);
    });
    parts.title.addEventListener("click", function () {
      if (!box.classList.contains("slmap-phone")) return;
      var open = !parts.title.classList.contains("slmap-open");
      closePanels(parts.title);
      openPanel(parts.title, open);
    });
    function apply() {
      var phone = isPhone(box);
      box.classList.toggle("slmap-phone", phone);
      parts.title.setAttribute("role", phone ? "button" : "banner");
      parts.title.tabIndex = phone ? 0 : -1;
      var layers = layersControl();
      if (layers && phone !== layers.slmapPhone) {
        layers.slmapPhone = phone;
        layers.classList.toggle("leaflet-control-layers-expanded", !phone);
        if (!layers.slmapWired) {
          layers.slmapWired = true;
          layers.addEventListener("click", function () { closePanels(layers); });
        }
      }
      if (!phone) { openPanel(parts.legend, false); openPanel(parts.title, false); }
    }
    /* the search box leads the top-left corner, above the zoom buttons */
    var corner = parts.search.parentNode;
    corner.insertBefore(parts.search, corner.firstChild);
    map.on("resize", apply);
    map.on("click", function () { closePanels(null); });
    map.on("popupopen", function (e) {
      closePanels(null);
      fitPopup(map, e.popup);
    });
    window.addEventListener("slmap:ready", apply);
    apply();
    return { apply: apply, closePanels: closePanels };
  }

  /* `/` focuses the search box, Escape closes results, popups and panels; a skip link */
  function setupKeyboard(map, D, parts, layout) {
    var words = UI[D.lang] || UI.en;
    var input = parts.search.querySelector("input");
    input.id = "slmap-search-input";
    var skip = el("a", "slmap-skip", words.skip);
    skip.href = "#slmap-search-input";
    skip.addEventListener("click", function (ev) { ev.preventDefault(); input.focus(); });
    document.body.insertBefore(skip, document.body.firstChild);
    document.addEventListener("keydown", function (ev) {
      var tag = (ev.target && ev.target.tagName) || "";
      var typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
      if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        input.focus();
      } else if (ev.key === "Escape") {
        var inResults = parts.search.contains(ev.target) && ev.target !== input;
        if (input.value && (inResults || !typing)) {
          input.value = "";
          input.dispatchEvent(new Event("input"));
          input.focus();
        }
        map.closePopup();
        layout.closePanels(null);
      }
    });
  }

  /* print: a framed map that fits the province, everything else in a column beside it */
  function setupPrint(map, D, parts, layout) {
    var box = map.getContainer();
    var words = UI[D.lang] || UI.en;
    var side = el("div", "slmap-print-side");
    var north = el("div", "slmap-north", null, side);
    north.setAttribute("aria-hidden", "true");
    el("span", "slmap-north-arrow", "\u25b2", north);
    el("span", "slmap-north-letter", words.north, north);
    var saved = null, moved = [];
    function enter() {
      if (saved) return;
      saved = { center: map.getCenter(), zoom: map.getZoom() };
      box.classList.add("slmap-printing");
      box.appendChild(side);
      var scale = box.querySelector(".leaflet-control-scale");
      [parts.title, parts.legend, scale].forEach(function (node) {
        if (!node) return;
        moved.push([node, node.parentNode, node.nextSibling]);
        side.insertBefore(node, north);
      });
      map.invalidateSize({ animate: false, pan: false });
      layout.apply();
      if (parts.bounds.isValid()) {
        map.fitBounds(parts.bounds, { paddingTopLeft: [14, 14],
          paddingBottomRight: [side.offsetWidth + 14, 14], animate: false });
      }
    }
    function leave() {
      if (!saved) return;
      moved.reverse().forEach(function (m) { m[1].insertBefore(m[0], m[2]); });
      moved = [];
      box.removeChild(side);
      box.classList.remove("slmap-printing");
      map.invalidateSize({ animate: false, pan: false });
      layout.apply();
      map.setView(saved.center, saved.zoom, { animate: false });
      saved = null;
    }
    window.addEventListener("beforeprint", enter);
    window.addEventListener("afterprint", leave);
    if (window.matchMedia) {
      var mq = window.matchMedia("print");
      var onChange = function (e) { if (e.matches) enter(); else leave(); };
      if (mq.addEventListener) mq.addEventListener("change", onChange);
      else if (mq.addListener) mq.addListener(onChange);
    }
    window.slmapPrint = { enter: enter, leave: leave };
  }

  window.slmapInit = function (map, groups, D) {
    var S = D.s;
    var sep = D.lang === "vi" ? "." : ",";
    var panes = { slmapOutline: 410, slmapCovered: 420, slmapUncovered: 450 };
    Object.keys(panes).forEach(function (name) {
      map.createPane(name).style.zIndex = String(panes[name]);
    });
    map.getPane("slmapOutline").style.pointerEvents = "none";

    /* SVG (small maps: hatched "no data") or one canvas (large maps: fast) */
    var renderer;
    if (D.canvas) {
      /* one canvas for communes and villages: a canvas per pane would take every
       * pointer event over the whole map from the layers below it */
      renderer = L.canvas({ padding: 0.5, tolerance: COARSE ? 14 : 0 }).addTo(map);
    } else {
      renderer = L.svg({ padding: 0.5 }).addTo(map);
      var svgNs = "http://www.w3.org/2000/svg";
      var svgNode = function (tag, attrs, parent) {
        var node = document.createElementNS(svgNs, tag);
        Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
        if (parent) parent.appendChild(node);
        return node;
      };
      var defs = svgNode("defs", {});
      var pattern = svgNode("pattern", { id: "slmap-hatch", width: "6", height: "6",
        patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
      svgNode("rect", { width: "6", height: "6", fill: D.nodataColor }, pattern);
      svgNode("rect", { width: "1.6", height: "6", fill: "#9a9a9a" }, pattern);
      renderer._container.insertBefore(defs, renderer._container.firstChild);
    }
    var nodataFill = D.canvas ? D.nodataColor : "url(#slmap-hatch)";
    function paneRenderer(pane) {
      return D.canvas ? renderer : L.svg({ pane: pane, padding: 0.5 });
    }
    /* touch screens: an invisible 32 px disc under each village takes the tap */
    var hitRenderer = null;
    if (COARSE && !D.canvas) {
      map.createPane("slmapHit").style.zIndex = "415";
      hitRenderer = L.svg({ pane: "slmapHit", padding: 0.5 });
    }
    var index = [];
    var classes = D.legend.classes;

    function communeStyle(feature) {
      var k = feature.properties.k;
      return {
        color: "#4d4d4d", weight: 0.8, opacity: 0.9,
        fillColor: k >= 0 ? classes[k].color : nodataFill,
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
    /* communes and outlines arrive as one TopoJSON topology: every border stored
     * once (see slmap.map_topology), decoded by the vendored topojson-client;
     * the outlines are stitched from the communes' arcs */
    var topo = D.topology, shapes = topo.objects;
    D.communes = topojson.feature(topo, shapes.communes);
    D.districts = shapes.districts ? topojson.mesh(topo, shapes.districts) : null;
    D.province = shapes.province ? topojson.mesh(topo, shapes.province) : null;
    var communes = L.geoJSON(D.communes, {
      renderer: renderer,
      style: communeStyle,
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(function () { return communeInfo(p); }, { sticky: true });
        layer.bindPopup(function () {
          var box = el("div", "slmap-popup");
          box.appendChild(communeInfo(p));
          /* the answers panel adds the commune's uncovered villages (slmap_answers.js) */
          if (window.slmapCommuneExtra) window.slmapCommuneExtra(p.code, box);
          return box;
        });
        layer.slmapCode = p.code;
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#000" }); });
        layer.on("mouseout", function () { communes.resetStyle(layer); });
        index.push({ f: fold(p.name), name: p.name, sub: S.field_commune + " · " + p.code,
          kind: 0, layer: layer, group: groups.communes });
      }
    }).addTo(groups.communes);

    /* villages arrive as parallel columns (see slmap.map_data.village_columns) */
    var SIGNALS = ["none", "2g", "3g", "4g", "5g"];
    function villageInfo(V, i) {
      var f = V.f[i], s = SIGNALS[f & 7], d = V.d[i], code = D.communeCodes[V.c[i]];
      var signal = s === "none" ? S.signal_none : s.toUpperCase();
      function yn(v) { return v === 2 ? S.unknown : (v ? S.yes : S.no); }
      return infoTable(V.n[i], [
        [S.field_commune, D.communeNames[code] || code],
        [S.field_district, d < 0 ? S.unknown : D.districtNames[d]],
        [S.field_households, V.h[i] < 0 ? S.unknown : fmtInt(V.h[i], sep)],
        [S.field_population, V.p[i] < 0 ? S.unknown : fmtInt(V.p[i], sep)],
        [S.field_signal, signal, (f >> 3) & 1 ? null : "slmap-bad"],
        [S.field_fibre, yn((f >> 4) & 3)],
        [S.field_grid, yn((f >> 6) & 3)],
        [S.field_location, (f >> 8) & 1 ? S.location_estimated : S.location_surveyed]
      ]);
    }
    function latLng(V, i) { return L.latLng(V.y[i] / 1e5, V.x[i] / 1e5); }
    /* village layers and the village search index (slmap_points.js) */
    var villages = window.slmapVillages(map, D, { groups: groups, renderer: paneRenderer,
      hitRenderer: hitRenderer, hitRadius: HIT_RADIUS, styles: STYLES, strings: S,
      latLng: latLng, villageInfo: villageInfo, fold: fold });

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
      function row(swatch, label, count, layer) {
        var r = el("div", "slmap-row", null, div);
        r.appendChild(swatch);
        var text = el("span", null, label, r);
        if (count !== undefined && count !== null) el("span", "slmap-count", " (" + count + ")", text);
        if (layer) r.setAttribute("data-layer", layer);
        return r;
      }
      classes.forEach(function (c) {
        var sw = el("span", "slmap-swatch");
        sw.style.background = c.color;
        row(sw, c.label, c.count);
      });
      var nodata = el("span", "slmap-swatch slmap-swatch-nodata");
      if (D.canvas) nodata.style.background = D.nodataColor;
      row(nodata, S.legend_nodata, D.legend.nodataCount);
      el("h3", null, S.legend_villages, div);
      if (D.change) {
        row(svgSymbol(STYLES.newlyCovered.surveyed), D.layerNames.covered, null, "covered");
        row(svgSymbol(STYLES.uncovered.surveyed), D.layerNames.uncovered, null, "uncovered");
        row(svgSymbol(STYLES.newlyUncovered.surveyed), D.layerNames.newlyUncovered, null,
          "newlyUncovered");
        row(svgSymbol(STYLES.uncovered.estimated), S.legend_estimated);
      } else {
        row(svgSymbol(STYLES.uncovered.surveyed), S.legend_uncovered_surveyed, null, "uncovered");
        row(svgSymbol(STYLES.uncovered.estimated), S.legend_uncovered_estimated, null, "uncovered");
        row(svgSymbol(STYLES.covered.surveyed), S.legend_covered, null, "covered");
        row(svgSymbol(STYLES.covered.estimated), S.legend_covered_estimated, null, "covered");
      }
      if (D.minZoom.covered > 0 || D.minZoom.uncovered > 0) el("div", "slmap-unit", D.zoomHint, div);
      if (D.districts) row(svgSymbol(STYLES.district, true), D.districtLegend, null, "districts");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    /* the legend shows the symbols of the layers switched on */
    function legendFollows() {
      Object.keys(groups).forEach(function (key) {
        var on = map.hasLayer(groups[key]);
        legend.getContainer().querySelectorAll('[data-layer="' + key + '"]').forEach(function (r) {
          r.hidden = !on;
        });
      });
    }
    map.on("overlayadd overlayremove", legendFollows);

    /* title block */
    var title = el("div", "slmap-box slmap-title", null, map.getContainer());
    el("h1", null, D.title.title, title);
    el("div", "slmap-sub", D.title.subtitle, title);
    if (D.title.sources) el("div", "slmap-src", D.title.sources, title);
    if (D.title.sample) el("div", "slmap-sample", S.sample, title);
    if (D.title.approximate) el("div", "slmap-approx", S.approximate, title).setAttribute("role", "note");
    L.DomEvent.disableClickPropagation(title);
    L.DomEvent.disableScrollPropagation(title);

    /* former districts are searchable: their communes' bounds */
    Object.keys(D.districtCommunes || {}).forEach(function (name) {
      var codes = D.districtCommunes[name];
      index.push({ f: fold(name), name: name, sub: S.kind_district + " · " + codes.length,
        kind: 0, district: codes, group: groups.communes });
    });
    /* search */
    function sortIndex() {
      index.sort(function (a, b) { return a.kind - b.kind || (a.f < b.f ? -1 : a.f > b.f ? 1 : 0); });
    }
    sortIndex();
    /* the found communes stay outlined until the next search */
    var highlighted = [];
    function highlight(codes) {
      highlighted.forEach(function (l) { communes.resetStyle(l); });
      highlighted = [];
      communes.eachLayer(function (l) {
        if (codes.indexOf(l.slmapCode) >= 0) {
          l.setStyle({ weight: 3.5, color: "#ff7f00" });
          l.getElement && l.getElement() && l.getElement().classList.add("slmap-found");
          highlighted.push(l);
        }
      });
    }
    function go(entry) {
      if (!map.hasLayer(entry.group)) map.addLayer(entry.group);
      if (entry.district) {
        var b = L.latLngBounds([]);
        communes.eachLayer(function (l) {
          if (entry.district.indexOf(l.slmapCode) >= 0) b.extend(l.getBounds());
        });
        if (b.isValid()) map.fitBounds(b, { maxZoom: 12 });
        highlight(entry.district);
      } else if (entry.kind === 0) {
        map.fitBounds(entry.layer.getBounds(), { maxZoom: 12 });
        entry.layer.openPopup(entry.layer.getBounds().getCenter());
        highlight([entry.layer.slmapCode]);
      } else {
        var zoom = Math.max(map.getZoom(), 12, D.minZoom.covered, D.minZoom.uncovered);
        var at = latLng(entry.V, entry.i);
        map.setView(at, zoom, { animate: false });
        var popup = L.popup({ offset: [0, -4] }).setLatLng(at)
          .setContent(villageInfo(entry.V, entry.i));
        if (entry.V.i) popup.slmapVillage = entry.V.i[entry.i];
        popup.openOn(map);
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
        var found = villages.find(q, index, 15);
        shown = found.shown;
        if (!shown.length) el("li", "slmap-none", S.search_none, list);
        shown.forEach(function (e) {
          var li = el("li", "slmap-result", e.name, list);
          li.tabIndex = 0;
          el("small", null, e.sub, li);
          li.addEventListener("click", function () { go(e); });
          li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(e); });
        });
        if (found.total > shown.length) {
          el("li", "slmap-none slmap-more", fill(S.search_more, "n", found.total - shown.length),
            list);
        }
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
    var parts = { legend: legend.getContainer(), title: title, search: search.getContainer(),
      bounds: bounds };
    var layout = setupLayout(map, D, parts);
    setupKeyboard(map, D, parts, layout);
    setupPrint(map, D, parts, layout);
    if (bounds.isValid()) {
      var size = map.getSize(), phone = isPhone(map.getContainer()), wide = size.x >= 1100;
      // no animation: the first view is final as soon as the page says it is ready
      map.fitBounds(bounds, {
        paddingTopLeft: phone ? [46, 60] : [wide ? 60 : 50, wide ? 130 : 60],
        paddingBottomRight: phone ? [10, 80] : [330, wide ? 10 : 120],
        animate: false
      });
    }
    window.slmapMap = map;
    window.slmapLayers = { communes: communes, groups: groups };
    if (window.slmapAnswersInit) {
      window.slmapAnswersInit(map, D, { communes: communes, groups: groups, el: el, fold: fold,
        fmtInt: fmtInt, sep: sep, latLng: latLng, villageInfo: villageInfo, go: go,
        highlight: highlight, fill: fill });
    }
    /* extensions (slmap_predict.js) add their own layers and legend rows */
    (window.slmapExtensions || []).forEach(function (init) {
      init(map, groups, D, legend.getContainer(), { el: el, fmtInt: fmtInt, sep: sep,
        infoTable: infoTable, fill: fill });
    });
  };
})();
