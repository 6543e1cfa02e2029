/* slmap prediction and plan layers (`slmap map --sites --prediction --plan`): existing
 * radio sites, the predicted covered area (hatched, never filled like the reported
 * choropleth), villages where prediction and register disagree, proposed sites with
 * lines to the villages they would cover, and villages no candidate reaches. Data
 * comes from slmap.map_predict; text from files is only inserted as DOM text (never
 * innerHTML: the markup below is static). */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var BLUE = "#2166ac", BROWN = "#8c510a", PURPLE = "#7b3294", ORANGE = "#e66101";
  var GOLD = "#ffcc00", LINE = "#6b4f00";
  /* static symbol markup (no data in it): used by the map markers and the legend */
  var SYMBOLS = {
    siteBb: { w: 14, h: 18, svg: '<path d="M7 1 L12.5 17 H1.5 Z" fill="' + BLUE +
      '" stroke="#fff" stroke-width="1.2"/><path d="M7 5 V15" stroke="#fff" stroke-width="1.2"/>' },
    site2g: { w: 14, h: 18, svg: '<path d="M7 1 L12.5 17 H1.5 Z" fill="#fff" stroke="' + BROWN +
      '" stroke-width="2"/>' },
    noneCovered: { w: 17, h: 17, svg: '<path d="M8.5 1.2 L15.8 8.5 L8.5 15.8 L1.2 8.5 Z" ' +
      'fill="none" stroke="' + PURPLE + '" stroke-width="2.2"/>' },
    coveredNone: { w: 13, h: 13, svg: '<rect x="1.5" y="1.5" width="10" height="10" fill="none" ' +
      'stroke="' + ORANGE + '" stroke-width="2"/>' },
    planSite: { w: 24, h: 24, svg: '<path d="M12 1.5 L14.9 8.6 L22.5 9.2 L16.7 14.1 L18.5 21.6 ' +
      'L12 17.6 L5.5 21.6 L7.3 14.1 L1.5 9.2 L9.1 8.6 Z" fill="' + GOLD + '" stroke="#222" ' +
      'stroke-width="1.4"/>' },
    unreachable: { w: 16, h: 16, svg: '<path d="M3 3 L13 13 M13 3 L3 13" stroke="#fff" ' +
      'stroke-width="4.5"/><path d="M3 3 L13 13 M13 3 L3 13" stroke="#111" stroke-width="2.2"/>' }
  };
  var AREA = { color: BLUE, weight: 1.2, opacity: 0.9, dashArray: "5 4", fillOpacity: 1,
    interactive: false, className: "slmap-pred-area" };

  function svgMarkup(name) {
    var s = SYMBOLS[name];
    return '<svg xmlns="' + NS + '" width="' + s.w + '" height="' + s.h + '" viewBox="0 0 ' +
      s.w + " " + s.h + '" aria-hidden="true">' + s.svg + "</svg>";
  }
  function icon(name, cls) {
    var s = SYMBOLS[name];
    return L.divIcon({ html: svgMarkup(name), className: "slmap-pred-icon " + cls,
      iconSize: [s.w, s.h], iconAnchor: [s.w / 2, name.indexOf("site") === 0 ? s.h - 1 : s.h / 2],
      popupAnchor: [0, -s.h / 2] });
  }
  function latLng(x, y) { return L.latLng(y / 1e5, x / 1e5); }

  /* delta-encoded rings (degrees x 1e4) -> Leaflet polygons' latlngs */
  function decodeRings(polygons) {
    return polygons.map(function (rings) {
      return rings.map(function (flat) {
        var out = [], x = 0, y = 0;
        for (var i = 0; i + 1 < flat.length; i += 2) {
          x += flat[i]; y += flat[i + 1];
          out.push([y / 1e4, x / 1e4]);
        }
        return out;
      });
    });
  }

  function hatch(renderer) {
    var defs = document.createElementNS(NS, "defs");
    defs.innerHTML = '<pattern id="slmap-pred-hatch" width="7" height="7" ' +
      'patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">' +
      '<rect width="7" height="7" fill="' + BLUE + '" fill-opacity="0.10"/>' +
      '<rect width="1.8" height="7" fill="' + BLUE + '" fill-opacity="0.55"/></pattern>';
    renderer._container.insertBefore(defs, renderer._container.firstChild);
  }

  window.slmapExtensions = window.slmapExtensions || [];
  window.slmapExtensions.push(function (map, groups, D, legend, api) {
    var P = D.predict;
    if (!P) return;
    var box = map.getContainer();
    box.classList.add("slmap-pred");
    /* zoomed out (the whole province, a phone), symbols shrink so villages stay visible */
    function scaleSymbols() { box.classList.toggle("slmap-pred-small", map.getZoom() < 9.5); }
    map.on("zoomend", scaleSymbols);
    scaleSymbols();
    var S = P.s, base = D.s, el = api.el;
    function num(v) { return v === null || v === undefined ? base.unknown : api.fmtInt(v, api.sep); }
    function km(v) {
      if (v === null || v === undefined) return base.unknown;
      return v.toFixed(1).replace(".", D.lang === "vi" ? "," : ".") + " km";
    }
    function popupOf(marker, build) {
      marker.bindPopup(function () {
        var box = el("div", "slmap-popup slmap-pred-popup");
        build(box);
        return box;
      });
    }
    function villageRows(V, i) {
      return [[base.field_commune, V.c[i]], [base.field_households, num(V.hh[i])]];
    }
    function syntheticNote(box) {
      if (P.synthetic) el("div", "slmap-pred-synthetic", S.synthetic, box);
    }

    var counts = {};
    /* predicted area: its own SVG pane between the choropleth and the village dots */
    if (P.area && groups.predArea) {
      map.createPane("slmapPredArea").style.zIndex = "405";
      map.getPane("slmapPredArea").style.pointerEvents = "none";
      var areaRenderer = L.svg({ pane: "slmapPredArea", padding: 0.5 }).addTo(map);
      hatch(areaRenderer);
      L.polygon(decodeRings(P.area.rings), L.extend({ pane: "slmapPredArea",
        renderer: areaRenderer, fillColor: "url(#slmap-pred-hatch)" }, AREA)).addTo(groups.predArea);
    }

    /* existing sites */
    if (P.sites && groups.predSites) {
      var T = P.sites;
      counts.bb = 0; counts.g2 = 0;
      for (var i = 0; i < T.x.length; i++) {
        var bb = T.tech[i] !== "2g";
        counts[bb ? "bb" : "g2"] += 1;
        var m = L.marker(latLng(T.x[i], T.y[i]), { icon: icon(bb ? "siteBb" : "site2g",
          bb ? "slmap-pred-site slmap-pred-bb" : "slmap-pred-site slmap-pred-2g"),
          title: T.id[i], keyboard: false });
        (function (i) {
          popupOf(m, function (box) {
            box.appendChild(api.infoTable(T.id[i], [
              [S.field_operator, T.op[i] || base.unknown],
              [S.field_technology, T.tech[i].toUpperCase()],
              [S.field_height, T.h[i] === null ? base.unknown : T.h[i] + " m"]
            ]));
            syntheticNote(box);
          });
        })(i);
        m.addTo(groups.predSites);
      }
    }

    /* disagreements with the register */
    function disagreeLayer(key, symbol, cls, check) {
      var V = P.disagree && P.disagree[key];
      if (!V || !groups[key]) return;
      counts[key] = V.x.length;
      for (var i = 0; i < V.x.length; i++) {
        var m = L.marker(latLng(V.x[i], V.y[i]), { icon: icon(symbol, cls), keyboard: false,
          title: V.n[i] });
        (function (i) {
          popupOf(m, function (box) {
            var rows = villageRows(V, i).concat([
              [S.field_reported, key === "predNoneCovered" ? S.not_covered : S.covered],
              [S.field_predicted, (key === "predNoneCovered" ? S.covered : S.not_covered) +
                " (" + S.field_model + " " + P.disagree.model + ")"],
              [S.field_best_site, V.s[i] || "—"],
              [S.field_nearest_km, km(V.d[i])],
              [S.field_check, check, "slmap-bad"]
            ]);
            box.appendChild(api.infoTable(V.n[i] + " (" + V.i[i] + ")", rows));
            syntheticNote(box);
          });
        })(i);
        m.addTo(groups[key]);
      }
    }
    disagreeLayer("predNoneCovered", "noneCovered", "slmap-pred-none-covered", S.check_on_site);
    disagreeLayer("predCoveredNone", "coveredNone", "slmap-pred-covered-none", S.check_register);

    /* the plan: proposed sites, a line to each village they would cover, unreachable villages */
    if (P.plan && groups.planSites) {
      var N = P.plan.sites, PV = P.plan.villages;
      map.createPane("slmapPlanLines").style.zIndex = "430";
      map.getPane("slmapPlanLines").style.pointerEvents = "none";
      var lineRenderer = L.svg({ pane: "slmapPlanLines", padding: 0.5 });
      counts.planSites = N.x.length;
      for (var j = 0; j < N.x.length; j++) {
        var at = latLng(N.x[j], N.y[j]);
        N.v[j].forEach(function (k) {
          L.polyline([at, latLng(PV.x[k], PV.y[k])], { pane: "slmapPlanLines",
            renderer: lineRenderer, color: LINE, weight: 2, opacity: 0.9, dashArray: "6 4",
            interactive: false, className: "slmap-plan-line" }).addTo(groups.planSites);
        });
        var star = L.marker(at, { icon: icon("planSite", "slmap-plan-site"), title: N.id[j],
          keyboard: false, zIndexOffset: 1000 });
        (function (j) {
          popupOf(star, function (box) {
            box.appendChild(api.infoTable(api.fill(S.proposed, "id", N.id[j]), [
              [S.new_villages, num(N.nv[j])],
              [S.new_households, num(N.hh[j])],
              [S.new_people, num(N.pp[j])]
            ]));
            var list = el("ul", "slmap-plan-villages", null, box);
            N.v[j].slice(0, 12).forEach(function (k) {
              el("li", null, PV.n[k] + " — " + PV.c[k] + " (" + num(PV.hh[k]) + ")", list);
            });
            if (N.v[j].length > 12) el("li", null, api.fill(S.more, "n", N.v[j].length - 12), list);
          });
        })(j);
        star.addTo(groups.planSites);
      }
      var U = P.plan.unreachable;
      if (U && groups.planUnreachable) {
        counts.planUnreachable = U.x.length;
        for (var u = 0; u < U.x.length; u++) {
          var x = L.marker(latLng(U.x[u], U.y[u]), { icon: icon("unreachable",
            "slmap-plan-unreachable"), title: U.n[u], keyboard: false });
          (function (u) {
            popupOf(x, function (box) {
              box.appendChild(api.infoTable(U.n[u] + " (" + U.i[u] + ")",
                villageRows(U, u).concat([[S.field_check, S.unreachable, "slmap-bad"]])));
            });
          })(u);
          x.addTo(groups.planUnreachable);
        }
      }
    }

    /* legend rows: one per symbol, following the layer switcher (data-layer) */
    var section = [];
    function row(swatch, label, count, layer) {
      var r = el("div", "slmap-row slmap-pred-row");
      r.appendChild(swatch);
      var text = el("span", null, label, r);
      if (count !== undefined && count !== null) {
        el("span", "slmap-count", " (" + api.fmtInt(count, api.sep) + ")", text);
      }
      r.setAttribute("data-layer", layer);
      section.push(r);
      return r;
    }
    function symbol(name) {
      var span = el("span", "slmap-pred-symbol");
      span.innerHTML = svgMarkup(name); /* static markup, no data */
      return span;
    }
    if (P.sites && groups.predSites) {
      row(symbol("siteBb"), S.sites_bb, counts.bb, "predSites");
      row(symbol("site2g"), S.sites_2g, counts.g2, "predSites");
      if (P.synthetic) {
        var note = el("div", "slmap-pred-synthetic", S.synthetic);
        note.setAttribute("data-layer", "predSites");
        section.push(note);
      }
    }
    if (P.area && groups.predArea) {
      var r = row(el("span", "slmap-swatch slmap-pred-swatch"), P.area.label,
        null, "predArea");
      var extra = P.area.km2 ? api.fmtInt(P.area.km2, api.sep) + " km²" : "";
      if (P.area.note) extra += (extra ? "; " : "") + P.area.note;
      if (extra) el("small", "slmap-pred-note", extra, r.lastChild);
    }
    if (groups.predNoneCovered) {
      row(symbol("noneCovered"), S.layer_none_covered, counts.predNoneCovered,
        "predNoneCovered");
    }
    if (groups.predCoveredNone) {
      row(symbol("coveredNone"), S.layer_covered_none, counts.predCoveredNone,
        "predCoveredNone");
    }
    if (groups.planSites) {
      row(symbol("planSite"), S.layer_plan, counts.planSites, "planSites");
      var ln = el("span", "slmap-pred-line-swatch");
      row(ln, S.plan_line, P.plan.villages.x.length, "planSites");
    }
    if (groups.planUnreachable) {
      row(symbol("unreachable"), S.layer_unreachable, counts.planUnreachable,
        "planUnreachable");
    }
    if (section.length) {
      legend.appendChild(el("h3", "slmap-pred-title", S.section));
      section.forEach(function (node) { legend.appendChild(node); });
    }
  });
})();
