"""Text: decoding file bytes, splitting text into paragraphs, the size limits,
and which files hold records.

Decoding needs no help for UTF-8 (with or without BOM), UTF-16/32 with a BOM,
and Windows-1256, the legacy Arabic code page, nor for a file whose lines mix
the last two; ``encoding=`` forces one. A
paragraph is a block of text between blank lines, its characters exactly what
the file holds, so search offsets point into it. Every reader of a text format
decodes with :func:`decode_text` and splits with :func:`split_paragraphs`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from typing import NamedTuple

from .errors import DocumentError

# Files of records (JSON Lines, JSON, CSV): each record a document of its own,
# with its own title, numbering its paragraphs from 1.
RECORD_SUFFIXES = frozenset({".jsonl", ".json", ".csv"})
# Larger files are skipped: a «document» of this size is a data dump, not prose.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A zip archive that unpacks to more than this is refused: a zip bomb, not a document.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# Longer paragraphs are cut at the nearest line or sentence end, so that one
# runaway block cannot dominate memory or snippets.
MAX_PARAGRAPH_CHARS = 20_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A pattern, not a compiled one: a search never splits text, and re compiles it
# on its first use.
_BLANK_LINES = r"\n[ \t\u00a0\u200e\u200f\ufeff]*\n\s*"
# A file with undecodable bytes is damaged UTF-8 when its valid multi-byte
# characters outnumber its damaged sequences this many times over: in text of
# another encoding (Windows-1256 Arabic above all) valid multi-byte sequences
# are rare accidents, and nearly every non-ASCII byte is undecodable.
_UTF8_EVIDENCE_RATIO = 2
# Without that evidence, text that is not Arabic is still read as damaged
# UTF-8 when at most this share of its bytes is undecodable.
_MAX_DAMAGED_SHARE = 0.01
# Decoded text is implausible when more than this share of its characters are
# control, unassigned or private-use characters...
_MAX_CONTROL_SHARE = 0.01
# ...or, where most non-ASCII characters are Arabic, when more than this share
# of them belong neither to the Arabic script nor to the punctuation written
# with it: the mark of a wrong decoding.
_MAX_UNRELATED_SHARE = 0.05
# ...or when more than this share of its letters are accented Latin ones
# (À to ÿ): what Arabic from a legacy code page becomes when read as Latin-1;
# French or German prose has a few in a hundred.
_MAX_ACCENTED_SHARE = 0.4
_UTF8_ARABIC_PAIR = re.compile(b"[\xd8-\xdb][\x80-\xbf]")
# A line read as Windows-1256 amid UTF-8 must hold an Arabic word of two letters
# or more: a stray byte in damaged UTF-8 reads as a lone letter.
_ARABIC_WORD = re.compile("[\u0621-\u064a]{2}")
# What a file whose lines mix the two encodings is recorded as decoded with.
_MIXED_ENCODING = "utf-8+cp1256"
_PUNCTUATION_BESIDE_ARABIC = frozenset("«»\u00a0\u00a9\u00b0\u00d7\u00f7\u2022\u2026")


class Decoded(NamedTuple):
    """Text decoded from a file's bytes, the codec that decoded it, and warnings about damage."""

    text: str
    encoding: str
    warnings: list[str]


def decode_text(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode file bytes to text, detecting the encoding unless ``encoding`` names one.

    >>> decode_text("سوريا".encode("cp1256"))
    Decoded(text='سوريا', encoding='cp1256', warnings=[])
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as error:
            raise DocumentError(f"cannot decode as {encoding}: {error}") from None
        doubt = implausible(text)
        if doubt:
            raise DocumentError(
                f"decoded as {encoding} the text has {doubt}; check the --encoding given"
            )
        return Decoded(text, codec_name(encoding), [])
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name, [])
            except UnicodeDecodeError:
                if bom != codecs.BOM_UTF8:
                    raise DocumentError(
                        f"starts with a {name} byte order mark but is not {name}"
                    ) from None
            # UTF-8 after its mark, but for lines added in Windows-1256 or a damaged
            # byte: read on as a file without the mark is.
            data = data[len(bom) :]
            break
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    evidence = _is_damaged_utf8(text)
    if not evidence:
        legacy = data.decode("cp1256", errors="replace")
        if _reads_as_arabic(data, legacy):
            return Decoded(legacy, "cp1256", [])
    # Neither throughout: perhaps lines of both, as when an editor saving UTF-8
    # adds to a Windows-1256 file.
    mixed = _decode_by_line(data, text)
    if mixed and not implausible(mixed.text):
        return mixed
    # A valid character or two amid much damage is chance, as in another code page.
    if evidence or damaged <= max(1, len(data) * _MAX_DAMAGED_SHARE):
        return Decoded(text, "utf-8", _damage_warnings(damaged))
    raise DocumentError("not UTF-8 or Windows-1256 text; use --encoding to name the encoding")


