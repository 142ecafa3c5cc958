"""Readers: turning a file of one format into paragraphs, whatever the format.

:data:`READERS` maps a file suffix to its reader. A reader takes a file's bytes
and :class:`~searchidx.readers.base.ReaderOptions` and returns a list of
:class:`~searchidx.readers.base.ReadResult`: one for a text file, a page, a
Markdown file, a Word document, a PDF or a book; one per record for ``.jsonl``,
``.json`` and ``.csv``. A result holds the document's title and its blocks, one
per paragraph, each with its visible text (no markup) and a locator saying
where it is::

    >>> from searchidx.readers import READERS
    >>> from searchidx.readers.base import ReaderOptions
    >>> page = "<title>الخط العربي</title><h2>الثلث</h2><p>أَكّدَ <b>الخطاط</b> …</p>"
    >>> [result] = READERS[".html"](page.encode(), ReaderOptions())
    >>> result.title, result.blocks[1]
    ('الخط العربي', Block(text='أَكّدَ الخطاط …', locator='§ الثلث'))

Text formats are decoded with :func:`searchidx.text.decode_text`; every block
goes through :func:`searchidx.text.split_paragraphs`, so blank lines split as in
plain text files (over-long paragraphs are cut later, for every format, by
:func:`searchidx.documents.read_documents`). HTML, Markdown and EPUB share one
HTML extractor (:mod:`searchidx.readers.html`).

A reader raises :class:`searchidx.errors.DocumentError` with a one-line reason
for a file it cannot read, never another exception. Libraries that are slow to
import (bs4, markdown-it, python-docx, pypdf) are imported inside the readers, so
commands that read no such file do not pay for them.
"""

from __future__ import annotations

from .base import Reader
from .docx import read_docx
from .epub import read_epub
from .html import read_html
from .markdown import read_markdown
from .pdf import read_pdf
from .records import read_csv, read_json, read_jsonl
from .text import read_text

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
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

__all__ = ["READERS"]
