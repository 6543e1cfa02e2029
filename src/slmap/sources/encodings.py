"""Text encodings of register files: sniffing, and spotting legacy Vietnamese encodings.

Accepted: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with or
without BOM) and any encoding the user declares (cp1258 is the usual Windows
Vietnamese one). Refused with a message saying what to do: text in the TCVN3
(ABC) or VNI Windows font encodings (Python has no codec for them; the message
names the one found and the converter to use), binary files, UTF-8 read with a
legacy encoding.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from slmap.base.errors import InputError, Problem

__all__ = [
    "CP1258_MESSAGE",
    "LEGACY_MESSAGES",
    "TCVN3",
    "TCVN3_MESSAGE",
    "UNSURE_MESSAGE",
    "VNI",
    "VNI_MESSAGE",
    "decode_text",
    "legacy_bytes",
    "legacy_message",
    "looks_like_tcvn3",
    "sniff_legacy",
]

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
    "looks like TCVN3 (ABC) font encoding (letters show as ¶, µ, ¸, Ò, ª, ®...), which "
    "Python cannot decode; convert it to Unicode first (e.g. Unikey's converter, "
    "source TCVN3 (ABC) → destination Unicode)"
)
VNI_MESSAGE = (
    "looks like VNI Windows font encoding (letters show as 'aù', 'aø', 'eá', 'oà', 'ñ'...), "
    "which Python cannot decode; convert it to Unicode first (e.g. Unikey's converter, "
    "source VNI Windows → destination Unicode; a TCVN3 conversion would garble it)"
)
CP1258_MESSAGE = "looks like cp1258 (Windows Vietnamese); pass --encoding cp1258"
UNSURE_MESSAGE = (
    "looks like a legacy Vietnamese encoding that slmap cannot tell apart: cp1258 (pass "
    "--encoding cp1258), VNI Windows or TCVN3 (ABC) (neither can be decoded by Python: "
    "convert to Unicode first, e.g. with Unikey's converter, choosing as source the "
    "encoding in which the names read correctly)"
)
#: Message for each legacy encoding :func:`sniff_legacy` names.
LEGACY_MESSAGES = {
    "tcvn3": TCVN3_MESSAGE,
    "vni": VNI_MESSAGE,
    "cp1258": CP1258_MESSAGE,
    "unsure": UNSURE_MESSAGE,
}

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


def _vni_table() -> dict[bytes, str]:
    """VNI Windows byte sequences -> Unicode letter (lower case; capitals are derived).

    VNI writes a letter as its ASCII base followed by one Latin-1 byte for the
    vowel mark and tone together (â/ê/ô: á à å ã ä â; ă: é è ú ü ë ê), or for
    the tone alone (ù ø û õ ï); ơ/ư are single bytes (ô ö) followed by a tone
    byte; i, ỵ and đ have single bytes.
    """
    tones = dict(zip(_TONES, "øùõûï", strict=True))  # grave acute tilde hook dot
    hat = dict(zip(["", *_TONES], "âàáãåä", strict=True))
    breve = dict(zip(["", *_TONES], "êèéüúë", strict=True))
    table: dict[bytes, str] = {"ñ".encode("latin-1"): "đ", b"\xf4": "ơ", b"\xf6": "ư"}
    for letter in sorted(_VIETNAMESE):
        if not letter.islower() or letter == "đ":
            continue
        parts = unicodedata.normalize("NFD", letter)
        base, marks = parts[0], parts[1:]
        tone = next((m for m in marks if m in _TONES), "")
        if "\u0302" in marks:
            seq = base + hat[tone]
        elif "\u0306" in marks:
            seq = base + breve[tone]
        elif "\u031b" in marks:
            seq = {"o": "ô", "u": "ö"}[base] + tones.get(tone, "")
        elif base == "i":
            seq = dict(zip(_TONES, "ìíóæò", strict=True))[tone]
        elif letter == "ỵ":
            seq = "î"
        else:
            seq = base + tones[tone]
        table[seq.encode("latin-1")] = letter
    upper = {k.decode("latin-1").upper().encode("latin-1"): v.upper() for k, v in table.items()}
    return {**table, **upper}


#: VNI Windows (the "VNI-Times" fonts) byte sequence -> Unicode letter.
VNI: dict[bytes, str] = _vni_table()

_INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_CLOSED = "a ă â e ê i o ô ơ u ư y ia iê yê ua uô ưa ươ oa oă oe uê uy uâ uyê oo"
_OPEN = "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu uôi ươi ươu oai oay uây uya oeo"
_SYLLABLE = re.compile(
    f"(?:{_INITIAL})?(?:(?:{'|'.join(sorted(_OPEN.split(), key=len, reverse=True))})"
    f"|(?:{'|'.join(sorted(_CLOSED.split(), key=len, reverse=True))})(?:ch|ng|nh|c|m|n|p|t)?)"
)
_WORD = re.compile(r"[^\s,;|\t\"'()./\\:0-9_-]+")
_LEGACY_WORDS = 2000


def _syllable_ok(word: str) -> bool:
    """True when ``word`` is one Vietnamese syllable with at most one tone mark."""
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONES for c in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _decode_tcvn3(raw: bytes) -> str:
    return "".join(chr(b) if b < 0x80 else TCVN3.get(b, "\ufffd") for b in raw)


def _decode_vni(raw: bytes) -> str:
    out, i = [], 0
    while i < len(raw):
        pair = raw[i : i + 2]
        if len(pair) == 2 and pair in VNI:
            out.append(VNI[pair])
            i += 2
        else:
            one = raw[i : i + 1]
            out.append(VNI.get(one, chr(raw[i]) if raw[i] < 0x80 else "\ufffd"))
            i += 1
    return "".join(out)


def _decode_cp1258(raw: bytes) -> str:
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))


_DECODERS = {"cp1258": _decode_cp1258, "tcvn3": _decode_tcvn3, "vni": _decode_vni}


def sniff_legacy(raw: bytes) -> str | None:
    """Name the legacy Vietnamese encoding of ``raw``: cp1258, vni, tcvn3, unsure or None.

    Each word holding bytes above 0x7F is decoded as cp1258, VNI Windows and
    TCVN3 (ABC); the encoding under which the most of them read as Vietnamese
    syllables (known initial, vowel and final, at most one tone) wins. When
    none reads well, or two read about as well, the answer is ``"unsure"``;
    ``None`` means no byte above 0x7F.

    Examples
    --------
    >>> sniff_legacy(b"Ba\\xd2n Na\\xcc T\\xe2\\xecu")  # base letter + combining tone
    'cp1258'
    >>> sniff_legacy(b"Ba\\xfbn Na\\xf8 Ta\\xe1u Chie\\xe0ng")
    'vni'
    >>> sniff_legacy(b"B\\xb6n N\\xb5 T\\xcau Chi\\xd2ng")
    'tcvn3'
    >>> sniff_legacy(b"village_id,name") is None
    True
    """
    words = [w for w in _WORD.findall(raw.decode("latin-1")) if not w.isascii()]
    words = words[:_LEGACY_WORDS]
    if not words:
        return None
    scores = {}
    for name, decode in _DECODERS.items():
        decoded = [decode(w.encode("latin-1")) for w in words]
        scores[name] = sum(_syllable_ok(d) for d in decoded) / len(decoded)
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best, second = ranked[0], ranked[1]
    if scores[best] < 0.6 or scores[best] - scores[second] < 0.2:
        return "unsure"
    return best


def legacy_bytes(text: str) -> bytes:
    """The bytes legacy text came from, when it was decoded as latin-1, cp1252 or cp1258.

    Characters no such decoding produces (genuine Unicode Vietnamese) become ``?``.

    Examples
    --------
    >>> legacy_bytes("Baûn Naø")
    b'Ba\\xfbn Na\\xf8'
    """
    out = bytearray()
    for ch in text:
        for enc in ("latin-1", "cp1252", "cp1258"):
            try:
                out += ch.encode(enc)
                break
            except UnicodeEncodeError:
                continue
        else:
            out += b"?"
    return bytes(out)


def legacy_message(text: str) -> str | None:
    """What to do when ``text`` is legacy-encoded Vietnamese shown as Western letters, or None.

    Text that holds genuine Unicode Vietnamese letters (beyond Latin-1) is
    never flagged.

    Examples
    --------
    >>> legacy_message("Bản Nà Tấu") is None
    True
    >>> legacy_message("B¶n Nµ TÊu, X· Chiªng").startswith("looks like TCVN3")
    True
    >>> legacy_message("Baûn Naø Taáu, Xaõ Chieàng").startswith("looks like VNI")
    True
    """
    text = text[:500_000]
    if text.isascii() or _genuine_unicode(text):
        return None
    found = sniff_legacy(legacy_bytes(text))
    if found in (None, "cp1258"):  # text that reads as cp1258 was decoded right
        return None
    return LEGACY_MESSAGES[found]


def _genuine_unicode(text: str) -> bool:
    """Vietnamese letters outside Latin-1 and cp1252/cp1258 outnumber legacy-looking ones."""
    beyond = sum(1 for c in text if ord(c) > 0xFF and c in _VIETNAMESE)
    latin = sum(1 for c in text if 0x80 <= ord(c) <= 0xFF and c not in _VIETNAMESE)
    return beyond > latin


def looks_like_tcvn3(text: str) -> bool:
    """Tell whether ``text`` is TCVN3 (ABC) text decoded as a Western encoding.

    Examples
    --------
    >>> looks_like_tcvn3("B¶n Nµ TÊu, X· Chiªng")
    True
    >>> looks_like_tcvn3("Bản Nà Tấu, Xã Chiềng"), looks_like_tcvn3("Baûn Naø Taáu")
    (False, False)
    """
    return legacy_message(text) == TCVN3_MESSAGE


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
    found = sniff_legacy(raw)
    if found is not None:
        return LEGACY_MESSAGES[found]
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
    message = legacy_message(text)
    if message is not None:
        raise InputError(f"{src}: {message}" + (f" (read as {enc})" if declared else ""))
    return text, enc, problems
