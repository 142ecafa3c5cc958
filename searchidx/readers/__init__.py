"""Readers: turning a file of one format into paragraphs, whatever the format.

Each reader takes a file's bytes and :class:`ReaderOptions` and returns a list of
:class:`ReadResult`: one for a page, a Markdown file, a Word document or a book;
one per record for ``.jsonl``, ``.json`` and ``.csv``. A result holds the
document's title and its :class:`Block` s, one per paragraph, each with its
visible text (no markup) and a locator saying where it is::

    >>> from searchidx.readers import READERS, ReaderOptions
    >>> page = "<title>الخط العربي</title><h2>الثلث</h2><p>أَكّدَ <b>الخطاط</b> …</p>"
    >>> [result] = READERS[".html"](page.encode(), ReaderOptions())
    >>> result.title, result.blocks[1]
    ('الخط العربي', Block(text='أَكّدَ الخطاط …', locator='§ الثلث'))

Text formats are decoded with :func:`searchidx.documents.decode_text`; every
block goes through :func:`searchidx.documents.split_paragraphs`, so blank lines
split as in plain text files (over-long paragraphs are cut later, for every format,
by :func:`searchidx.documents.read_documents`). HTML, Markdown and
EPUB share one HTML extractor (:mod:`searchidx.readers.html`).

A reader raises :class:`searchidx.errors.DocumentError` with a one-line reason
for a file it cannot read, never another exception. Libraries that are slow to
import (bs4, markdown-it, python-docx) are imported inside the readers, so
commands that read no such file do not pay for them.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import DocumentError

# Larger files are skipped: a «document» of this size is a data dump, not prose.
MAX_FILE_BYTES = 64 * 1024 * 1024
# A zip archive that unpacks to more than this is refused: a zip bomb, not a document.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# What reading a member of a damaged zip archive raises (RuntimeError: it is encrypted).
ZIP_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Block:
    """One paragraph as a reader found it: its visible text and where it is.

    The locator is ``"§ heading"`` (HTML, Markdown, DOCX), ``"chapter 2: title"``
    (EPUB), ``"record ID"``, ``"line 5"`` or ``"row 5"`` (JSON Lines, JSON, CSV).
    """

    text: str
    locator: str = ""


@dataclass
class ReadResult:
    """One document read from a file: its title ("" if none), blocks and warnings.

    Records of one file are told apart by their blocks' locators. Warnings about
    the whole file (skipped records, damaged lines) are on the file's first result.
    """

    title: str
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    # How the file's text was decoded (on its first result; "" for DOCX and EPUB).
    encoding: str = ""


@dataclass(frozen=True)
class ReaderOptions:
    """How to read: a forced text encoding, record fields for JSON and CSV files;
    and which files to read: of unknown type read as text (``include``),
    hidden ones, and up to what size."""

    encoding: str | None = None
    text_field: str | None = None
    id_field: str | None = None
    title_field: str | None = None
    # File-name patterns of other files to read as plain text («*.log»).
    include: tuple[str, ...] = ()
    # Also walk hidden files and folders (names starting with a dot).
    hidden: bool = False
    # Files larger than this many bytes are not read.
    max_file_bytes: int = MAX_FILE_BYTES


Reader = Callable[[bytes, ReaderOptions], list[ReadResult]]


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open a zip-based document (``kind`` is ".docx" or ".epub"), refusing damaged ones."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentError(f"not a valid {kind} file (zip archive is damaged)") from None
    if sum(member.file_size for member in archive.infolist()) > MAX_UNZIPPED_BYTES:
        raise DocumentError(
            f"not read: the {kind} file would unpack to more than {MAX_UNZIPPED_BYTES // 2**20} MB"
        )
    return archive


from .docx import read_docx  # noqa: E402
from .epub import read_epub  # noqa: E402
from .html import read_html  # noqa: E402
from .markdown import read_markdown  # noqa: E402
from .pdf import read_pdf  # noqa: E402
from .records import read_csv, read_json, read_jsonl  # noqa: E402

READERS: dict[str, Reader] = {
    ".html": read_html,
    ".htm": read_html,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".docx": read_docx,
    ".epub": read_epub,
    ".pdf": read_pdf,
    ".jsonl": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
}

__all__ = ["READERS", "Block", "ReadResult", "ReaderOptions"]
