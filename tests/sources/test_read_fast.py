"""Registers read by pandas' C parser give the same cells as the :mod:`csv` reader."""

from __future__ import annotations

import pandas as pd
import pytest

from slmap.base.errors import InputError
from slmap.model.validate import check_register
from slmap.sources import csv_cells
from slmap.sources.tables import read_register

HEADER = "Mã bản,Tên bản,Mã xã,Số hộ,Số dân,Sóng,Cáp quang,Kinh độ,Vĩ độ\n"
CASES = {
    "quotes": HEADER + 'B1,"Bản Nà, Tấu",03646,"1,234",500,4G,có,,\n'
    'B2,"Bản ""Mới""",3646,80,300,4g,không,103.9,21.3\n',
    "crlf_blank_short": (HEADER + "B1,Bản A,03646,12,50,3g,x\r\n\r\nB2,Bản B,03646,7,20,none,\r\n"),
    "title_rows": "DANH SÁCH BẢN\nNăm 2024\n" + HEADER + "B1,Bản A,03646,12,50,4g,có,,\n",
    "spaces_nfd": HEADER + "  B1 ,Ba\u0309n  A\u0300\t,03646, 12 ,50,4g,Co\u0301,,\n"
    "B2,Bản\u00a0B,03646,7,20,2g,không,,\n",
    "newline_in_quotes": HEADER + 'B1,"Bản\nA",03646,12,50,4g,có,,\n',
    "wider_later_row": HEADER + "B1,Bản A,03646,12,50,4g,có,,\nB2,Bản B,03646,7,20,2g,không,,,x\n",
    "semicolons": HEADER.replace(",", ";") + "B1;Bản A;03646;12;50;4g;có;103,9;21,3\n",
}


def _read(path):
    table = read_register(path)
    typed, problems = check_register(table.frame, table.headers, table.source)
    return table, typed, [str(p) for p in problems]


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_reader_equals_csv_reader(name, tmp_path, monkeypatch) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(CASES[name], encoding="utf-8")
    fast = _read(path)
    monkeypatch.setattr(csv_cells, "fast_cells", lambda text, delimiter: None)
    slow = _read(path)
    pd.testing.assert_frame_equal(fast[0].frame, slow[0].frame)
    assert fast[0].headers == slow[0].headers
    assert [str(p) for p in fast[0].problems] == [str(p) for p in slow[0].problems]
    pd.testing.assert_frame_equal(fast[1], slow[1])
    assert fast[2] == slow[2]


def test_the_fast_reader_is_used_and_keeps_text(tmp_path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(HEADER + "007,NA,03646,012,50,4g,có,,\n", encoding="utf-8")
    cells = csv_cells.fast_cells(path.read_text(encoding="utf-8"), ",")
    assert cells is not None
    assert cells.iloc[1].tolist()[:4] == ["007", "NA", "03646", "012"]
    frame = read_register(path).frame
    assert frame["village_id"].tolist() == ["007"] and frame["village_name"].tolist() == ["NA"]


LONG = "x" * 300_000  # over the csv module's own 128 KiB field limit
REFUSED = {
    "stray_quote": (
        HEADER + "B1,Bản A,03646,12,50,4g,có,,\n"
        'B2,"Bản B,03646,7,20,2g,không,,\n'
        + "".join(f"B{i},Bản {i},03646,7,20,2g,không,,\n" for i in range(3, 23)),
        r"row 3, column 'Tên bản' \(B\): a quote \(\"\) opens a cell that runs over 21 lines",
    ),
    "quote_never_closed_with_crlf": (
        (
            HEADER
            + "B1,Bản A,03646,12,50,4g,có,,\n"
            + 'B2,"Bản B,03646,7,20,2g,không,,\n'
            + "B3,Bản C,03646,7,20,2g,không,,\n"
        ).replace("\n", "\r\n"),
        r"row 3, column 'Tên bản' \(B\): a quote \(\"\) opens a cell that runs over 2 lines",
    ),
    "cell_over_the_limit": (
        HEADER + f"B1,Bản A,03646,12,50,4g,có,,\nB2,Bản B,03646,7,20,2g,không,,{'y' * 1_048_577}\n",
        r"row 3, column 'Vĩ độ' \(I\): a cell of 1,048,577 characters; expected at most 1,048,576",
    ),
}


def test_a_long_cell_under_the_limit_reads_the_same_both_ways(tmp_path, monkeypatch) -> None:
    path = tmp_path / "long.csv"
    path.write_text(HEADER + f'B1,"{LONG}",03646,12,50,4g,có,,\n', encoding="utf-8")
    fast = read_register(path).frame
    monkeypatch.setattr(csv_cells, "fast_cells", lambda text, delimiter: None)
    slow = read_register(path).frame
    assert fast["village_name"].tolist() == [LONG]
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_both_readers_refuse_with_the_same_row_and_column(name, tmp_path, monkeypatch) -> None:
    text, message = REFUSED[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(InputError, match=message) as fast:
        read_register(path)
    monkeypatch.setattr(csv_cells, "fast_cells", lambda text, delimiter: None)
    with pytest.raises(InputError) as slow:
        read_register(path)
    assert str(fast.value) == str(slow.value)
