"""QGIS (QML) and OGC (SLD) styles that make an export open looking like the map.

Communes are coloured by the classes of :func:`slmap.model.classify.classify` (the
function the HTML map uses) with a grey "no data" class; villages without
mobile broadband are red (hollow = estimated location), covered villages
grey; former-district outlines dashed. Colours and sizes follow the map's
symbols (``slmap.js``: 1 screen pixel = 0.26 mm).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> frame = gpd.GeoDataFrame({"mobile_broadband": [False]}, geometry=[Point(0, 0)])
>>> style = layer_style("uncovered", frame, StyleOptions(lang="en"))
>>> style.renderer, len(style.classes)
('categorizedSymbol', 2)
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from slmap.base import glossary
from slmap.export.qml import qml_document
from slmap.export.sld import sld_document
from slmap.export.symbols import StyleClass, Symbol
from slmap.model.classify import NODATA_COLOR, classify

__all__ = [
    "COVERED_GREY",
    "DISTRICT_DASH",
    "NODATA_VALUE",
    "UNCOVERED_RED",
    "LayerStyle",
    "StyleOptions",
    "layer_style",
    "village_category_expression",
    "village_symbols",
    "write_gpkg_styles",
]

UNCOVERED_RED = "#d7191c"
COVERED_GREY = "#444444"
COMMUNE_OUTLINE = "#4d4d4d"
DISTRICT_OUTLINE = "#2b2b2b"
#: Dash pattern of former-district outlines (map: ``dashArray: "7 5"`` pixels).
DISTRICT_DASH = (7, 5)
#: Value the commune renderer gives a missing metric (``coalesce(field, -1)``): the
#: "no data" class. Every metric is >= 0, so no real value falls in it.
NODATA_VALUE = -1.0
PX_MM = 0.26


@dataclass(frozen=True)
class StyleOptions:
    """The classification options of ``slmap map`` (same defaults).

    Examples
    --------
    >>> StyleOptions().metric
    'villages_no_mbb'
    """

    metric: str = "villages_no_mbb"
    scheme: str | None = None
    k: int = 5
    breaks: str | list[float] | None = None
    lang: str = "vi"


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style: renderer type, classes, and the QML and SLD text."""

    layer: str
    title: str
    renderer: str
    attribute: str
    classes: tuple[StyleClass, ...]
    qml: str
    sld: str


def _marker(fill: str, outline: str, radius_px: float, weight_px: float, opacity: float) -> Symbol:
    size = round(2 * radius_px * PX_MM, 2)
    width = round(weight_px * PX_MM, 2)
    return Symbol("marker", fill, outline, width, fill_opacity=opacity, size=size)


def village_symbols(lang: str) -> dict[str, tuple[str, Symbol]]:
    """The four village categories of the map: label and symbol, by category value.

    Examples
    --------
    >>> sorted(village_symbols("en"))[0]
    'covered_estimated'
    """
    covered = glossary.t("legend_covered", lang)
    estimated = glossary.t("legend_estimated", lang)
    return {
        "uncovered_surveyed": (
            glossary.t("legend_uncovered_surveyed", lang),
            _marker(UNCOVERED_RED, "#ffffff", 5.5, 1.5, 1.0),
        ),
        "uncovered_estimated": (
            glossary.t("legend_uncovered_estimated", lang),
            _marker("#ffffff", UNCOVERED_RED, 5, 2.5, 0.85),
        ),
        "covered_surveyed": (covered, _marker(COVERED_GREY, "#ffffff", 2.2, 0.4, 0.55)),
        "covered_estimated": (
            f"{covered} ({estimated})",
            _marker("#ffffff", COVERED_GREY, 2.2, 0.9, 0.2),
        ),
    }


def village_category_expression(broadband: str, estimated: str) -> str:
    """QGIS expression giving a village's category from its two flag fields.

    Examples
    --------
    >>> print(village_category_expression("mob_bband", "loc_est"))
    if("mob_bband", 'covered', 'uncovered') || if("loc_est", '_estimated', '_surveyed')
    """
    return (
        f"if(\"{broadband}\", 'covered', 'uncovered') || "
        f"if(\"{estimated}\", '_estimated', '_surveyed')"
    )


