"""The page's CSV download guards formula cells exactly as slmap.base.formulas does."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest

from _browser import assert_clean, open_map, synthetic_model
from slmap.base.formulas import guard_cell
from slmap.page.answers import answers
from slmap.page.render import render_html

pytestmark = pytest.mark.browser

TRICKY = [
    "=1+1",
    "-5",
    "-",
    "+3.2e4",
    "@x",
    "\tA",
    "\rA",
    "'=x",
    "''=x",
    "'a",
    "'",
    "''",
    "Bản Mé",
    "",
    "+",
    "-.5",
    "1.",
    "-1.e5",
    "-1e",
    "--1",
    "-1-1",
    "=",
    " =1",
    "-\u0663",  # an Arabic-Indic digit: a number to Python's \d
    "-1\n",
    '=HYPERLINK("http://x")',
]


def _random_cells(n: int = 3000, seed: int = 20) -> list[str]:
    """Short strings over the characters the rule looks at."""
    rng = random.Random(seed)
    alphabet = "=+-@\t\r'0123456789.eE aBđ\u0663\n,\""
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(n)]


@pytest.fixture(scope="module")
def formula_model():
    """The synthetic model with formula-like names on the villages without broadband."""
    model = synthetic_model()
    names = model.villages["village_name"].tolist()
    for i, name in zip((0, 2, 4), ("=1+1", "'=x", "-5"), strict=True):
        names[i] = name
    model.villages["village_name"] = names
    return model


@pytest.fixture(scope="module")
def guard_page(browser_ready, formula_model, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "map.html"
    path.write_text(render_html(formula_model, lang="en"), encoding="utf-8")
    return path


def test_js_guard_is_the_python_rule(guard_page: Path) -> None:
    cells = TRICKY + _random_cells()

    def action(page):
        return page.evaluate("(cells) => cells.map(window.slmapGuardCell)", cells)

    guarded, report = open_map(guard_page, action)
    assert_clean(report)
    wrong = [
        (c, g, guard_cell(c)) for c, g in zip(cells, guarded, strict=True) if g != guard_cell(c)
    ]
    assert wrong == []
    assert guarded[: len(TRICKY)][:12] == [
        "'=1+1", "-5", "'-", "+3.2e4", "'@x", "'\tA", "'\rA", "''=x", "'''=x", "'a", "'", "''",
    ]  # fmt: skip


def test_csv_download_guards_every_cell(guard_page: Path, formula_model) -> None:
    table = answers(formula_model)["csv"]

    def action(page):
        return page.evaluate("window.slmapAnswers.csvText('province')")

    text, report = open_map(guard_page, action)
    assert_clean(report)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == [guard_cell(h) for h in table["header"]]
    assert rows[1:] == [[guard_cell(v) for v in row] for row in table["rows"]]
    names = {row[table["header"].index("village_name")] for row in rows[1:]}
    assert {"'=1+1", "''=x", "-5"} <= names
