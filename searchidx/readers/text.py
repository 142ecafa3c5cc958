"""Plain text reader (``.txt``, ``.text``, and other files asked for with ``include``).

A paragraph is a block of text between blank lines, its stored text exactly
what the file holds (after decoding), so search offsets point into it. Every
paragraph is indexed, a heading included; the title is the first line when it
is short enough.
"""

from __future__ import annotations

from ..text import decode_text, split_paragraphs
from .base import Block, ReaderOptions, ReadResult

# A longer first line is a paragraph, not a title.
_MAX_TITLE_CHARS = 200


def read_text(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read a plain text file: decode, then split at blank lines.

    >>> [result] = read_text("الري\\n\\nاسقِ الفسيلة صباحاً.".encode(), ReaderOptions())
    >>> result.title, [block.text for block in result.blocks]
    ('الري', ['الري', 'اسقِ الفسيلة صباحاً.'])
    """
    text, encoding, warnings = decode_text(data, options.encoding)
    paragraphs = split_paragraphs(text)
    title = _title_of(paragraphs)
    return [ReadResult(title, [Block(p) for p in paragraphs], warnings, encoding)]


def _title_of(paragraphs: list[str]) -> str:
    """A text file's title: its first line when that is short enough, else ""."""
    first_line = paragraphs[0].splitlines()[0].strip() if paragraphs else ""
    return first_line if len(first_line) <= _MAX_TITLE_CHARS else ""