def _is_damaged_utf8(text: str) -> bool:
    """Whether ``text``, a UTF-8 reading with \ufffd for what did not decode, has
    more valid multi-byte characters than damage: see _UTF8_EVIDENCE_RATIO."""
    damaged = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - damaged
    return valid >= damaged * _UTF8_EVIDENCE_RATIO


def _damage_warnings(damaged: int) -> list[str]:
    return [f"{damaged} undecodable byte sequence(s) replaced with \ufffd"] if damaged else []


def _decode_by_line(data: bytes, utf8: str) -> Decoded | None:
    """Decode each line of ``data`` on its own, or None unless lines of both
    UTF-8 and Windows-1256 are found; ``utf8`` is its UTF-8 reading with \ufffd.

    A line is UTF-8 when it decodes as UTF-8 or mostly does, Windows-1256 when
    that reads as Arabic, else UTF-8 with \ufffd. Such a file is one an editor
    added to in the other encoding. Lines, not paragraphs: added text need not
    start after a blank line, and a newline is the byte 0A in both encodings,
    never part of another character, so cutting there splits no letter.

    >>> old, added = "ارتفع سعر الخبز".encode("cp1256"), "عاد الخبز".encode()
    >>> decode_text(old + b"\\n" + added).text
    'ارتفع سعر الخبز\\nعاد الخبز'
    """
    lines = []
    counts: Counter[str] = Counter()
    damaged = 0
    # The newline is a character of its own in the UTF-8 reading too, so its lines
    # are those of the bytes, and only the lines with \ufffd need reading again.
    for line, text in zip(data.split(b"\n"), utf8.split("\n"), strict=True):
        if "\ufffd" in text:
            text, reading = _decode_line(line)
        else:
            reading = "ascii" if text.isascii() else "utf-8"
        lines.append(text)
        counts[reading] += 1
        damaged += text.count("\ufffd") if reading == "damaged" else 0
    if not counts["utf-8"] or not counts["cp1256"]:
        return None
    mixing = (
        f"mixes two encodings: {counts['utf-8'] + counts['damaged']} line(s) read as UTF-8, "
        f"{counts['cp1256']} as Windows-1256"
    )
    return Decoded("\n".join(lines), _MIXED_ENCODING, [mixing, *_damage_warnings(damaged)])


def _decode_line(line: bytes) -> tuple[str, str]:
    """A line's text and how it was read: "utf-8", "cp1256" or "damaged" (UTF-8)."""
    try:
        return line.decode("utf-8"), "utf-8"  # a \ufffd of its own
    except UnicodeDecodeError:
        pass
    text = line.decode("utf-8", errors="replace")
    if not _is_damaged_utf8(text):
        legacy = line.decode("cp1256", errors="replace")
        if _ARABIC_WORD.search(legacy) and _reads_as_arabic(line, legacy):
            return legacy, "cp1256"
    return text, "damaged"


def implausible(text: str) -> str:
    """What makes ``text`` look wrongly decoded, or "" when nothing does.

    >>> implausible("مرحبا")
    ''
    >>> implausible("ظ…ط±ط­ط¨ط§")   # UTF-8 Arabic read as Windows-1256
    '3 of 10 non-ASCII characters from other scripts'
    """
    # Counted per distinct character: a megabyte of text has a few hundred.
    counts = Counter(text)
    controls = _control_count(counts)
    # A C1 control (U+0080 to U+009F) is not written in text: even one is the mark of
    # bytes read in the wrong code page, as UTF-8 Arabic amid English read as Latin-1.
    c1 = sum(n for char, n in counts.items() if "\x80" <= char <= "\x9f")
    if controls > len(text) * _MAX_CONTROL_SHARE or c1:
        return f"{controls} control or unassigned characters"
    foreign, arabic, unrelated = _non_ascii_profile(counts)
    if arabic >= foreign / 2 and unrelated > max(1, foreign * _MAX_UNRELATED_SHARE):
        return f"{unrelated} of {foreign} non-ASCII characters from other scripts"
    letters = sum(n for char, n in counts.items() if char.isalpha())
    accented = sum(n for char, n in counts.items() if "\u00c0" <= char <= "\u00ff")
    if accented > letters * _MAX_ACCENTED_SHARE:
        return f"{accented} of {letters} letters accented Latin ones (Arabic in a Latin code page?)"
    return ""


