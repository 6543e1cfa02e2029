"""Text encodings of register files: sniffing, and spotting legacy Vietnamese encodings.

Accepted: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with or
without BOM) and any encoding the user declares (cp1258 is the usual Windows
Vietnamese one). Refused with a message saying what to do: text in the TCVN3
(ABC) font encoding, binary files, UTF-8 read with a legacy encoding.
"""

from __future__ import annotations

import codecs
import re

from slmap.errors import InputError, Problem

__all__ = ["TCVN3", "TCVN3_MESSAGE", "decode_text", "looks_like_tcvn3"]

#: TCVN3 (TCVN 5712:1993, "ABC" fonts such as .VnTime) byte -> Unicode letter.
#: Capital accented letters use the same bytes in a capitals-only font.
TCVN3: dict[int, str] = dict(
    zip(
        b"\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae"
        b"\xb5\xb6\xb7\xb8\xb9\xbb\xbc\xbd\xbe\xc6\xc7\xc8\xc9\xca\xcb"
        b"\xcc\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xdc\xdd\xde"
        b"\xdf\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee"
        b"\xef\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe",
        "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
        strict=True,
    )
)

TCVN3_MESSAGE = (
    "looks like TCVN3 (ABC) font encoding (letters show as ¶, µ, ¸, Ò, ª, ®...); "
    "convert to Unicode (e.g. with Unikey's converter, TCVN3 → Unicode) first"
)

_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


def _signature() -> frozenset[str]:
    """Characters TCVN3 bytes become when read as cp1252/latin-1/cp1258 and that
    never occur in Vietnamese Unicode text."""
    chars = set()
    for b in TCVN3:
        for enc in ("cp1252", "latin-1", "cp1258"):
            c = bytes([b]).decode(enc, errors="ignore")
            if c and c not in _VIETNAMESE and not c.isascii() and c.isprintable():
                chars.add(c)
    return frozenset(chars - {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "₫"})


_TCVN3_SIGNATURE = _signature()
_SIGNATURE_RE = re.compile("[" + re.escape("".join(sorted(_TCVN3_SIGNATURE))) + "]")


def looks_like_tcvn3(text: str) -> bool:
    """Tell whether ``text`` is TCVN3 (ABC) text decoded as a Western encoding.

    Examples
    --------
    >>> looks_like_tcvn3("B¶n Nµ TÊu, X· Chiªng")
    True
    >>> looks_like_tcvn3("Bản Nà Tấu, Xã Chiềng")
    False
    """
    text = text[:500_000]
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if not non_ascii:
        return False
    hits = len(_SIGNATURE_RE.findall(text))
    return hits >= 3 and hits >= 0.3 * non_ascii


def _utf16_without_bom(raw: bytes) -> str | None:
    head = raw[:4000]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _legacy_hint(raw: bytes) -> str:
    western = raw.decode("cp1252", errors="replace")
    if looks_like_tcvn3(western):
        return TCVN3_MESSAGE
    vn = raw.decode("cp1258", errors="replace")
    if sum(c in _VIETNAMESE or c in "\u0300\u0301\u0303\u0309\u0323" for c in vn) >= 3:
        return "looks like cp1258 (Windows Vietnamese); pass --encoding cp1258"
    return (
        "declare the encoding with --encoding (cp1258 is common for Vietnamese Windows "
        "files, utf-16 for Excel 'Unicode text')"
    )


def decode_text(raw: bytes, declared: str | None, src: str) -> tuple[str, str, list[Problem]]:
    """Decode the bytes of a CSV/TSV file.

    Parameters
    ----------
    raw : bytes
        The whole file.
    declared : str, optional
        Encoding the user declared (``--encoding``).
    src : str
        The file, for messages.

    Returns
    -------
    text, encoding, problems
        The text (BOM removed), the encoding used and warnings.

    Raises
    ------
    InputError
        Unknown or wrong encoding, binary content, or TCVN3 text.

    Examples
    --------
    >>> decode_text("Bản".encode("utf-8-sig"), None, "f.csv")[:2]
    ('Bản', 'utf-8-sig')
    """
    problems: list[Problem] = []
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            raise InputError(
                f"{src}: unknown encoding {declared!r} (try utf-8, cp1258, utf-16)"
            ) from None
        enc = declared
        if not name.startswith("utf"):
            try:
                as_utf8 = raw.decode("utf-8")
            except UnicodeDecodeError:
                as_utf8 = None
            if as_utf8 is not None and not as_utf8.isascii():
                raise InputError(
                    f"{src}: declared encoding {declared} but the file is UTF-8 (Vietnamese "
                    "letters would come out garbled); drop --encoding"
                )
    elif raw.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    elif b"\x00" in raw[:4000]:
        enc = _utf16_without_bom(raw) or ""
        if not enc:
            raise InputError(
                f"{src}: is a binary file, not CSV text; expected a CSV/TSV or Excel (.xlsx) file"
            )
        problems.append(
            Problem(
                src,
                f"no byte-order mark; read as {enc.upper()} (Excel 'Unicode text')",
                severity="warning",
                kind="encoding",
            )
        )
    else:
        enc = "utf-8"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        if enc != "utf-8":
            raise InputError(
                f"{src}: cannot be decoded as {enc} (byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start}); check --encoding"
            ) from None
        raise InputError(
            f"{src}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            + _legacy_hint(raw)
        ) from None
    text = text.lstrip("\ufeff")
    if looks_like_tcvn3(text):
        raise InputError(f"{src}: {TCVN3_MESSAGE}")
    return text, enc, problems
