"""Builders for the hostile-input corpus: every file is generated in code.

Boundaries are small squares around the official centres (from the
registry package) of a few real Sơn La communes; nothing is copied from
``../shared/geodata``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from click.testing import CliRunner

from slmap import registry
from slmap.cli import cli
from slmap.sources.encodings import TCVN3, VNI

CODES = ("03646", "03664", "03670")
HALF = 0.02  # half side of the squares, degrees


def centres(codes: tuple[str, ...] = CODES) -> pd.DataFrame:
    """Official centres of communes (2025 layout, Sơn La) from the registry package."""
    reg = registry.communes("2025", "14").set_index("commune_code")
    return reg.loc[list(codes), ["commune_name", "lon", "lat"]]


def squares(codes: tuple[str, ...] = CODES, half: float = HALF) -> gpd.GeoDataFrame:
    """One square per commune, around its official centre, EPSG:4326."""
    c = centres(codes)
    geoms = [
        shapely.box(x - half, y - half, x + half, y + half)
        for x, y in zip(c.lon, c.lat, strict=True)
    ]
    return gpd.GeoDataFrame(
        {"ma_xa": list(codes), "ten_xa": list(c.commune_name)}, geometry=geoms, crs="EPSG:4326"
    )


def register(n: int = 6) -> pd.DataFrame:
    """A small valid register on the corpus communes, Vietnamese headers."""
    rows = []
    names = ["Bản Nà Tấu", "Bản Hua Nà", "Bản Phiêng Ngùa", "Bản Co Mạ", "Bản Đông", "Bản Ít"]
    for i in range(n):
        rows.append(
            {
                "Mã bản": f"B{i + 1:03d}",
                "Tên bản": names[i % len(names)] + (f" {i // len(names) + 1}" if i >= 6 else ""),
                "Mã xã": CODES[i % len(CODES)],
                "Số hộ": str(40 + i),
                "Số dân": str(180 + 5 * i),
                "Sóng": ["4G", "3G", "không có sóng", "2G", "4G", "5G"][i % 6],
                "Cáp quang": ["có", "không"][i % 2],
            }
        )
    return pd.DataFrame(rows)


def csv_text(frame: pd.DataFrame, sep: str = ",") -> str:
    return frame.to_csv(index=False, sep=sep, lineterminator="\r\n")


def tcvn3_bytes(text: str) -> bytes:
    """Encode Vietnamese text in the legacy TCVN3 (ABC) font encoding."""
    inverse = {v: k for k, v in TCVN3.items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out += ch.encode("ascii")
        elif ch in inverse:
            out.append(inverse[ch])
        else:
            out.append(inverse[ch.lower()])
    return bytes(out)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(text: str) -> bytes:
    """Encode text in cp1258 as Windows does: base letter plus a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        tones = "".join(c for c in parts if c in _TONES)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def vni_bytes(text: str) -> bytes:
    """Encode Vietnamese text in the legacy VNI Windows font encoding."""
    inverse = {v: k for k, v in VNI.items()}
    return b"".join(
        ch.encode("ascii") if ch.isascii() else inverse[ch]
        for ch in unicodedata.normalize("NFC", text)
    )


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """Write rows as-is to the first sheet of a workbook (no header handling)."""
    pd.DataFrame(rows).to_excel(path, header=False, index=False)


def fingerprint(paths: list[Path]) -> dict[str, tuple[str, int]]:
    """SHA-256 and mtime of every file under ``paths`` (to prove inputs are untouched)."""
    out = {}
    for p in paths:
        files = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file())
        for f in files:
            out[str(f)] = (hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_mtime_ns)
    return out


@dataclass
class Case:
    """One corpus case: how to build the input and what the CLI must answer."""

    name: str
    build: Callable[[Path], list[str]]  # writes files into a folder, returns CLI args
    exit_code: int
    expect: list[str]  # regexes that must all appear in stderr
    check: Callable[[Path], None] | None = None  # extra check on the folder afterwards
    absent: list[str] = field(default_factory=list)  # regexes that must not appear


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def run(args: list[str]) -> Outcome:
    """Run ``slmap validate`` in-process the way a user would, capture its output."""
    result = CliRunner().invoke(cli, ["validate", *args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"uncaught exception (a user would see a traceback):\n{tb}")
    return Outcome(result.exit_code, result.stdout, result.stderr)


def counts(stdout: str) -> tuple[int, int, int]:
    """(read, loaded, rejected) from the ``ok:`` line of ``slmap validate``."""
    m = re.search(r"(\d+) rows read from .*: (\d+) loaded, (\d+) rejected", stdout)
    assert m, stdout
    return int(m[1]), int(m[2]), int(m[3])
