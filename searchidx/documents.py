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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import readers
from .errors import DocumentError
from .folders import is_index_folder

TEXT_SUFFIXES = frozenset({".txt", ".text"})
# Larger files are skipped: a «document» of this size is a data dump, not prose.
MAX_FILE_BYTES = 64 * 1024 * 1024
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
# A file is damaged UTF-8 rather than another encoding when at most this share
# of its bytes is undecodable.
_MAX_DAMAGED_SHARE = 0.01


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


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, list[str]]:
    """Decode file bytes to text; return the text and warnings about damage.

    >>> decode_text("سوريا".encode("cp1256"))
    ('سوريا', [])
    """
    if encoding:
        try:
            return data.decode(encoding), []
        except (LookupError, UnicodeDecodeError) as error:
            raise DocumentError(f"cannot decode as {encoding}: {error}") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), []
            except UnicodeDecodeError:
                raise DocumentError(
                    f"starts with a {name} byte order mark but is not {name}"
                ) from None
    if b"\x00" in data:
        text = _decode_utf16_without_bom(data)
        if text is None:
            raise DocumentError("binary data, not text")
        return text, []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    if damaged <= max(1, len(data) * _MAX_DAMAGED_SHARE):
        return text, [f"{damaged} undecodable byte sequence(s) replaced with \ufffd"]
    text = data.decode("cp1256", errors="replace")
    if _looks_like_arabic(text):
        return text, []
    raise DocumentError("not UTF-8 or Windows-1256 text; use --encoding to name the encoding")


def _decode_utf16_without_bom(data: bytes) -> str | None:
    # Without a byte order mark, UTF-16 shows itself by its NULs: the high byte
    # of every Latin character is 0, so one half of the bytes (odd for little-
    # endian, even for big-endian) is largely NUL and the other almost never.
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    halves = len(data) // 2 or 1
    for nuls, name in ((odd_nuls, "utf-16-le"), (even_nuls, "utf-16-be")):
        if nuls > halves * 0.3 and min(even_nuls, odd_nuls) < halves * 0.05:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                return None
            return text if text.isprintable() or _looks_like_text(text) else None
    return None


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for char in text if char < " " and char not in "\t\n\r\f")
    return controls <= len(text) * 0.01


def _looks_like_arabic(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    arabic = sum(1 for char in letters if "\u0600" <= char <= "\u06ff")
    return bool(letters) and arabic >= len(letters) * 0.3 and _looks_like_text(text)


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
    data = _read_bytes(path)
    read = readers.READERS.get(path.suffix.lower(), read_text)
    documents = []
    for result in read(data, options):
        paragraphs, warnings = _number_paragraphs(result.blocks)
        if paragraphs:
            title = result.title or path.name
            documents.append(Document(path, doc_id, title, paragraphs, result.warnings + warnings))
    if not documents:
        raise DocumentError("no text")
    return documents


def read_text(data: bytes, options: readers.ReaderOptions) -> list[readers.ReadResult]:
    """The reader of plain text files: decode, then split at blank lines."""
    text, warnings = decode_text(data, options.encoding)
    blocks = split_paragraphs(text)
    return [readers.ReadResult(title_of(blocks), [readers.Block(b) for b in blocks], warnings)]


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


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DocumentError(f"larger than the {MAX_FILE_BYTES / 2**20:g} MB limit")
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


def find_files(root: Path) -> Iterator[Path]:
    """Yield every file under ``root`` (a file or folder), sorted.

    Hidden files and folders are left out, and so are searchidx's own index
    folders; symbolic links to folders are not followed, so a link loop cannot
    trap the walk.
    """
    if not root.is_dir():
        yield root
        return
    if is_index_folder(root):
        return
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and not is_index_folder(Path(folder, name))
        )
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder, name)
