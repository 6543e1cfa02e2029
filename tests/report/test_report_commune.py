"""``report --commune`` resolves names as the queries do, and says how under the title."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from slmap.base.errors import InputError
from slmap.report import report_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not __import__("os").environ.get("CI"),
    reason="poppler-utils (pdftotext) not installed",
)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return out.stdout.decode("utf-8")


def test_pre_2025_name_gives_its_successor_pages_with_the_note(sample_model, tmp_path):
    old = _text(report_pdf(sample_model, commune="Chiềng Ngần"), tmp_path)
    new = _text(report_pdf(sample_model, commune="Phường Chiềng Sinh"), tmp_path)
    assert "Phường Chiềng Sinh (03679)" in old
    assert "Xã Chiềng Ngần (03673, 2025-03 layout) → merged into Phường Chiềng Sinh" in old
    assert "Chiềng Ngần" not in new
    assert old.count("\f") == new.count("\f")


def test_ambiguous_start_lists_the_candidates(sample_model):
    with pytest.raises(InputError) as err:
        report_pdf(sample_model, commune="muong")
    line = err.value.lines()[0]
    assert line.startswith("option --commune: ") and "Xã Mường La (" in line
