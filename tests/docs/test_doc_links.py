"""Every relative link and heading anchor in README.md and docs/**/*.md exists."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from _docparse import REPO, fences

_INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _prose(markdown: str) -> str:
    """Markdown without its fenced blocks and inline code."""
    lines = markdown.splitlines()
    fenced = {
        number
        for start, _, body in fences(lines)
        for number in range(start - 1, start + len(body) + 1)
    }
    kept = "\n".join(line for number, line in enumerate(lines, start=1) if number not in fenced)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", kept)


def heading_anchors(markdown: str) -> set[str]:
    """The anchors a code forge gives the headings of a Markdown text.

    Lower case, punctuation dropped (letters of any script, digits, ``_``,
    ``-`` and spaces kept), spaces as ``-``; repeated headings get ``-1``,
    ``-2``...

    Examples
    --------
    >>> text = "# Hướng dẫn nhanh\\n## Radio sites (`--sites`)\\n## Notes\\n## Notes"
    >>> sorted(heading_anchors(text))
    ['hướng-dẫn-nhanh', 'notes', 'notes-1', 'radio-sites---sites']
    """
    lines = markdown.splitlines()
    fenced = {
        number
        for start, _, body in fences(lines)
        for number in range(start - 1, start + len(body) + 1)
    }
    anchors: set[str] = set()
    for number, line in enumerate(lines, start=1):
        match = _HEADING.match(line)
        if number in fenced or not match:
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match.group(1)).lower()
        base = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
        anchor, count = base, 0
        while anchor in anchors:
            count += 1
            anchor = f"{base}-{count}"
        anchors.add(anchor)
    return anchors


def relative_links(markdown: str) -> list[str]:
    """Link targets of a Markdown text that point into the repository.

    Examples
    --------
    >>> relative_links("[a](docs/a.md#x) [b](https://e.org) `[c](no.md)` [d](#top)")
    ['docs/a.md#x', '#top']
    """
    prose = _prose(markdown)
    targets = _INLINE_LINK.findall(prose) + _REFERENCE.findall(prose)
    return [target for target in targets if target and not _SCHEME.match(target)]


def _markdown_files() -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def test_relative_links_resolve() -> None:
    """Every relative link of README.md and docs/ names an existing file (and heading)."""
    problems = []
    for page in _markdown_files():
        name = page.relative_to(REPO)
        for target in relative_links(page.read_text(encoding="utf-8")):
            path, _, fragment = target.partition("#")
            resolved = (page.parent / unquote(path)).resolve() if path else page
            if not resolved.is_relative_to(REPO):
                problems.append(f"{name}: {target} points outside the repository")
            elif not resolved.exists():
                problems.append(f"{name}: {target} does not exist")
            elif fragment and resolved.suffix == ".md":
                anchors = heading_anchors(resolved.read_text(encoding="utf-8"))
                if unquote(fragment) not in anchors:
                    problems.append(f"{name}: {target}: no heading with that anchor")
    assert not problems, "\n".join(problems)
