"""Text for the page's HTML: the one function every string bound for markup goes through.

Input text reaches the page by two roads only. Most of it travels inside the
page's JSON (:func:`slmap.page.assets.json_for_script`) and the page scripts
insert it as DOM text (``textContent``, text nodes, or DOM nodes handed to
``bindPopup``/``bindTooltip``/``setContent``). The few strings that Python
hands to an API that takes HTML — the layer switcher's names (Folium's
``FeatureGroup(name=...)``, which Leaflet's layers control inserts with
``innerHTML``), the basemap's name, the ``<title>`` — go through
:func:`html_text`, at one place: :func:`slmap.page.render.build_map`.

Examples
--------
>>> html_text('<img src=x onerror="p()">')
'&lt;img src=x onerror=&quot;p()&quot;&gt;'
>>> html_text("{{7*7}}")
'&#123;&#123;7*7&#125;&#125;'
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["html_text"]

#: Characters written as character references beyond html.escape's ``& < > " '``:
#: braces (Folium compiles rendered scripts as Jinja templates, where ``{{``,
#: ``{%`` and ``{#`` would be code) and the JavaScript line separators.
_MORE = {"{": "&#123;", "}": "&#125;", "\u2028": "&#8232;", "\u2029": "&#8233;"}
_TABLE = str.maketrans(_MORE)


def html_text(value: Any) -> str:
    """``value`` as HTML text that shows literally: markup, quotes, braces escaped.

    The result is inert as element content, inside a quoted attribute, inside
    a JSON string of a ``<script>`` and inside a Jinja template, and a browser
    shows exactly ``str(value)`` for it.

    Parameters
    ----------
    value : object
        Any text (None shows as an empty string).

    Returns
    -------
    str
        HTML with ``& < > " '``, ``{ }``, U+2028 and U+2029 as character references.

    Examples
    --------
    >>> html_text("Bản Mé & <b>"), html_text(None)
    ('Bản Mé &amp; &lt;b&gt;', '')
    """
    text = "" if value is None else str(value)
    return html.escape(text, quote=True).translate(_TABLE)
