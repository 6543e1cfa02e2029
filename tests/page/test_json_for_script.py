"""Data embedded in a <script> block cannot break out of it, and reads back unchanged."""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser

import pytest

from slmap.page.assets import json_for_script

HOSTILE = [
    "</script><script>alert(1)</script>",
    "</SCRIPT >",
    "<!--",
    "<!-- <script>",
    "-->",
    "<script",
    "a\u2028b",
    "a\u2029b",
    "Tô & Hiệu",
    'it\'s "quoted" \\ back',
]
NAMES = ["Bản Nà Tấu", "Phường Chiềng Cơi", "Xã Mường Ảng", "Bản Đông"]


class _Scripts(HTMLParser):
    """Collects the text of every <script> element the way a browser's tokenizer splits it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "script":
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data) -> None:
        if self._inside:
            self.scripts[-1] += data


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_inside_the_script(text: str) -> None:
    payload = {"name": text, "list": [text, 1, None, True]}
    encoded = json_for_script(payload)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in encoded, (raw, encoded)
    parser = _Scripts()
    parser.feed(f"<html><script>var d = {encoded};</script><p>after</p></html>")
    parser.close()
    assert parser.scripts == [f"var d = {encoded};"]
    assert json.loads(encoded) == payload


def test_vietnamese_stays_readable_and_round_trips() -> None:
    payload = {"names": NAMES, "n": 1825, "share": 93.26}
    encoded = json_for_script(payload)
    for name in NAMES:
        assert name in encoded
    assert json.loads(encoded) == payload
    assert "\\u" not in encoded


def test_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError):
        json_for_script({"share": math.nan})
