"""Hostile strings shared by the page tests: they break out of HTML, attributes, scripts,
URLs, bidi order and templates. A new input kind adds its text fields to the tests that
feed these strings (tests/corpus/test_page_hostile.py, tests/page/test_escape.py)."""

from __future__ import annotations

_BREAKOUTS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=1</script>",
    "javascript:window.__pwned=1",
    '"><svg onload=window.__pwned=1>',
    "\u2028",
    "\u2029",
    "\u202e",
    "{{7*7}}",
    "${1}",
]

#: Put into every text field of every input of a map opened in Chromium.
HOSTILE_PAGE = [*_BREAKOUTS, "$&"]

#: Fed to the Python escaping rule (Jinja statements and comments, entities too).
HOSTILE_HTML = [*_BREAKOUTS, "{% if 1 %}x{% endif %}", "{# c #}", "&amp; &lt;"]
