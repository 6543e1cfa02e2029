"""Vendored front-end files and helpers that inline them into one HTML file.

Everything a map needs (Leaflet's script, stylesheet and images, slmap's own
script and stylesheet) ships inside the package and is inlined, so a map
opens with no network. :func:`remote_resources` finds any resource reference
to ``http(s)://`` left in a page (links a person clicks are allowed).

Examples
--------
>>> "L.map" in leaflet_js() or "Leaflet" in leaflet_js()
True
>>> remote_resources(head_html())
[]
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "LEAFLET_VERSION",
    "asset_bytes",
    "asset_text",
    "head_html",
    "json_for_script",
    "leaflet_css",
    "leaflet_js",
    "remote_resources",
    "script_tag",
    "style_tag",
]

LEAFLET_VERSION = "1.9.4"

_IMAGE_URL = re.compile(r"url\((['\"]?)images/([\w.-]+\.png)\1\)")
_SOURCEMAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)

#: Resource references (not clickable links) that point to the network.
_REMOTE_PATTERNS = (
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*['\"]?\s*(?:https?:)?//[^'\"\s>]*", re.I),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*['\"]?\s*(?:https?:)?//[^'\"\s>]*", re.I),
    re.compile(
        r"<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*['\"]?\s*"
        r"(?:https?:)?//[^'\"\s>]*",
        re.I,
    ),
    re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//[^)'\"]*", re.I),
    re.compile(r"@import\s+['\"](?:https?:)?//[^'\"]*", re.I),
    re.compile(r"https?://[^'\"\s]*\{[xyz]\}[^'\"\s]*", re.I),
)


def asset_bytes(name: str) -> bytes:
    """Bytes of a packaged asset, ``name`` relative to this package.

    Examples
    --------
    >>> asset_bytes("vendor/leaflet/images/layers.png")[:4]
    b'\\x89PNG'
    """
    return resources.files(__name__).joinpath(name).read_bytes()


def asset_text(name: str) -> str:
    """Text (UTF-8) of a packaged asset.

    Examples
    --------
    >>> asset_text("vendor/leaflet/LICENSE").startswith("BSD")
    True
    """
    return asset_bytes(name).decode("utf-8")


def _data_uri(name: str) -> str:
    encoded = base64.b64encode(asset_bytes(name)).decode("ascii")
    return f"data:image/png;base64,{encoded}"


@cache
def leaflet_js() -> str:
    """Leaflet's script with its source-map comment removed, default icons inlined.

    Examples
    --------
    >>> "sourceMappingURL" in leaflet_js()
    False
    """
    js = _SOURCEMAP.sub("", asset_text("vendor/leaflet/leaflet.js")).rstrip()
    icons = {
        "iconUrl": "marker-icon.png",
        "iconRetinaUrl": "marker-icon-2x.png",
        "shadowUrl": "marker-shadow.png",
    }
    options = ",".join(
        f'"{key}":"{_data_uri("vendor/leaflet/images/" + file)}"' for key, file in icons.items()
    )
    # Default markers would otherwise load marker-icon.png beside the page.
    return f"{js}\nL.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{{options}}});\n"


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with every ``url(images/...)`` turned into a data URI.

    Examples
    --------
    >>> "url(images/" in leaflet_css()
    False
    """
    css = asset_text("vendor/leaflet/leaflet.css")
    return _IMAGE_URL.sub(lambda m: f'url("{_data_uri("vendor/leaflet/images/" + m[2])}")', css)


def script_tag(js: str) -> str:
    """Wrap ``js`` in a ``<script>`` element that it cannot close early.

    Examples
    --------
    >>> script_tag('var s = "</script>";')
    '<script>var s = "<\\\\/script>";</script>'
    """
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", js, flags=re.I) + "</script>"


def style_tag(css: str) -> str:
    """Wrap ``css`` in a ``<style>`` element that it cannot close early.

    Examples
    --------
    >>> style_tag("a{color:red}")
    '<style>a{color:red}</style>'
    """
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.I) + "</style>"


def json_for_script(obj: Any) -> str:
    """Serialise ``obj`` as compact JSON that is safe inside ``<script>``.

    ``<``, ``>``, ``&`` and the JavaScript line separators are escaped, so text
    such as ``</script>``, ``<!--`` or ``<script`` in the data cannot end the
    script or change how the HTML parser reads it. Other characters are
    written as themselves: Vietnamese names stay readable in the page source.

    jinja2's ``htmlsafe_json_dumps`` is not used because it is not equivalent
    here: it escapes ``<``, ``>``, ``&`` and ``'`` but not U+2028 and U+2029,
    which end a string literal in pre-2019 JavaScript engines. Keeping them
    safe with it needs ``ensure_ascii=True``, which writes every Vietnamese
    letter as ``\\uXXXX``: names become unreadable in the page source and the
    embedded data of the Sơn La register grows by about a fifth.

    Examples
    --------
    >>> json_for_script({"name": "</script><b>Bản</b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003eBản\\\\u003c/b\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def head_html() -> str:
    """Everything that goes into ``<head>``: Leaflet and slmap, inlined.

    Examples
    --------
    >>> html = head_html()
    >>> html.count("<script>"), html.count("<style>")
    (4, 3)
    """
    return "\n".join(
        [
            style_tag(leaflet_css()),
            style_tag(asset_text("slmap.css")),
            style_tag(asset_text("slmap_answers.css")),
            script_tag(leaflet_js()),
            script_tag(asset_text("slmap.js")),
            script_tag(asset_text("slmap_points.js")),
            script_tag(asset_text("slmap_answers.js")),
        ]
    )


def remote_resources(html: str) -> list[str]:
    """Every resource reference in ``html`` that would load from the network.

    Script ``src``, stylesheet ``href``, image/frame ``src``, CSS ``url()``,
    ``@import``, tile URL templates and source maps count; ``<a href>``
    links and XML namespaces do not.

    Examples
    --------
    >>> remote_resources('<a href="https://example.org">x</a>')
    []
    >>> remote_resources('<script src="https://cdn.example/x.js"></script>')
    ['<script src="https://cdn.example/x.js']
    """
    found: list[str] = []
    for pattern in _REMOTE_PATTERNS:
        found.extend(m.group(0) for m in pattern.finditer(html))
    return found
