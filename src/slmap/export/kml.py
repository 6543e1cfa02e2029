"""Google Earth export: KML 2.2 (or zipped KMZ), one folder per layer.

Communes are polygons filled with the map's classes (the legend is a table
in the document description); villages are placemarks styled by coverage
(red = no mobile broadband, hollow = estimated location, grey = covered),
foldered by former district and commune, each with a balloon table. Every
text is escaped: a village named like an HTML tag stays text. The document
carries the export's metadata (description and ``ExtendedData``).

Examples
--------
>>> write_kml(layers, Path("maps/son_la.kmz"), meta, StyleOptions(), kmz=True)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from slmap.base import glossary
from slmap.base.values import is_missing
from slmap.base.xmltext import clean_text
from slmap.export.icons import ICONS, icon_png
from slmap.export.metadata import ExportMetadata, metadata_lines
from slmap.export.styles import StyleOptions, layer_style
from slmap.export.symbols import StyleClass

__all__ = ["KML_NS", "kml_color", "kml_document", "write_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"
ET.register_namespace("", KML_NS)
#: Balloon rows of a village: column, label key.
VILLAGE_FIELDS = (
    ("commune_name", "field_commune"),
    ("district_name", "field_district"),
    ("households", "field_households"),
    ("population", "field_population"),
    ("mobile_signal", "field_signal"),
    ("fibre", "field_fibre"),
    ("grid_power", "field_grid"),
    ("priority_rank", None),
    ("priority_score", None),
)
COMMUNE_FIELDS = ("commune_code", "district_name", "villages", "villages_no_mbb", "share_4g",
                  "pop_4g_share", "fibre_hh_share")  # fmt: skip


def _k(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
    if text is not None:  # every text of the document: no character XML 1.0 forbids
        element.text = clean_text(text)[0]
    return element


def kml_color(color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` -> KML ``aabbggrr``.

    Examples
    --------
    >>> kml_color("#d7191c")
    'ff1c19d7'
    """
    value = color.lstrip("#")
    return f"{round(opacity * 255):02x}{value[4:6]}{value[2:4]}{value[0:2]}"


def _text(value) -> str:
    if is_missing(value):
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _balloon(title: str, rows: list[tuple[str, object]]) -> str:
    """HTML table of a balloon; every value escaped."""
    cells = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(_text(v))}</td></tr>"
        for label, v in rows
    )
    return f"<h3>{html.escape(title)}</h3><table>{cells}</table>"


def _style(doc: ET.Element, style_id: str, item: StyleClass, icons: bool) -> None:
    element = ET.SubElement(doc, f"{{{KML_NS}}}Style", {"id": style_id})
    symbol = item.symbol
    if symbol.kind == "marker":
        icon = _k(element, "IconStyle")
        _k(icon, "color", kml_color(symbol.outline if symbol.fill == "#ffffff" else symbol.fill))
        _k(icon, "scale", f"{max(symbol.size / 3.0, 0.3):.2f}")
        if icons:  # inside the KMZ; a plain KML keeps Google Earth's own (tinted) pin
            _k(_k(icon, "Icon"), "href", ICONS["dot" if symbol.fill != "#ffffff" else "ring"])
        return
    line = _k(element, "LineStyle")
    _k(line, "color", kml_color(symbol.outline))
    _k(line, "width", f"{max(symbol.outline_width / 0.26, 1):.1f}")
    poly = _k(element, "PolyStyle")
    _k(poly, "color", kml_color(symbol.fill, symbol.fill_opacity))
    _k(poly, "fill", "0" if symbol.no_fill else "1")


def _ring(parent: ET.Element, tag: str, coords) -> None:
    ring = _k(_k(parent, tag), "LinearRing")
    _k(ring, "coordinates", " ".join(f"{x:.5f},{y:.5f}" for x, y, *_ in coords))


def _geometry(parent: ET.Element, geom: BaseGeometry) -> None:
    if geom is None or geom.is_empty:
        return
    if geom.geom_type == "Point":
        _k(_k(parent, "Point"), "coordinates", f"{geom.x:.6f},{geom.y:.6f}")
        return
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    target = _k(parent, "MultiGeometry") if len(parts) > 1 else parent
    for part in parts:
        if part.geom_type == "Polygon":
            polygon = _k(target, "Polygon")
            _ring(polygon, "outerBoundaryIs", part.exterior.coords)
            for interior in part.interiors:
                _ring(polygon, "innerBoundaryIs", interior.coords)
        elif part.geom_type in ("LineString", "LinearRing"):
            _k(target, "LineString")
            _k(target[-1], "coordinates", " ".join(f"{x:.5f},{y:.5f}" for x, y, *_ in part.coords))


def _placemark(parent, name: str, balloon: str, style_id: str, row, columns) -> None:
    mark = _k(parent, "Placemark")
    _k(mark, "name", name)
    _k(mark, "description", balloon)
    _k(mark, "styleUrl", f"#{style_id}")
    data = _k(mark, "ExtendedData")
    for column in columns:
        entry = ET.SubElement(data, f"{{{KML_NS}}}Data", {"name": column})
        _k(entry, "value", "" if is_missing(row[column]) else str(row[column]))
    _geometry(mark, row.geometry)


def _village_category(row) -> str:
    covered = "covered" if bool(row.get("mobile_broadband", False)) else "uncovered"
    estimated = row.get("location_estimated")
    return f"{covered}_{'estimated' if not is_missing(estimated) and estimated else 'surveyed'}"


