"""Vendored assets: present, licensed, inlined without any network reference."""

from __future__ import annotations

from slmap.page import assets


def test_vendored_files_and_licence() -> None:
    assert assets.asset_text("vendor/leaflet/LICENSE").startswith("BSD 2-Clause")
    readme = assets.asset_text("vendor/README.md")
    assert "leaflet" in readme and assets.LEAFLET_VERSION in readme
    assert f"Leaflet {assets.LEAFLET_VERSION}" in assets.leaflet_js()[:200]


def test_inlined_leaflet_refers_to_no_file_or_network() -> None:
    css = assets.leaflet_css()
    assert "url(images/" not in css and css.count("data:image/png;base64,") >= 3
    js = assets.leaflet_js()
    assert "sourceMappingURL" not in js
    assert "L.Icon.Default.mergeOptions" in js
    assert assets.remote_resources(assets.head_html()) == []


def test_remote_resources_finds_every_kind() -> None:
    html = "\n".join(
        [
            '<script src="https://cdn.example/a.js"></script>',
            "<link rel='stylesheet' href='http://cdn.example/b.css'>",
            '<img src="https://example.org/i.png">',
            "<style>.x{background:url( 'https://example.org/p.png')}</style>",
            '<style>@import "//example.org/c.css";</style>',
            "L.tileLayer('https://{s}.tile.example.org/{z}/{x}/{y}.png')",
        ]
    )
    assert len(assets.remote_resources(html)) == 6
    ok = '<a href="https://leafletjs.com">Leaflet</a><svg xmlns="http://www.w3.org/2000/svg">'
    assert assets.remote_resources(ok) == []


def test_script_and_json_cannot_break_out() -> None:
    payload = {"n": "</script><script>alert(1)</script>", "m": "a\u2028b & <c>"}
    text = assets.json_for_script(payload)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    tag = assets.script_tag("var x = '</SCRIPT>';")
    assert tag.lower().count("</script>") == 1
    assert assets.style_tag("a{}</style>").count("</style>") == 1
