"""``slmap report``: the static PDF report and the PNG map.

The PDF is read back with poppler's ``pdftotext``/``pdfinfo``/``pdffonts``
(and pypdf for the page count when it is installed): the text a reader can
search and copy must hold the Vietnamese names intact.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from slmap.cli import cli
from slmap.report import ROWS_FIRST, ROWS_MORE

pytestmark = pytest.mark.geodata

NEEDS_POPPLER = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not __import__("os").environ.get("CI"),
    reason="poppler-utils (pdftotext) not installed",
)


def _run(args: list[str]):
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


def _page_count(pdf: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
        return int(line.split()[1])
    return len(PdfReader(str(pdf)).pages)


def _pages_text(pdf: Path, layout: bool = False) -> list[str]:
    """The text of each page; ``layout`` keeps the page's reading order (rows of a table)."""
    flags = ["-layout"] if layout else []
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *flags, str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _uncovered(model) -> pd.DataFrame:
    villages = model.villages
    return villages.loc[~villages["mobile_broadband"].astype(bool)]


@pytest.fixture(scope="module")
def sample_report(shared_geodata: Path, tmp_path_factory: pytest.TempPathFactory):
    """The full report of the sample, built once through the CLI."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SLMAP_DATA_DIR", str(shared_geodata / "upstream"))
    mp.setenv("SLMAP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    out = tmp_path_factory.mktemp("report") / "r.pdf"
    try:
        result = _run(["--out", str(out)])
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    return out


@NEEDS_POPPLER
def test_one_page_per_commune_with_uncovered_villages(sample_report, sample_model):
    communes = _uncovered(sample_model)["commune_code"].nunique()
    assert communes > 1
    longest = _uncovered(sample_model)["commune_code"].value_counts().max()
    assert longest <= ROWS_FIRST  # so no commune of the sample needs a second page
    assert _page_count(sample_report) == 1 + communes


@NEEDS_POPPLER
def test_every_page_says_sample_data(sample_report):
    pages = _pages_text(sample_report)
    assert len(pages) == _page_count(sample_report)
    assert all("DỮ LIỆU MẪU" in page for page in pages)


@NEEDS_POPPLER
def test_vietnamese_names_extract_intact(sample_report, sample_model):
    pages = _pages_text(sample_report)
    text = "\n".join(pages)
    uncovered = _uncovered(sample_model)
    names = [n for n in uncovered["village_name"].astype(str) if len(n) <= 30]
    assert len(names) == len(uncovered)  # no sample name is cut in the table
    missing = [n for n in names if n not in text]
    assert not missing, missing[:5]
    communes = sample_model.communes.set_index("commune_code")["commune_name"]
    for code in uncovered["commune_code"].unique():
        title = f"{communes[code]} ({code})"
        assert sum(title in page for page in pages[1:]) == 1, title
    assert "Dữ liệu tính đến 31/12/2022" in pages[0]
    assert "Số bản chưa có băng rộng di động" in pages[0] or "Bản chưa có" in pages[0]


@NEEDS_POPPLER
def test_cover_figures_are_the_province_statistics(sample_report, sample_model):
    cover = _pages_text(sample_report)[0]
    province = sample_model.province.iloc[0]
    uncovered = _uncovered(sample_model)
    for value in (
        f"{int(province['villages']):,}".replace(",", "."),
        str(int(province["villages_no_mbb"])),
        f"{int(uncovered['households'].sum()):,}".replace(",", "."),
        f"{int(uncovered['population'].sum()):,}".replace(",", "."),
        f"{province['share_4g']:.2f} %".replace(".", ","),
        f"{province['fibre_hh_share']:.2f} %".replace(".", ","),
    ):
        assert value in cover, value


@NEEDS_POPPLER
def test_fonts_are_embedded_truetype(sample_report):
    fonts = subprocess.run(
        ["pdffonts", str(sample_report)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "DejaVuSans" in line and "TrueType" in line, line
        assert " yes yes " in line, line  # embedded, subset


@NEEDS_POPPLER
def test_one_commune_in_english(upstream_env, sample_model, tmp_path):
    counts = _uncovered(sample_model)["commune_code"].value_counts()
    code = counts.index[-1]
    name = sample_model.communes.set_index("commune_code").loc[code, "commune_name"]
    out = tmp_path / "one.pdf"
    result = _run(["--out", str(out), "--commune", code, "--lang", "en"])
    assert result.exit_code == 0, result.output
    pages = _pages_text(out)
    assert _page_count(out) == len(pages) == 2
    assert all("SAMPLE DATA" in page for page in pages)
    assert f"{name} ({code})" in pages[1]
    assert f"Villages without mobile broadband: {counts[code]}" in pages[1]


def test_unknown_commune_is_one_line(upstream_env, tmp_path):
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(cli, ["report", "--out", str(out), "--commune", "Atlantis"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors and "Atlantis" in errors[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def _long_register(path: Path, code: str, point) -> list[str]:
    """60 villages without mobile broadband and 5 with it, all at one point of ``code``.

    At one point every distance to a covered village is 0, so the priority
    order is the household order.
    """
    names = [f"Bản Nậm Ún {i:02d}" for i in range(60)]
    rows = [(f"{code}-{i:03d}", name, 100 + i, "none") for i, name in enumerate(names)]
    rows += [(f"{code}-{100 + i}", f"Bản Có Sóng {i}", 50, "4g") for i in range(5)]
    frame = pd.DataFrame(
        rows, columns=["village_id", "village_name", "households", "mobile_signal"]
    )
    frame = frame.assign(
        commune_code=code, lon=point.x, lat=point.y, population=frame["households"] * 4,
        fibre="no", grid_power="no",
    )  # fmt: skip
    frame.to_csv(path, index=False, encoding="utf-8")
    return names


@NEEDS_POPPLER
def test_long_table_continues_on_next_page(upstream_env, sample_model, tmp_path):
    commune = sample_model.communes.iloc[0]
    register = tmp_path / "villages.csv"
    names = _long_register(
        register, commune["commune_code"], commune.geometry.representative_point()
    )
    out = tmp_path / "long.pdf"
    result = _run(["--out", str(out), "--register", str(register)])
    assert result.exit_code == 0, result.output
    assert ROWS_FIRST < 60 <= ROWS_FIRST + ROWS_MORE
    pages = _pages_text(out, layout=True)
    assert _page_count(out) == len(pages) == 3
    assert not any("DỮ LIỆU MẪU" in page for page in pages)  # not the sample
    assert "tiếp theo, 2/2" in pages[2] and "tiếp theo" not in pages[1]
    on_first = [n for n in names if n in pages[1]]
    on_second = [n for n in names if n in pages[2]]
    assert len(on_first) == ROWS_FIRST and len(on_second) == 60 - ROWS_FIRST
    assert not set(on_first) & set(on_second)
    # by priority: most households first (same cost for every village here)
    shown = sorted(on_first, key=pages[1].index) + sorted(on_second, key=pages[2].index)
    assert shown == names[::-1]


def test_existing_out_is_refused_without_overwrite(upstream_env, tmp_path):
    out = tmp_path / "r.pdf"
    out.write_bytes(b"keep me")
    result = CliRunner().invoke(cli, ["report", "--out", str(out), "--commune", "sop cop"])
    assert result.exit_code != 0
    assert str(out) in result.output and "--overwrite" in result.output
    assert out.read_bytes() == b"keep me"
    result = _run(["--out", str(out), "--commune", "sop cop", "--overwrite"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]  # no temporary file left


def test_png_is_one_map_image(upstream_env, tmp_path):
    out = tmp_path / "map.png"
    result = _run(["--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width > height > 1000  # A4 landscape at 200 dpi
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "m.png"), "--commune", "x"])
    assert result.exit_code == 2 and "--commune" in result.output