def _villages(folder, layer: str, frame: gpd.GeoDataFrame, lang: str) -> None:
    columns = [c for c in frame.columns if c != "geometry"]
    groups: dict[tuple[str, str], ET.Element] = {}
    districts: dict[str, ET.Element] = {}
    for _, row in frame.iterrows():
        district = _text(row.get("district_name"))
        commune = _text(row.get("commune_name"))
        if district not in districts:
            districts[district] = _k(folder, "Folder")
            _k(districts[district], "name", district)
        if (district, commune) not in groups:
            groups[(district, commune)] = _k(districts[district], "Folder")
            _k(groups[(district, commune)], "name", commune)
        rows = [(glossary.t(key, lang) if key else col, row[col])
                for col, key in VILLAGE_FIELDS if col in frame.columns]  # fmt: skip
        name = _text(row.get("village_name"))
        style = f"{layer}_{_village_category(row)}"
        _placemark(groups[(district, commune)], name, _balloon(name, rows), style, row, columns)


def _communes(folder, layer: str, frame: gpd.GeoDataFrame, style, metric: str) -> None:
    columns = [c for c in frame.columns if c != "geometry"]
    for _, row in frame.iterrows():
        value = row.get(metric)
        index = 0
        if not is_missing(value):
            index = next(
                (i for i, c in enumerate(style.classes[1:], start=1) if value <= c.upper),
                len(style.classes) - 1,
            )
        name = _text(row.get("commune_name", row.get("district_name")))
        rows = [(col, row[col]) for col in COMMUNE_FIELDS if col in frame.columns]
        _placemark(folder, name, _balloon(name, rows), f"{layer}_{index}", row, columns)


def _legend(styles) -> str:
    parts = []
    for style in styles:
        cells = "".join(
            f'<tr><td style="background:{c.symbol.fill}">&#160;&#160;&#160;</td>'
            f"<td>{html.escape(c.label)}</td></tr>"
            for c in style.classes
        )
        parts.append(f"<h4>{html.escape(style.title)}</h4><table>{cells}</table>")
    return "".join(parts)


def kml_document(
    layers: dict[str, gpd.GeoDataFrame],
    meta: ExportMetadata | None,
    options: StyleOptions,
    icons: bool = False,
) -> bytes:
    """The KML 2.2 document (UTF-8 bytes) of the layers.

    ``icons``: point styles name the icons packed in the KMZ
    (:data:`~slmap.export.icons.ICONS`); no icon is ever fetched online.

    With ``villages`` present, the ``uncovered`` layer is left out: each village
    is drawn once, styled by its coverage.
    """
    if "villages" in layers:
        layers = {n: f for n, f in layers.items() if n != "uncovered"}
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _k(root, "Document")
    _k(doc, "name", "slmap" + (" – SAMPLE DATA" if meta is not None and meta.sample else ""))
    frames = {n: f.to_crs(4326) if f.crs is not None else f for n, f in layers.items()}
    styles = {n: layer_style(n, f, options) for n, f in frames.items()}
    _header(doc, styles, meta, icons)
    for name, frame in frames.items():
        _folder(_k(doc, "Folder"), name, frame, styles[name], options)
    ET.indent(root, space=" ")
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + ET.tostring(root, encoding="utf-8")


def _header(doc: ET.Element, styles: dict, meta: ExportMetadata | None, icons: bool) -> None:
    """Description (legend and metadata tables), shared styles, metadata as ExtendedData."""
    lines = metadata_lines(meta) if meta is not None else []
    about = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in lines
    )
    legend = _legend([s for s in styles.values() if s is not None])
    _k(doc, "description", f"{legend}<table>{about}</table>")
    for name, style in styles.items():
        for i, item in enumerate(style.classes if style is not None else ()):
            _style(doc, f"{name}_{item.value if item.value else i}", item, icons)
    data = _k(doc, "ExtendedData")
    for key, value in lines:
        entry = ET.SubElement(data, f"{{{KML_NS}}}Data", {"name": key})
        _k(entry, "value", value)


def _folder(folder: ET.Element, name: str, frame, style, options: StyleOptions) -> None:
    _k(folder, "name", name)
    if name in ("villages", "uncovered") or frame.geom_type.eq("Point").all():
        _villages(folder, name, frame, options.lang)
    elif style is not None and name == "communes":
        _communes(folder, name, frame, style, options.metric)
    else:  # outlines: one style, no classes
        _communes(folder, name, frame.assign(**{options.metric: None}), style or _plain(),
                  options.metric)  # fmt: skip


def _plain():
    from types import SimpleNamespace

    return SimpleNamespace(classes=())


def write_kml(
    layers: dict[str, gpd.GeoDataFrame],
    path: Path,
    meta: ExportMetadata | None,
    options: StyleOptions | None,
    *,
    kmz: bool = False,
) -> None:
    """Write the layers as KML (``kmz``: zipped, ``doc.kml`` first, as Google Earth expects).

    A KMZ carries its point icons (``files/*.png``); a KML names none, so
    Google Earth draws its own pin in the style's colour. Neither needs the
    network.

    Examples
    --------
    >>> write_kml(layers, Path("maps/v.kml"), meta, StyleOptions())  # doctest: +SKIP
    """
    document = kml_document(layers, meta, options or StyleOptions(), icons=kmz)
    if not kmz:
        Path(path).write_bytes(document)
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", document)
        for name, inside in ICONS.items():
            zf.writestr(inside, icon_png(name))
    Path(path).write_bytes(buffer.getvalue())
