"""Hostile commune names on the command line: every layout's names and codes, one rule.

The corpus boundaries draw three 2025 communes (Phường Tô Hiệu 03646, Phường
Chiềng An 03664, Phường Chiềng Cơi 03670). ``query`` and ``report`` resolve
``--commune`` the same way: pre-2025 names and codes carried forward with a
note, ambiguous names and the start of several names listing every
candidate, errors naming the option in one line, never a traceback.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from slmap.cli import cli

from ._build import csv_text, register


@pytest.fixture
def inputs(corpus_boundaries: Path, tmp_path: Path) -> list[str]:
    path = tmp_path / "villages.csv"
    # every village without mobile broadband, so every commune has rows to show
    path.write_text(csv_text(register().assign(Sóng="2G")), encoding="utf-8")
    return ["--boundaries", str(corpus_boundaries), "--register", str(path), "--no-cache"]


def _run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


#: (what is typed, code it resolves to, text the note must hold)
RESOLVED = [
    ("Phường Chiềng An", "03664", None),
    ("chieng an", "03664", None),
    ("3646", "03646", None),
    ("Xã Chiềng Xôm", "03664", "Xã Chiềng Xôm (03664, 2025-03 layout) → merged into"),
    ("03661", "03664", "Xã Chiềng Đen (03661, 2025-03 layout) → merged into"),
    ("Chiềng Đen", "03664", "→ merged into Phường Chiềng An (03664)"),
    ("Phường Chiềng Lề", "03646", "Phường Chiềng Lề (03646, 2025-03 layout) → merged into"),
]


@pytest.mark.parametrize(("typed", "code", "note"), RESOLVED)
def test_query_resolves_names_and_codes_of_every_layout(inputs, typed, code, note):
    result = _run(["query", "uncovered", *inputs, "--commune", typed, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines()[1:] if line]
    assert rows and all(f",{code}," in line for line in rows)


@pytest.mark.parametrize(("typed", "code", "note"), [r for r in RESOLVED if r[2]])
def test_query_table_shows_the_note(inputs, typed, code, note):
    result = _run(["query", "uncovered", *inputs, "--commune", typed])
    assert result.exit_code == 0, result.output
    assert note in result.stdout and "commune = Phường" in result.stdout


#: (what is typed, regexes the one error line must hold)
REFUSED = [
    ("muong", ["unknown commune 'muong'"]),  # no Mường commune is drawn here
    ("chieng", ["ambiguous", r"Phường Chiềng An \(03664, former district", "Phường Chiềng Cơi"]),
    ("Chiềng Ngần", ["Xã Chiềng Ngần", "no unit among the communes drawn"]),
    ("Thị trấn Mộc Châu", ["Thị trấn Mộc Châu", "no unit among the communes drawn"]),
    ("99999", ["unknown commune code '99999'"]),
    ("$5 {x} ^_%", ["unknown commune"]),
    ("   ", ["empty"]),
    ("03646;03664", ["unknown commune"]),
]


@pytest.mark.parametrize(("typed", "expect"), REFUSED)
@pytest.mark.parametrize("command", [["query", "uncovered"], ["query", "priority"], ["report"]])
def test_refused_in_one_line_naming_the_option(inputs, tmp_path, command, typed, expect):
    out = ["--out", str(tmp_path / "r.pdf")] if command == ["report"] else []
    result = _run([*command, *inputs, *out, "--commune", typed])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: option --commune: ")
    assert "column" not in errors[0] and "Traceback" not in result.output
    for pattern in expect:
        assert re.search(pattern, errors[0]), errors[0]


def test_report_takes_a_pre_2025_name(inputs, tmp_path):
    out = tmp_path / "r.pdf"
    result = _run(["report", *inputs, "--out", str(out), "--commune", "Xã Chiềng Xôm"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"


#: Village names with maths syntax: matplotlib must draw them as written.
MATHS_NAMES = [
    "Bản Giá $5 và $10",
    r"Bản \alpha_1 ^2",
    "Bản {Nà} 50% $x^$",
    r"Bản $\frac{a}{b}$",
    "Bản A_b^c $$",
    "Bản ~#&<>",
]


@pytest.fixture
def maths_inputs(corpus_boundaries: Path, tmp_path: Path) -> list[str]:
    frame = register().assign(Sóng="2G")
    frame["Tên bản"] = MATHS_NAMES
    path = tmp_path / "bản_$x^$.csv"
    path.write_text(csv_text(frame), encoding="utf-8")
    return ["--boundaries", str(corpus_boundaries), "--register", str(path), "--no-cache"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_report_draws_names_with_maths_syntax_verbatim(maths_inputs, tmp_path):
    out = tmp_path / "r.pdf"
    result = _run(["report", *maths_inputs, "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())
    for name in [*MATHS_NAMES, "bản_$x^$.csv"]:
        assert name in flat, name


def test_png_map_with_maths_syntax_in_a_file_name(maths_inputs, tmp_path):
    out = tmp_path / "r.png"
    result = _run(["report", *maths_inputs, "--out", str(out), "--format", "png"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"
