"""The page's one rule for text bound for HTML (slmap.page.escape.html_text), in Python."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _browser import synthetic_model
from _hostile import HOSTILE_HTML as HOSTILE
from slmap.page.data import page_data
from slmap.page.escape import html_text
from slmap.page.render import build_map, map_html

ASSETS = Path(__file__).resolve().parents[2] / "src/slmap/page/assets"
texts = st.one_of(
    st.sampled_from(HOSTILE), st.text(), st.lists(st.sampled_from(HOSTILE)).map("".join)
)


class _Seen(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: list[str] = []
        self.attrs: list[str | None] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self.attrs.extend(v for _, v in attrs)

    def handle_data(self, data) -> None:
        self.data.append(data)


@given(texts)
def test_html_text_shows_literally_as_content_and_attribute(text: str) -> None:
    escaped = html_text(text)
    assert not set(escaped) & set("<>\"'{}\u2028\u2029")
    seen = _Seen()
    seen.feed(f'<span title="{escaped}">{escaped}</span>')
    seen.close()
    assert seen.tags == ["span"]
    assert seen.attrs == [text]
    assert "".join(seen.data) == text
    assert html.unescape(escaped) == text


@pytest.fixture(scope="module")
def base_data():
    return page_data(synthetic_model(), metric="share_4g", lang="en")


def _switcher_names(page: str) -> list[str]:
    """The layer switcher's names as Folium wrote them into the page's script."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", page, re.S)
    assert block is not None
    keys = re.findall(r'("(?:[^"\\]|\\.)*")\s*:\s*feature_group_\w+', block.group(1))
    return [json.loads(k) for k in keys]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(texts, min_size=1, max_size=3, unique=True))
def test_layer_switcher_names_reach_leaflet_escaped(base_data, names: list[str]) -> None:
    """Leaflet's layers control inserts names as HTML; Folium compiles scripts as Jinja."""
    layers = {f"extra{i}": name for i, name in enumerate(names)}
    data = dataclasses.replace(base_data, layers=base_data.layers | layers)
    page = map_html(build_map(data))
    shown = _switcher_names(page)[-len(names) :]
    assert [html.unescape(s) for s in shown] == names
    assert all(not set(s) & set("<>{}") for s in shown)


@given(texts.filter(bool))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_title_is_escaped_once(base_data, title: str) -> None:
    """The ``<title>`` shows the title literally (Folium leaves out an empty one)."""
    page_dict = base_data.page | {"title": base_data.page["title"] | {"title": title}}
    page = map_html(build_map(dataclasses.replace(base_data, page=page_dict)))
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found is not None and html.unescape(found.group(1)) == title


def test_scripts_never_insert_data_as_html() -> None:
    """innerHTML only with static markup; popups and tooltips get functions returning nodes."""
    text = {p.name: p.read_text(encoding="utf-8") for p in ASSETS.glob("*.js")}
    inner = sorted(
        (name, line.strip())
        for name, js in text.items()
        for line in js.splitlines()
        if re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", line)
        and not line.strip().startswith(("*", "/*", "//"))
    )
    assert inner == [
        (
            "slmap_predict.js",
            'defs.innerHTML = \'<pattern id="slmap-pred-hatch" width="7" height="7" \' +',
        ),
        ("slmap_predict.js", "span.innerHTML = svgMarkup(name); /* static markup, no data */"),
    ]
    for name, js in text.items():
        for call in re.findall(r"\.(?:bindPopup|bindTooltip)\(([^)]{0,12})", js):
            assert call.startswith("function"), (name, call)
        # "{n}" placeholders are filled literally (slmapFill), never with String.replace,
        # whose replacement patterns ("$&", "$`") would rewrite a name holding them
        assert not re.search(r"\.replace\(\"\{", js), name
