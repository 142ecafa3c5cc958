"""Documents: finding files, decoding them and splitting them into paragraphs.

A paragraph is a block of text between blank lines. Its stored text is exactly
what the file holds (after decoding), so search offsets point into it.
Every paragraph is indexed, a heading included; a document's title is its
Markdown heading or first line, else its file name.

Decoding needs no help for UTF-8 (with or without BOM), UTF-16/32 with a BOM,
and Windows-1256, the legacy Arabic code page; ``encoding=`` forces one.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
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
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+(.+?)\s*#*\s*$")
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
    # UTF-16 text has a NUL in every other byte for Latin, in the high byte of
    # Arabic only when the low byte is 0x06xx.. so look at which half holds NULs.
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
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        block = block.strip()
        if not block:
            continue
        while len(block) > MAX_PARAGRAPH_CHARS:
            cut = _cut_point(block, MAX_PARAGRAPH_CHARS)
            paragraphs.append(block[:cut].strip())
            block = block[cut:].strip()
        if block:
            paragraphs.append(block)
    return paragraphs


def _cut_point(block: str, limit: int) -> int:
    for separator in ("\n", ".", "؟", "?", "!", "،", " "):
        cut = block.rfind(separator, limit // 2, limit)
        if cut > 0:
            return cut + 1
    return limit


def title_of(paragraphs: list[str], path: Path) -> str:
    """A document's title: its Markdown heading or first line, else the file name."""
    for paragraph in paragraphs:
        for line in paragraph.splitlines():
            heading = _MARKDOWN_HEADING.match(line.strip())
            if heading:
                return heading.group(1)
        break
    if paragraphs:
        first_line = paragraphs[0].splitlines()[0].strip()
        if len(first_line) <= 200:
            return first_line
    return path.name


def read_document(path: Path, doc_id: str, encoding: str | None = None) -> Document:
    """Read one file into a :class:`Document`; raise :class:`DocumentError` if it cannot be."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentError(f"larger than {MAX_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(error.strerror or str(error)) from None
    if not data.strip():
        raise DocumentError("empty file")
    text, warnings = decode_text(data, encoding)
    blocks = split_paragraphs(text)
    if not blocks:
        raise DocumentError("no text")
    paragraphs = [Paragraph(number, block) for number, block in enumerate(blocks, 1)]
    return Document(path, doc_id, title_of(blocks, path), paragraphs, warnings)


def find_files(root: Path) -> Iterator[Path]:
    """Yield the indexable files under ``root`` (a file or folder), sorted.

    Hidden files and folders are left out; symbolic links to folders are not
    followed, so a link loop cannot trap the walk.
    """
    if not root.is_dir():
        yield root
        return
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in TEXT_SUFFIXES:
                yield Path(folder, name)
