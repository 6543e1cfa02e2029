"""Symbols and classes shared by the QML and SLD writers (:mod:`slmap.export.styles`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

__all__ = ["StyleClass", "Symbol", "hex_rgba", "to_string"]


@dataclass(frozen=True)
class Symbol:
    """One symbol: fill and outline colour (hex), opacities, outline width and size (mm)."""

    kind: str  # "fill" or "marker"
    fill: str
    outline: str
    outline_width: float
    fill_opacity: float = 1.0
    size: float = 0.0
    outline_style: str = "solid"
    no_fill: bool = False


@dataclass(frozen=True)
class StyleClass:
    """One class of a renderer: its label, symbol and what selects it.

    ``lower``/``upper`` for a graduated range, ``value`` for a category.
    """

    label: str
    symbol: Symbol
    lower: float | None = None
    upper: float | None = None
    value: str | None = None


def hex_rgba(color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` -> QGIS ``r,g,b,a``.

    Examples
    --------
    >>> hex_rgba("#d7191c", 0.5)
    '215,25,28,128'
    """
    value = color.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(opacity * 255)}"


def to_string(root: ET.Element, doctype: str = "") -> str:
    """Serialise an element tree with an XML declaration (UTF-8 text)."""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f"<?xml version='1.0' encoding='UTF-8'?>\n{doctype}{body}\n"
