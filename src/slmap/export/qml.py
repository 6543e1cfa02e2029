"""QGIS layer style files (QML): graduated, categorized and single-symbol renderers.

QGIS reads a same-name ``.qml`` beside a Shapefile, and the ``styleQML``
column of a GeoPackage's ``layer_styles`` table. Symbol layers carry their
properties both as ``<Option>`` maps (QGIS >= 3.26) and ``<prop>`` elements
(older QGIS 3).

Examples
--------
>>> from slmap.export.symbols import StyleClass, Symbol
>>> line = Symbol("fill", "#ffffff", "#2b2b2b", 0.47, no_fill=True, outline_style="dash")
>>> "singleSymbol" in qml_document("singleSymbol", "", (StyleClass("outline", line),))
True
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from slmap.export.symbols import StyleClass, Symbol, hex_rgba, to_string

__all__ = ["QML_VERSION", "qml_document", "symbol_element"]

QML_VERSION = "3.22.0"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


def _properties(symbol: Symbol) -> dict[str, str]:
    common = {
        "outline_color": hex_rgba(symbol.outline),
        "outline_style": symbol.outline_style,
        "outline_width": f"{symbol.outline_width:g}",
        "outline_width_unit": "MM",
        "joinstyle": "bevel",
        "offset": "0,0",
    }
    if symbol.kind == "marker":
        return common | {
            "name": "circle",
            "color": hex_rgba(symbol.fill, symbol.fill_opacity),
            "size": f"{symbol.size:g}",
            "size_unit": "MM",
            "angle": "0",
            "scale_method": "diameter",
        }
    return common | {
        "color": hex_rgba(symbol.fill, symbol.fill_opacity),
        "style": "no" if symbol.no_fill else "solid",
    }


def symbol_element(symbol: Symbol, name: str) -> ET.Element:
    """One ``<symbol>`` element with a single simple fill or marker layer.

    Examples
    --------
    >>> from slmap.export.symbols import Symbol
    >>> symbol_element(Symbol("marker", "#d7191c", "#ffffff", 0.39, size=2.86), "0").get("type")
    'marker'
    """
    element = ET.Element(
        "symbol",
        {"type": symbol.kind, "name": name, "alpha": "1", "clip_to_extent": "1",
         "force_rhr": "0"},
    )  # fmt: skip
    layer_class = "SimpleMarker" if symbol.kind == "marker" else "SimpleFill"
    layer = ET.SubElement(
        element, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"}
    )
    props = _properties(symbol)
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in props.items():
        ET.SubElement(options, "Option", {"type": "QString", "name": key, "value": value})
    for key, value in props.items():
        ET.SubElement(layer, "prop", {"k": key, "v": value})
    return element


def _renderer(renderer: str, attribute: str, classes: tuple[StyleClass, ...]) -> ET.Element:
    attrs = {"type": renderer, "symbollevels": "0", "enableorderby": "0", "forceraster": "0"}
    if renderer != "singleSymbol":
        attrs["attr"] = attribute
    if renderer == "graduatedSymbol":
        attrs["graduatedMethod"] = "GraduatedColor"
    element = ET.Element("renderer-v2", attrs)
    if renderer == "graduatedSymbol":
        ranges = ET.SubElement(element, "ranges")
        for i, item in enumerate(classes):
            ET.SubElement(
                ranges, "range",
                {"lower": f"{item.lower:.15g}", "upper": f"{item.upper:.15g}", "symbol": str(i),
                 "label": item.label, "render": "true"},
            )  # fmt: skip
    elif renderer == "categorizedSymbol":
        categories = ET.SubElement(element, "categories")
        for i, item in enumerate(classes):
            ET.SubElement(
                categories, "category",
                {"value": str(item.value), "symbol": str(i), "label": item.label,
                 "render": "true"},
            )  # fmt: skip
    symbols = ET.SubElement(element, "symbols")
    for i, item in enumerate(classes):
        symbols.append(symbol_element(item.symbol, str(i)))
    if renderer == "graduatedSymbol":
        ET.SubElement(element, "mode", {"name": "equal"})
        ET.SubElement(element, "classificationMethod", {"id": "Fixed"})
    return element


def qml_document(renderer: str, attribute: str, classes: tuple[StyleClass, ...]) -> str:
    """A complete QML document (UTF-8 text) for one layer.

    Parameters
    ----------
    renderer : {"graduatedSymbol", "categorizedSymbol", "singleSymbol"}
        QGIS renderer type.
    attribute : str
        Field name or QGIS expression classified (unused for a single symbol).
    classes : tuple of StyleClass
        Ranges (``lower``/``upper``), categories (``value``) or the one symbol.

    Examples
    --------
    >>> from slmap.export.symbols import StyleClass, Symbol
    >>> fill = Symbol("fill", "#f1eef6", "#4d4d4d", 0.2)
    >>> text = qml_document("graduatedSymbol", '"v"', (StyleClass("0 – 1", fill, 0, 1),))
    >>> text.count("<range ")
    1
    """
    root = ET.Element("qgis", {"version": QML_VERSION, "styleCategories": "Symbology"})
    root.append(_renderer(renderer, attribute, classes))
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = (
        "0" if classes and classes[0].symbol.kind == "marker" else "2"
    )
    return to_string(root, DOCTYPE)
