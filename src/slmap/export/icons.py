"""The KMZ's point icons, drawn in code: a white dot and a white ring (PNG).

Google Earth tints an icon with the style's colour, so one white dot serves
every surveyed village class and one ring every estimated location. They are
packed inside the KMZ (``files/dot.png``, ``files/ring.png``), so Google Earth
shows the intended symbols offline; no KML or KMZ names an online icon.
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["ICONS", "icon_png"]

#: Icon name -> path inside the KMZ.
ICONS = {"dot": "files/dot.png", "ring": "files/ring.png"}


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def icon_png(name: str, size: int = 32) -> bytes:
    """A ``size`` x ``size`` RGBA PNG: ``dot`` (filled disc) or ``ring`` (outline).

    Examples
    --------
    >>> icon_png("dot")[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    centre, outer = (size - 1) / 2, size / 2 - 1
    inner = outer - max(size // 6, 2) if name == "ring" else -1.0
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            r = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            alpha = 255 if inner <= r <= outer else 0
            row += bytes((255, 255, 255, alpha))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
