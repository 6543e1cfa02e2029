"""OGC Styled Layer Descriptor (SLD 1.0) of a layer style, for GIS other than QGIS.

The rules match the QML (:mod:`slmap.export.qml`): one per commune class
(``PropertyIsNull`` = no data), one per village category, one outline.

Examples
--------
>>> from slmap.export.symbols import StyleClass, Symbol
>>> fill = Symbol("fill", "#f1eef6", "#4d4d4d", 0.2)
>>> sld_document("communes", "x", "graduatedSymbol", (StyleClass("a", fill, 0, 1),), "v").count(
...     "<sld:Rule>")
1
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from slmap.export.symbols import StyleClass, Symbol, to_string

__all__ = ["sld_document"]

SLD = "http://www.opengis.net/sld"
OGC = "http://www.opengis.net/ogc"
ET.register_namespace("sld", SLD)
ET.register_namespace("ogc", OGC)
MM_PX = 1 / 0.26


def _sub(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _param(parent: ET.Element, tag: str, name: str, value: str) -> None:
    _sub(parent, SLD, tag, value, name=name)


def _compare(parent: ET.Element, op: str, field: str, value: str) -> None:
    element = _sub(parent, OGC, op)
    _sub(element, OGC, "PropertyName", field)
    _sub(element, OGC, "Literal", value)


def _filter(rule: ET.Element, item: StyleClass, index: int, renderer: str, fields) -> None:
    if renderer == "singleSymbol":
        return
    where = _sub(rule, OGC, "Filter")
    if renderer == "graduatedSymbol" and index == 0:
        _sub(_sub(where, OGC, "PropertyIsNull"), OGC, "PropertyName", fields)
        return
    both = _sub(where, OGC, "And")
    if renderer == "graduatedSymbol":
        low = "PropertyIsGreaterThanOrEqualTo" if index == 1 else "PropertyIsGreaterThan"
        _compare(both, low, fields, f"{item.lower:.15g}")
        _compare(both, "PropertyIsLessThanOrEqualTo", fields, f"{item.upper:.15g}")
        return
    broadband, estimated = fields
    value = str(item.value)
    _compare(both, "PropertyIsEqualTo", broadband, str(value.startswith("covered")).lower())
    _compare(both, "PropertyIsEqualTo", estimated, str(value.endswith("_estimated")).lower())


def _stroke(parent: ET.Element, symbol: Symbol) -> None:
    stroke = _sub(parent, SLD, "Stroke")
    _param(stroke, "CssParameter", "stroke", symbol.outline)
    _param(stroke, "CssParameter", "stroke-width", f"{symbol.outline_width * MM_PX:.1f}")
    if symbol.outline_style == "dash":
        _param(stroke, "CssParameter", "stroke-dasharray", "7 5")


def _fill(parent: ET.Element, symbol: Symbol) -> None:
    if symbol.no_fill:
        return
    fill = _sub(parent, SLD, "Fill")
    _param(fill, "CssParameter", "fill", symbol.fill)
    _param(fill, "CssParameter", "fill-opacity", f"{symbol.fill_opacity:g}")


def _symbolizer(rule: ET.Element, symbol: Symbol) -> None:
    if symbol.kind == "fill":
        polygon = _sub(rule, SLD, "PolygonSymbolizer")
        _fill(polygon, symbol)
        _stroke(polygon, symbol)
        return
    graphic = _sub(_sub(rule, SLD, "PointSymbolizer"), SLD, "Graphic")
    mark = _sub(graphic, SLD, "Mark")
    _sub(mark, SLD, "WellKnownName", "circle")
    _fill(mark, symbol)
    _stroke(mark, symbol)
    _sub(graphic, SLD, "Size", f"{symbol.size * MM_PX:.1f}")


def sld_document(
    layer: str, title: str, renderer: str, classes: tuple[StyleClass, ...], fields
) -> str:
    """The SLD 1.0 text of one layer style.

    Parameters
    ----------
    layer, title : str
        Layer name and its title (in the chosen language).
    renderer : str
        QGIS renderer type of the QML (decides the filters).
    classes : tuple of StyleClass
        As in the QML, in the same order.
    fields : str or tuple of str
        Field classified (graduated), or the (broadband, estimated) flag fields.
    """
    root = ET.Element(f"{{{SLD}}}StyledLayerDescriptor", {"version": "1.0.0"})
    named = _sub(root, SLD, "NamedLayer")
    _sub(named, SLD, "Name", layer)
    style = _sub(named, SLD, "UserStyle")
    _sub(style, SLD, "Name", layer)
    _sub(style, SLD, "Title", title)
    feature_style = _sub(style, SLD, "FeatureTypeStyle")
    for i, item in enumerate(classes):
        rule = _sub(feature_style, SLD, "Rule")
        _sub(rule, SLD, "Name", item.label)
        _sub(rule, SLD, "Title", item.label)
        _filter(rule, item, i, renderer, fields)
        _symbolizer(rule, item.symbol)
    return to_string(root)