def _commune_classes(frame: gpd.GeoDataFrame, options: StyleOptions) -> list[StyleClass]:
    cls = classify(
        frame[options.metric],
        metric=options.metric,
        scheme=options.scheme,
        k=options.k,
        breaks=options.breaks,
        lang=options.lang,
    )
    out = [
        StyleClass(
            glossary.t("legend_nodata", options.lang),
            Symbol("fill", NODATA_COLOR, COMMUNE_OUTLINE, 0.2),
            lower=NODATA_VALUE,
            upper=NODATA_VALUE,
        )
    ]
    for i, (label, color) in enumerate(zip(cls.labels, cls.colors, strict=True)):
        lower = cls.lower if i == 0 else cls.bins[i - 1]
        symbol = Symbol("fill", color, COMMUNE_OUTLINE, 0.2, fill_opacity=0.8)
        out.append(StyleClass(label, symbol, lower=lower, upper=cls.bins[i]))
    return out


def layer_style(
    layer: str,
    frame: gpd.GeoDataFrame,
    options: StyleOptions,
    fields: dict[str, str] | None = None,
) -> LayerStyle | None:
    """Build the style of one exported layer (``None`` for a layer slmap does not style).

    Parameters
    ----------
    layer : str
        ``communes``, ``villages``, ``uncovered`` or ``districts``.
    frame : GeoDataFrame
        The features exported (communes: classified here, as on the map).
    options : StyleOptions
        Metric, scheme, classes, breaks and language of the labels.
    fields : dict of str to str, optional
        Full column name -> field name in the file (Shapefile's 10-byte names).

    Examples
    --------
    >>> style = layer_style("districts", frame, StyleOptions())  # doctest: +SKIP
    """
    fields = fields or {}

    def name(column: str) -> str:
        return fields.get(column, column)

    lang = options.lang
    if layer == "communes":
        metric_label = glossary.t(f"metric_{options.metric}", lang)
        title = glossary.t("layer_communes", lang, metric=metric_label)
        classes = _commune_classes(frame, options)
        attribute = f'coalesce("{name(options.metric)}", {NODATA_VALUE:g})'
        return _finish(layer, title, "graduatedSymbol", attribute, classes, name(options.metric))
    if layer in ("villages", "uncovered"):
        symbols = village_symbols(lang)
        wanted = [k for k in symbols if layer == "villages" or k.startswith("uncovered")]
        classes = [StyleClass(symbols[k][0], symbols[k][1], value=k) for k in wanted]
        key = "legend_villages" if layer == "villages" else "legend_uncovered_surveyed"
        title = glossary.t(key, lang)
        expression = village_category_expression(
            name("mobile_broadband"), name("location_estimated")
        )
        flags = (name("mobile_broadband"), name("location_estimated"))
        return _finish(layer, title, "categorizedSymbol", expression, classes, flags)
    if layer == "districts":
        dash = Symbol("fill", "#ffffff", DISTRICT_OUTLINE, round(1.8 * PX_MM, 2), no_fill=True,
                      outline_style="dash")  # fmt: skip
        classes = [StyleClass(glossary.t("legend_district", lang), dash)]
        return _finish(layer, glossary.t("legend_district", lang), "singleSymbol", "", classes, "")
    return None


def _finish(layer, title, renderer, attribute, classes, sld_fields) -> LayerStyle:
    classes = tuple(classes)
    qml = qml_document(renderer, attribute, classes)
    sld = sld_document(layer, title, renderer, classes, sld_fields)
    return LayerStyle(layer, title, renderer, attribute, classes, qml, sld)


_LAYER_STYLES_DDL = (
    "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
    "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
    "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
    "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
)


def write_gpkg_styles(path, styles: dict[str, LayerStyle]) -> None:
    """Store each layer's QML and SLD in the GeoPackage's ``layer_styles`` table.

    The table has QGIS's schema; each style is the layer's default
    (``useAsDefault`` = 1), so QGIS applies it when the layer is opened. The
    table is registered in ``gpkg_contents`` as attributes.

    Examples
    --------
    >>> write_gpkg_styles("s.gpkg", {"communes": style})  # doctest: +SKIP
    """
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute(_LAYER_STYLES_DDL)
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
            "description, last_change) VALUES ('layer_styles', 'attributes', 'layer_styles', "
            "'QGIS layer styles', strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
        )
        for table, style in styles.items():
            row = db.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)
            ).fetchone()
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL)",
                (table, row[0] if row else "geom", f"slmap {table}", style.qml, style.sld,
                 style.title),
            )  # fmt: skip
    db.close()