def _reads_as_arabic(data: bytes, legacy: str) -> bool:
    """Whether ``legacy``, the Windows-1256 reading of ``data``, is Arabic without a flaw.

    Its non-ASCII characters must be mostly Arabic, and (nearly) none of them
    from other scripts or halves of UTF-8 Arabic: UTF-8 writes an Arabic letter
    as a byte D8-DB and a byte 80-BF, in Windows-1256 ط ظ ع غ before a rare sign.
    """
    counts = Counter(legacy)
    foreign, arabic, unrelated = _non_ascii_profile(counts)
    flaws = unrelated + len(_UTF8_ARABIC_PAIR.findall(data))
    return (
        arabic >= foreign / 2 > 0
        and flaws <= foreign * _MAX_UNRELATED_SHARE
        and _control_count(counts) <= len(legacy) * _MAX_CONTROL_SHARE
    )


def _non_ascii_profile(counts: Counter) -> tuple[int, int, int]:
    """How many characters are non-ASCII, Arabic, and neither Arabic nor written with it."""
    foreign = arabic = unrelated = 0
    for char, n in counts.items():
        if char >= "\x80":
            foreign += n
            arabic += n if _is_arabic(char) else 0
            unrelated += 0 if _belongs_beside_arabic(char) else n
    return foreign, arabic, unrelated


def _control_count(counts: Counter) -> int:
    return sum(
        n
        for char, n in counts.items()
        if char not in "\t\n\r\f" and unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs")
    )


def _is_arabic(char: str) -> bool:
    return (
        "\u0600" <= char <= "\u06ff"
        or "\u0750" <= char <= "\u077f"
        or "\ufb50" <= char <= "\ufdff"
        or "\ufe70" <= char <= "\ufefe"
    )


def _belongs_beside_arabic(char: str) -> bool:
    return (
        _is_arabic(char)
        or char in _PUNCTUATION_BESIDE_ARABIC
        # spaces, invisible marks, dashes, quotation marks
        or unicodedata.category(char) in ("Zs", "Cf", "Pd", "Pi", "Pf")
    )


def codec_name(encoding: str) -> str:
    """The codec's canonical name: ``codec_name("UTF8")`` is ``'utf-8'``."""
    return codecs.lookup(encoding).name


def _decode_utf16_without_bom(data: bytes) -> Decoded:
    # Without a byte order mark, UTF-16 shows itself by its high bytes (odd
    # bytes for little-endian, even for big-endian): they name the character's
    # block, so nearly all are 0 (Latin) or 6 (Arabic), while the low bytes vary.
    even, odd = data[0::2], data[1::2]
    for high, low, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if _few_values(high) and not _few_values(low):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                break
            if not implausible(text):
                return Decoded(text, name, [])
            break
    fewer, more = sorted((even.count(0), odd.count(0)))
    if more > len(odd) * 0.05 and fewer < more * 0.05:
        # NULs on one side only: perhaps UTF-16 of a script not recognised here.
        raise DocumentError(
            "binary data, or UTF-16 text without a byte order mark; "
            "if it is text, try --encoding utf-16-le (or utf-16-be)"
        )
    raise DocumentError("binary data, not text")


def _few_values(half: bytes) -> bool:
    """Whether two byte values make up nearly all of ``half``."""
    counts = sorted((half.count(value) for value in set(half)), reverse=True)
    return sum(counts[:2]) >= len(half) * 0.9


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; each keeps its original characters.

    >>> split_paragraphs("عنوان\\n\\nفقرة أولى.\\nتكملة.\\n\\n\\nفقرة ثانية.")
    ['عنوان', 'فقرة أولى.\\nتكملة.', 'فقرة ثانية.']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in re.split(_BLANK_LINES, text) if block.strip()]


def cut_long_paragraph(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """Cut a runaway paragraph into pieces of at most ``limit`` characters,
    at a line, sentence, clause or word end where there is one."""
    pieces = []
    while len(text) > limit:
        cut = _cut_point(text, limit)
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return [*pieces, text] if text else pieces


def _cut_point(text: str, limit: int) -> int:
    for separator in ("\n", ".", "؟", "?", "!", "،", " "):
        cut = text.rfind(separator, limit // 2, limit)
        if cut > 0:
            return cut + 1
    return limit


def collapse_spaces(text: str) -> str:
    """Text on one line, its runs of whitespace made single spaces, as a heading or title shows.

    >>> collapse_spaces("  الفصل\\n\\tالأول ")
    'الفصل الأول'
    """
    return " ".join(text.split())
