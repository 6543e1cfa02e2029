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

from slmap.admin import registry
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
    values: dict[str, dict[str, object]] = field(default_factory=dict)  # edits of BASE_VALUES
    rejected: tuple[str, ...] = ()  # village ids that must not be loaded (--keep-going)


#: What the base register must load as, village by village, typed as
#: :func:`slmap.model.load_coverage` holds them. Written out by hand (not
#: derived from :func:`register`) so that a reader bug cannot hide in both.
BASE_VALUES: dict[str, dict[str, object]] = {
    "B001": dict(
        village_name="Bản Nà Tấu",
        commune_code="03646",
        households=40,
        population=180,
        mobile_signal="4g",
        fibre=True,
        mobile_broadband=True,
    ),
    "B002": dict(
        village_name="Bản Hua Nà",
        commune_code="03664",
        households=41,
        population=185,
        mobile_signal="3g",
        fibre=False,
        mobile_broadband=True,
    ),
    "B003": dict(
        village_name="Bản Phiêng Ngùa",
        commune_code="03670",
        households=42,
        population=190,
        mobile_signal="none",
        fibre=True,
        mobile_broadband=False,
    ),
    "B004": dict(
        village_name="Bản Co Mạ",
        commune_code="03646",
        households=43,
        population=195,
        mobile_signal="2g",
        fibre=False,
        mobile_broadband=False,
    ),
    "B005": dict(
        village_name="Bản Đông",
        commune_code="03664",
        households=44,
        population=200,
        mobile_signal="4g",
        fibre=True,
        mobile_broadband=True,
    ),
    "B006": dict(
        village_name="Bản Ít",
        commune_code="03670",
        households=45,
        population=205,
        mobile_signal="5g",
        fibre=False,
        mobile_broadband=True,
    ),
}
#: The commune each corpus square stands for (official 2025 names).
COMMUNE_NAMES = {
    "03646": "Phường Tô Hiệu",
    "03664": "Phường Chiềng An",
    "03670": "Phường Chiềng Cơi",
}
_DTYPES = {
    "village_id": "string",
    "village_name": "string",
    "commune_code": "string",
    "households": "Int64",
    "population": "Int64",
    "mobile_signal": "string",
    "fibre": "boolean",
    "mobile_broadband": "bool",
}


def _load_kwargs(args: list[str]) -> dict[str, object]:
    """The :func:`slmap.model.load_coverage` arguments of ``slmap validate`` options."""
    options = {
        "--register": "register",
        "--boundaries": "boundaries",
        "--boundaries-layer": "layer",
        "--encoding": "encoding",
        "--rejects": None,
    }
    kwargs: dict[str, object] = {}
    it = iter(args)
    for arg in it:
        if arg == "--keep-going":
            kwargs["keep_going"] = True
            continue
        value = next(it)
        if options[arg] is not None:
            kwargs[options[arg]] = value
    return kwargs


def assert_loaded_values(args: list[str], case: Case) -> None:
    """Load the case's files as ``slmap validate`` does and check every village's values.

    The expected table is :data:`BASE_VALUES` with the case's edits, less the
    villages it rejects; names must be the same code points (so the same
    UTF-8 bytes), numbers and yes/no values the same types. Each village must
    lie in the commune its code names.
    """
    from slmap.model import load_coverage

    want = {
        vid: {**values, **case.values.get(vid, {})}
        for vid, values in BASE_VALUES.items()
        if vid not in case.rejected
    }
    got = load_coverage(**_load_kwargs(args)).villages
    got = got.sort_values("village_id").reset_index(drop=True)
    expected = pd.DataFrame([{"village_id": k, **v} for k, v in sorted(want.items())])
    expected = expected[list(_DTYPES)].astype(_DTYPES)
    pd.testing.assert_frame_equal(got[list(_DTYPES)], expected, check_exact=True)
    by_id = got.set_index("village_id")
    for vid, edits in case.values.items():  # coordinates given in the file, read exactly
        for axis in {"lon", "lat"} & set(edits):
            assert by_id.at[vid, axis] == edits[axis], (vid, axis, by_id.at[vid, axis])
            assert not by_id.at[vid, "location_estimated"], vid
    names = [n.encode("utf-8") for n in got["village_name"]]
    assert names == [str(v["village_name"]).encode("utf-8") for _, v in sorted(want.items())]
    assert list(got["commune_name"]) == [COMMUNE_NAMES[c] for c in got["commune_code"]]


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
