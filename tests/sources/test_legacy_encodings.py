"""VNI Windows, TCVN3 (ABC) and cp1258 registers are told apart, and the advice fits each.

The files are built byte by byte from known Vietnamese text, the way each
legacy encoding writes it.
"""

from __future__ import annotations

import pytest

from corpus._build import cp1258_bytes, csv_text, register, tcvn3_bytes, vni_bytes
from slmap.base.errors import InputError
from slmap.sources import read_register
from slmap.sources.encodings import VNI, decode_text, sniff_legacy

TEXT = csv_text(register())
NAMES = "Bản Nà Tấu, Xã Chiềng Ơn, Mường La, Huổi Một, Đồng Kết, Nậm Ty, Sốp Cộp, Quỳnh Nhai"
ENCODERS = {"vni": vni_bytes, "tcvn3": tcvn3_bytes, "cp1258": cp1258_bytes}


def test_vni_bytes_are_the_documented_sequences():
    # VNI writes a base letter then a Latin-1 mark byte; ơ/ư/đ are single bytes.
    assert vni_bytes("Bản") == b"Ba\xfbn"
    assert vni_bytes("Tấu") == b"Ta\xe1u"
    assert vni_bytes("Nà") == b"Na\xf8"
    assert vni_bytes("Mường") == b"M\xf6\xf4\xf8ng"
    assert vni_bytes("Đồng") == b"\xd1o\xe0ng"
    assert vni_bytes("Ặ") == b"A\xcb"
    # every letter round-trips through the table
    inverse = {v: k for k, v in VNI.items()}
    assert len(inverse) == 134  # 67 lower-case letters and their capitals


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@pytest.mark.parametrize("text", [TEXT, NAMES])
def test_each_legacy_encoding_is_named(encoding, text):
    assert sniff_legacy(ENCODERS[encoding](text)) == encoding


def test_ascii_and_unknown_bytes():
    assert sniff_legacy(b"village_id,village_name\nB1,Ban Na\n") is None
    assert sniff_legacy(bytes(range(0x80, 0x100)) * 3) == "unsure"


def _read(tmp_path, data: bytes, *args):
    path = tmp_path / "villages.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_register(path, *args)
    return str(info.value)


def test_vni_register_is_diagnosed_as_vni_with_the_right_converter(tmp_path):
    message = _read(tmp_path, vni_bytes(TEXT))
    assert "villages.csv" in message and "not UTF-8" in message
    assert "VNI Windows" in message and "Unikey" in message
    assert "source VNI Windows" in message
    assert "TCVN3 →" not in message and "TCVN3 (ABC) →" not in message
    assert "--encoding cp1258" not in message


def test_vni_register_declared_as_a_western_encoding_is_still_vni(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_bytes(vni_bytes(TEXT))
    for declared in ("cp1252", "latin-1", "cp1258"):
        with pytest.raises(InputError, match=r"VNI Windows.*source VNI Windows"):
            read_register(path, encoding=declared)


def test_tcvn3_register_is_diagnosed_as_tcvn3(tmp_path):
    message = _read(tmp_path, tcvn3_bytes(TEXT))
    assert "TCVN3 (ABC)" in message and "source TCVN3 (ABC)" in message
    assert "VNI" not in message


def test_cp1258_register_is_told_to_pass_the_encoding(tmp_path):
    message = _read(tmp_path, cp1258_bytes(TEXT))
    assert "cp1258" in message and "--encoding cp1258" in message
    assert "Unikey" not in message
    path = tmp_path / "villages.csv"
    table = read_register(path, encoding="cp1258")
    assert "Bản Nà Tấu" in set(table.frame["village_name"])


def test_vni_in_an_excel_workbook_is_named(tmp_path):
    from corpus._build import write_xlsx

    frame = register()
    legacy = frame.map(lambda v: vni_bytes(v).decode("cp1252"))
    path = tmp_path / "vni_font.xlsx"
    write_xlsx(path, [list(frame.columns), *legacy.to_numpy().tolist()])
    with pytest.raises(InputError, match=r"vni_font\.xlsx: looks like VNI Windows"):
        read_register(path)


def test_unicode_text_is_never_flagged():
    text, enc, _ = decode_text(TEXT.encode("utf-8"), None, "ok.csv")
    assert enc == "utf-8" and "Bản Nà Tấu" in text
