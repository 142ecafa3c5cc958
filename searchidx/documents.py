"""Documents: finding the files to index, and reading each with its format's reader.

A file's suffix picks its reader in :data:`searchidx.readers.READERS`; files of
other types are read only when asked for (``include`` patterns, or a file named
directly), as plain text. Every reader's blocks become numbered paragraphs here,
over-long ones cut at a line or sentence end; a document without a title of its
own takes its file name.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentError
from .readers import READERS
from .readers.base import Block, ReaderOptions
from .text import MAX_PARAGRAPH_CHARS, cut_long_paragraph


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document: its number from 1, text and locator; as the
    index gives a file back (:meth:`searchidx.Index.document`), also the title
    of the document it belongs to: in a file of records, its record's."""

    number: int
    text: str
    locator: str = ""
    title: str = ""


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


def read_documents(path: Path, doc_id: str, options: ReaderOptions | None = None) -> list[Document]:
    """Read one file into its documents: one, or one per record of a JSON or CSV file.

    Raises :class:`DocumentError` with a one-line reason if it cannot be read.
    """
    options = options or ReaderOptions()
    data = _read_bytes(path, options.max_file_bytes)
    # A type no reader knows is read only when asked for (``include``, or by name): as text.
    read = READERS.get(path.suffix.lower(), READERS[".txt"])
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


def _number_paragraphs(blocks: list[Block]) -> tuple[list[Paragraph], list[str]]:
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


def is_indexable(path: Path, options: ReaderOptions) -> bool:
    """Whether a file is of a format searchidx reads, or asked for with ``include``."""
    if path.suffix.lower() in READERS:
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
    root: Path,
    hidden: bool = False,
    left_out: list[Path] | None = None,
    skip_folder: Callable[[Path], bool] = lambda folder: False,
    links: list[Path] | None = None,
) -> Iterator[Path]:
    """Yield every file under ``root`` (a file or folder), sorted.

    Hidden files and folders (names starting with a dot) are left out unless
    ``hidden``, and added to ``left_out``; a hidden folder is not walked. A
    ``root`` is never left out. Folders for which ``skip_folder`` is true (the
    index passes its test for its own folders) are skipped silently. Symbolic
    links are not followed, to folders (a link loop cannot trap the walk) or to
    regular files (added to ``links``): a file is indexed where it lies, once, not
    again at each link to it.
    """
    if not root.is_dir():
        yield root
        return
    if skip_folder(root):
        return
    for folder, subfolders, files in os.walk(root):
        # Skipped first: a folder skipped is not counted as hidden.
        subfolders[:] = sorted(name for name in subfolders if not skip_folder(Path(folder, name)))
        if not hidden:
            left_out_here = [name for name in subfolders + files if name.startswith(".")]
            if left_out is not None:
                left_out.extend(Path(folder, name) for name in sorted(left_out_here))
            subfolders[:] = [name for name in subfolders if name not in left_out_here]
            files = [name for name in files if name not in left_out_here]
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_symlink() and path.is_file():  # broken ones are skipped, and said so
                if links is not None:
                    links.append(path)
                continue
            yield path
