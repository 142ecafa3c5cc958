"""HTML reader, and the HTML text extractor the Markdown and EPUB readers share.

Only visible text is kept: scripts, styles, templates, hidden elements and page
chrome are dropped. Page chrome is what HTML-AAM maps to the landmarks around
the content: ``nav``; ``header`` and ``footer`` outside an article, section or
main; ``aside`` outside an article or section; elements with those ARIA roles.

Paragraphs come from block elements (``p``, ``h1``-``h6``, ``li``,
``blockquote``, ``pre``, the text of a ``div`` outside its child blocks…); a
table row is one paragraph with its cells separated by tabs, as a browser copies
it. Whitespace collapses as a browser shows it, except in ``pre``; ``<br>`` is a
line break, two make a paragraph break. Headings stay paragraphs and give the
locator ``"§ heading"`` of the paragraphs under them.

Parser: BeautifulSoup on Python's own ``html.parser``: pure Python, so every
platform parses alike, with no compiled library; lxml parses ten times faster
but its HTML recovery changes with the libxml2 it bundles.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from ..errors import DocumentError
from ..text import collapse_spaces, decode_text, split_paragraphs
from .base import Block, ReaderOptions, ReadResult

_HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", *_HEADING_LEVELS,
})  # fmt: skip
_INVISIBLE_TAGS = frozenset({
    "head", "title", "script", "style", "noscript", "template", "svg", "canvas", "iframe",
    "object", "embed", "select", "button", "nav",
})  # fmt: skip
# As in HTML-AAM: header and footer are page chrome (banner, contentinfo) unless inside
# an article, section or main; aside (complementary) unless inside an article or section.
_SECTIONING_TAGS = frozenset({"article", "section"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_INVISIBLE_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_SPACE_RUNS = re.compile(r" {2,}")
_SPACES_AROUND_BREAKS = re.compile(r" *([\t\n]) *")


@dataclass
class HtmlText:
    """The visible text of a page: its ``<title>`` ("" if none), blocks and headings."""

    title: str
    blocks: list[Block]
    headings: list[tuple[int, str]]


def read_html(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read an HTML page; its title is the ``<title>``, else the first ``<h1>``."""
    text, encoding, decode_warnings = decode_text(data, options.encoding)
    page = html_text(text)
    if not page.blocks:
        raise DocumentError("no visible text")
    title = page.title or next((heading for level, heading in page.headings if level == 1), "")
    return [ReadResult(title, page.blocks, decode_warnings, encoding)]


def html_text(markup: str) -> HtmlText:
    """Extract the visible text of HTML (or XHTML) as blocks under their headings.

    >>> html_text("<h2>الثلث</h2><p>خطٌّ <i>جليل</i></p><script>x()</script>").blocks
    [Block(text='الثلث', locator='§ الثلث'), Block(text='خطٌّ جليل', locator='§ الثلث')]
    """
    from bs4 import BeautifulSoup, ParserRejectedMarkup, UnusualUsageWarning

    try:
        with warnings.catch_warnings():
            # XHTML parsed as HTML and markup that looks like a URL are fine here.
            warnings.simplefilter("ignore", UnusualUsageWarning)
            soup = BeautifulSoup(markup, "html.parser")
    except ParserRejectedMarkup as error:
        raise DocumentError(f"not readable as HTML ({error})") from None
    collector = _Collector()
    collector.walk(soup)
    return HtmlText(_title_of(soup), collector.blocks, collector.headings)


def _title_of(soup) -> str:
    for title in soup.find_all("title"):
        if title.find_parent("svg") is None:
            return collapse_spaces(title.get_text())
    return ""


class _Collector:
    """Walks the parse tree in document order, gathering text until a block ends."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self._pieces: list[str] = []
        self._section = ""
        self._pre_depth = 0
        self._sectioning_depth = 0
        self._main_depth = 0

    def walk(self, root) -> None:
        from bs4 import NavigableString

        # An explicit stack, not recursion: a page may nest thousands of unclosed tags.
        stack = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node.name)
            elif isinstance(node, NavigableString):
                # Subclasses are comments, doctypes, CDATA and the like: not shown.
                if type(node) is NavigableString:
                    text = str(node)
                    self._pieces.append(text if self._pre_depth else _HTML_SPACES.sub(" ", text))
            elif not self._hidden(node):
                self._enter(node.name)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))

    def _hidden(self, tag) -> bool:
        attributes = tag.attrs
        return (
            tag.name in _INVISIBLE_TAGS
            or (tag.name == "aside" and not self._sectioning_depth)
            or (tag.name in ("header", "footer") and not self._sectioning_depth + self._main_depth)
            or "hidden" in attributes
            or attributes.get("aria-hidden") == "true"
            or not _CHROME_ROLES.isdisjoint(str(attributes.get("role", "")).split())
            or bool(_INVISIBLE_STYLE.search(str(attributes.get("style", ""))))
        )

    def _enter(self, name: str) -> None:
        if name == "br":
            self._pieces.append("\n")
        elif name in ("td", "th"):
            self._pieces.append("\t")
        elif name in _BLOCK_TAGS:
            self._flush()
        self._count(name, 1)

    def _leave(self, name: str) -> None:
        if name in _BLOCK_TAGS:
            self._flush(_HEADING_LEVELS.get(name, 0))
        self._count(name, -1)

    def _count(self, name: str, step: int) -> None:
        if name == "pre":
            self._pre_depth += step
        elif name == "main":
            self._main_depth += step
        elif name in _SECTIONING_TAGS:
            self._sectioning_depth += step

    def _flush(self, heading_level: int = 0) -> None:
        text = "".join(self._pieces)
        self._pieces.clear()
        if not self._pre_depth:
            text = _SPACES_AROUND_BREAKS.sub(r"\1", _SPACE_RUNS.sub(" ", text))
        if heading_level:
            heading = collapse_spaces(text)
            if heading:
                self.headings.append((heading_level, heading))
                self._section = heading
        locator = f"§ {self._section}" if self._section else ""
        self.blocks.extend(Block(part, locator) for part in split_paragraphs(text))
