"""Word (.docx) reader: the body's paragraphs and tables in document order.

A paragraph whose style is, or is based on, «Heading N» or «Title» is a heading:
it stays a paragraph and gives the locator of the paragraphs under it. A table
row is one paragraph, its cells separated by tabs; merged cells count once.
Content controls (``w:sdt``) are read through. The title is the document
property, else the first Title or Heading paragraph.

Library: python-docx, the maintained reader of the format (MIT); it resolves
styles and their inheritance, which reading ``document.xml`` by hand would not.
"""

from __future__ import annotations

import io

from ..errors import DocumentError
from ..text import collapse_spaces, split_paragraphs
from .base import ZIP_MEMBER_ERRORS, Block, ReaderOptions, ReadResult, open_zip

# Styles can be based on styles; a damaged file could make the chain a loop.
_MAX_STYLE_DEPTH = 10


def read_docx(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read a .docx file; ``options`` do not apply."""
    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    open_zip(data, ".docx").close()
    try:
        document = docx.Document(io.BytesIO(data))
        reader = _DocxReader(document)
        reader.read(document.element.body)
        title = (document.core_properties.title or "").strip()
    except (OpcError, KeyError, ValueError, LxmlError, *ZIP_MEMBER_ERRORS) as error:
        raise DocumentError(f"not a valid .docx file ({_reason(error)})") from None
    if not reader.blocks:
        raise DocumentError("no text")
    return [ReadResult(title or reader.first_heading, reader.blocks)]


def _reason(error: Exception) -> str:
    message = str(error.args[0]) if error.args else type(error).__name__
    if isinstance(error, ZIP_MEMBER_ERRORS):
        return f"zip archive is damaged: {message}"
    if isinstance(error, KeyError):
        return f"a part is missing: {message}"
    if isinstance(error, ValueError) and "not a Word file" in message:
        return "it is another kind of Office file"
    return message.splitlines()[0]


class _DocxReader:
    def __init__(self, document) -> None:
        self._document = document
        self._heading_styles = _heading_style_ids(document)
        self.blocks: list[Block] = []
        self.first_heading = ""
        self._section = ""

    def read(self, container) -> None:
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for element in container.iterchildren():
            if element.tag == qn("w:p"):
                style = element.xpath("string(w:pPr/w:pStyle/@w:val)")
                self._paragraph(Paragraph(element, self._document), style)
            elif element.tag == qn("w:tbl"):
                for row in _table_rows(Table(element, self._document)):
                    self._add(row)
            elif element.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                self.read(element)

    def _paragraph(self, paragraph, style: str) -> None:
        if style in self._heading_styles and paragraph.text.strip():
            self._section = collapse_spaces(paragraph.text)
            self.first_heading = self.first_heading or self._section
        self._add(paragraph.text)

    def _add(self, text: str) -> None:
        locator = f"§ {self._section}" if self._section else ""
        self.blocks.extend(Block(part, locator) for part in split_paragraphs(text))


def _heading_style_ids(document) -> set[str]:
    """Ids of the paragraph styles that are, or are based on, Title or Heading N.

    Looked up once: python-docx finds a paragraph's style by scanning all styles.
    """
    from docx.enum.style import WD_STYLE_TYPE

    ids = set()
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        based_on = style
        for _ in range(_MAX_STYLE_DEPTH):
            if based_on is None:
                break
            name = based_on.name or ""
            if name == "Title" or name.startswith("Heading"):
                ids.add(style.style_id)
                break
            based_on = based_on.base_style
    return ids


def _table_rows(table) -> list[str]:
    """Each row's text, cells joined by tabs; nested tables' rows are lines of their cell."""
    rows = []
    seen = set()
    for row in table.rows:
        cells = []
        for cell in row.cells:
            # python-docx repeats a merged cell in every row and column it spans.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            cells.append(_cell_text(cell))
        rows.append("\t".join(cells).strip())
    return rows


def _cell_text(cell) -> str:
    from docx.table import Table

    lines = []
    for item in cell.iter_inner_content():
        if isinstance(item, Table):
            lines.extend(_table_rows(item))
        elif item.text.strip():
            lines.append(item.text)
    return "\n".join(lines)
