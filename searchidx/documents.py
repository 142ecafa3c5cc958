"""Documents: finding files, decoding them and splitting them into paragraphs.

Plain text (``.txt``, and files asked for with ``include``) is read here: a
paragraph is a block of text between blank lines, its stored text exactly what
the file holds (after decoding), so search offsets point into it. Every
paragraph is indexed, a heading included; a document's title is its first
line, else its file name. Other formats (HTML, Markdown, Word, EPUB, JSON
Lines, JSON, CSV) have a reader each in :mod:`searchidx.readers`, which yield
the same paragraphs with a locator (section, chapter, record).

Decoding needs no help for UTF-8 (with or without BOM), UTF-16/32 with a BOM,
and Windows-1256, the legacy Arabic code page; ``encoding=`` forces one.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import readers
from .errors import DocumentError
from .index.folders import is_index_folder

TEXT_SUFFIXES = frozenset({".txt", ".text"})
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
_BLANK_LINES = re.compile(r"\n[ \t\u00a0\u200e\u200f\ufeff]*\n\s*")
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
_PUNCTUATION_BESIDE_ARABIC = frozenset("«»\u00a0\u00a9\u00b0\u00d7\u00f7\u2022\u2026")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document: its number from 1, text and locator."""

    number: int
    text: str
    locator: str = ""


@dataclass
class Document:
    """A readable file: its id relative to the indexed root, title and paragraphs."""

    path: Path
    doc_id: str
    title: str
    paragraphs: list[Paragraph]
    warnings: list[str] = field(default_factory=list)
    # How the file was decoded: "utf-8", "cp1256"...; "" for DOCX and EPUB.
    encoding: str = ""


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
                raise DocumentError(
                    f"starts with a {name} byte order mark but is not {name}"
                ) from None
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", errors="ignore")) - damaged
    damage_warning = [f"{damaged} undecodable byte sequence(s) replaced with \ufffd"]
    if valid >= damaged * _UTF8_EVIDENCE_RATIO:
        return Decoded(text, "utf-8", damage_warning)
    legacy = data.decode("cp1256", errors="replace")
    if _reads_as_arabic(data, legacy):
        return Decoded(legacy, "cp1256", [])
    if valid or damaged <= max(1, len(data) * _MAX_DAMAGED_SHARE):
        return Decoded(text, "utf-8", damage_warning)
    raise DocumentError("not UTF-8 or Windows-1256 text; use --encoding to name the encoding")


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
    if controls > len(text) * _MAX_CONTROL_SHARE:
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
    return [block.strip() for block in _BLANK_LINES.split(text) if block.strip()]


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


def title_of(paragraphs: list[str]) -> str:
    """A text file's title: its first line when that is short enough, else ""."""
    first_line = paragraphs[0].splitlines()[0].strip() if paragraphs else ""
    return first_line if len(first_line) <= 200 else ""


def read_documents(
    path: Path, doc_id: str, options: readers.ReaderOptions | None = None
) -> list[Document]:
    """Read one file into its documents: one, or one per record of a JSON or CSV file.

    Raises :class:`DocumentError` with a one-line reason if it cannot be read.
    """
    options = options or readers.ReaderOptions()
    data = _read_bytes(path, options.max_file_bytes)
    read = readers.READERS.get(path.suffix.lower(), read_text)
    documents = []
    results = read(data, options)
    for result in results:
        paragraphs, warnings = _number_paragraphs(result.blocks)
        if paragraphs:
            title = result.title or path.name
            warnings = result.warnings + warnings
            documents.append(
                Document(path, doc_id, title, paragraphs, warnings, results[0].encoding)
            )
    if not documents:
        raise DocumentError("no text")
    return documents


def read_text(data: bytes, options: readers.ReaderOptions) -> list[readers.ReadResult]:
    """The reader of plain text files: decode, then split at blank lines."""
    text, encoding, warnings = decode_text(data, options.encoding)
    blocks = split_paragraphs(text)
    title = title_of(blocks)
    return [readers.ReadResult(title, [readers.Block(b) for b in blocks], warnings, encoding)]


def _number_paragraphs(blocks) -> tuple[list[Paragraph], list[str]]:
    paragraphs: list[Paragraph] = []
    warnings = []
    for block in blocks:
        pieces = cut_long_paragraph(block.text)
        if len(pieces) > 1:
            warnings.append(
                f"a paragraph of {len(block.text):,} characters was cut into "
                f"{len(pieces)} of at most {MAX_PARAGRAPH_CHARS:,}"
            )
        for piece in pieces:
            paragraphs.append(Paragraph(len(paragraphs) + 1, piece, block.locator))
    return paragraphs, warnings


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(too_large(size, max_bytes))
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(error.strerror or str(error)) from None
    if not data.strip():
        raise DocumentError("empty file")
    return data


def is_indexable(path: Path, options: readers.ReaderOptions) -> bool:
    """Whether a file is of a format searchidx reads, or asked for with ``include``."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix in readers.READERS:
        return True
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in options.include)


def too_large(size: int, limit: int) -> str:
    """Why a file is not read: its size against the limit.

    >>> too_large(70 * 2**20, 64 * 2**20)
    'larger than the 64 MB limit (70 MB)'
    """
    return f"larger than the {human_size(limit)} limit ({human_size(size)})"


def human_size(size: int) -> str:
    """A byte count as people write it, in powers of 1024: ``500 KB``, ``1.5 GB``."""
    for unit, name in ((2**40, "TB"), (2**30, "GB"), (2**20, "MB"), (2**10, "KB")):
        if size >= unit:
            return f"{size / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} byte" if size == 1 else f"{size} bytes"


def find_files(
    root: Path, hidden: bool = False, left_out: list[Path] | None = None
) -> Iterator[Path]:
    """Yield every file under ``root`` (a file or folder), sorted.

    Hidden files and folders (names starting with a dot) are left out unless
    ``hidden``, and added to ``left_out``; a hidden folder is not walked. A
    ``root`` is never left out. searchidx's own index folders are skipped
    silently. Symbolic links to folders are not followed, so a link loop
    cannot trap the walk.
    """
    if not root.is_dir():
        yield root
        return
    if is_index_folder(root):
        return
    for folder, subfolders, files in os.walk(root):
        if not hidden:
            left_out_here = [name for name in subfolders + files if name.startswith(".")]
            if left_out is not None:
                left_out.extend(Path(folder, name) for name in sorted(left_out_here))
            subfolders[:] = [name for name in subfolders if name not in left_out_here]
            files = [name for name in files if name not in left_out_here]
        subfolders[:] = sorted(
            name for name in subfolders if not is_index_folder(Path(folder, name))
        )
        for name in sorted(files):
            yield Path(folder, name)
