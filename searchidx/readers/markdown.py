"""Markdown reader: CommonMark rendered to HTML, then read as HTML.

Rendering first means no Markdown syntax reaches the index: emphasis, links
(their text stays), images, code backticks, heading marks, bullets, quote marks,
table pipes and inline HTML all go, the way a reader of the rendered page never
sees them. Headings stay paragraphs and give the locator of the paragraphs under
them. A YAML front matter block is not text; its ``title:`` is the title, else
the first heading is.

Parser: markdown-it-py, a CommonMark-compliant parser (with GitHub tables and
strikethrough); regular expressions get nested emphasis, escapes, code spans
and reference links wrong.
"""

from __future__ import annotations

import functools
import re

from ..errors import DocumentError
from ..text import decode_text
from .base import ReaderOptions, ReadResult
from .html import html_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# A front matter block holds «key: value» lines; a thematic break and setext heading do not.
_YAML_KEY = re.compile(r"^[\w-]+[ \t]*:", re.MULTILINE)
_YAML_TITLE = re.compile(r"^title[ \t]*:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def read_markdown(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read a Markdown file.

    >>> [result] = read_markdown("# الري\\n\\nاسقِ **الفسيلة** [صباحاً](#)".encode(),
    ...                          ReaderOptions())
    >>> result.title, [block.text for block in result.blocks]
    ('الري', ['الري', 'اسقِ الفسيلة صباحاً'])
    """
    text, encoding, decode_warnings = decode_text(data, options.encoding)
    text, front_title = _split_front_matter(text.replace("\r\n", "\n"))
    page = html_text(_parser().render(text))
    if not page.blocks:
        raise DocumentError("no text")
    title = front_title or (page.headings[0][1] if page.headings else "")
    return [ReadResult(title, page.blocks, decode_warnings, encoding)]


def _split_front_matter(text: str) -> tuple[str, str]:
    """The text without its YAML front matter, and the front matter's title."""
    front_matter = _FRONT_MATTER.match(text)
    if not front_matter or not _YAML_KEY.search(front_matter.group(1)):
        return text, ""
    title = _YAML_TITLE.search(front_matter.group(1))
    title_text = title.group(1).strip("\"'") if title else ""
    return text[front_matter.end() :], title_text


@functools.cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])
