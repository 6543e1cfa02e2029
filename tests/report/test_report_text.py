"""Every string the report draws is drawn as written: no maths parsing of ``$`` and friends.

matplotlib reads text between two ``$`` as mathtext ("Bản Giá $5 và $10" came
out as "Bản Giá 5và10"), and a lone ``$...^$`` raised. The names below go
through every kind of text the report draws: titles, subtitles, table cells,
footers (the file names), and the PNG map.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from _models import make_model
from slmap.report import report_pdf, report_png

NEEDS_POPPLER = pytest.mark.skipif(
    shutil.which("pdftotext") is None and not __import__("os").environ.get("CI"),
    reason="poppler-utils (pdftotext) not installed",
)

#: Village names, one per uncovered village of the model, each with maths syntax.
VILLAGES = {
    "V01": "Bản Giá $5 và $10",
    "V02": r"Bản \alpha_1 ^2",
    "V04": "Bản {Nà} 50% $x^$",
    "V08": r"Bản $\frac{a}{b}$",
    "V09": "Bản A_b^c $$",
}
COMMUNE = "Xã $Sốp$ Cộp_{1}"
DISTRICT = r"Huyện \Sốp $Cộp$"
REGISTER = "bản_$x^$_{y}%.csv"


def _hostile_model():
    model = make_model()
    villages = model.villages
    for vid, name in VILLAGES.items():
        villages.loc[villages["village_id"] == vid, "village_name"] = name
    communes = model.communes
    at = communes["commune_code"] == "04285"
    communes.loc[at, "commune_name"] = COMMUNE
    communes.loc[at, "district_name"] = DISTRICT
    model.provenance.register = f"/data/{REGISTER}"
    return model


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


@NEEDS_POPPLER
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pdf_text_holds_every_name_verbatim(tmp_path, lang):
    text = _text(report_pdf(_hostile_model(), lang=lang), tmp_path)
    flat = " ".join(text.split())
    for name in [*VILLAGES.values(), COMMUNE, DISTRICT, REGISTER]:
        assert " ".join(name.split()) in flat, name


def test_png_map_with_maths_syntax_does_not_crash():
    data = report_png(_hostile_model(), dpi=40)
    assert data[:4] == b"\x89PNG"


def test_one_commune_pdf_with_maths_syntax(tmp_path):
    pdf = report_pdf(_hostile_model(), commune="04285")
    assert pdf[:5] == b"%PDF-"


def test_every_text_of_every_page_is_drawn_verbatim(monkeypatch):
    # Titles, cells, labels, legends (and their titles), annotations, footers: all of them.
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.text import Text

    figures, texts = [], []
    original = PdfPages.savefig

    def keep(self, figure=None, **kwargs):
        out = original(self, figure, **kwargs)
        figures.append(figure)  # after drawing, every text the page shows exists
        texts.extend(t for t in figure.findobj(Text) if t.get_visible() and t.get_text())
        return out

    monkeypatch.setattr(PdfPages, "savefig", keep)
    report_pdf(_hostile_model())
    assert len(figures) >= 2 and len(texts) > 50
    assert any(t.get_text() == VILLAGES["V01"] for t in texts)
    assert not [t.get_text() for t in texts if t.get_parse_math()]
