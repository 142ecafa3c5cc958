"""EPUB reader: chapters in reading order, each read by the HTML extractor.

The package document (OPF) gives the title (``dc:title``), the chapters in
reading order (the spine) and the table of contents: the EPUB 3 navigation
document, else the EPUB 2 NCX. A chapter's title is its table-of-contents
entry, else its first heading; its paragraphs are located as
``"chapter 2: title"``, counting chapters that have text. A chapter that cannot
be decoded is skipped with a warning; a book whose chapters are encrypted (DRM)
is refused.

Library: none beyond the HTML extractor; an EPUB is a zip of XHTML with an XML
manifest, which ``zipfile`` and ``xml.etree`` read. EbookLib, the usual
library, is licensed AGPL-3.0, which this MIT project should not require.
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree

from ..errors import DocumentError
from ..text import collapse_spaces, decode_text
from .base import ZIP_MEMBER_ERRORS, Block, ReaderOptions, ReadResult, open_zip
from .html import html_text

_CONTAINER = "META-INF/container.xml"
_ENCRYPTION = "META-INF/encryption.xml"
_CHAPTER_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_NCX_TYPE = "application/x-dtbncx+xml"


def read_epub(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read an EPUB 2 or 3 book; ``options.encoding`` does not apply (EPUB is Unicode)."""
    with open_zip(data, ".epub") as archive:
        package_path = _package_path(archive)
        package = _parse_xml(archive, package_path)
        base = posixpath.dirname(package_path)
        manifest = {
            item.get("id"): item
            for item in _children(package, "manifest", "item")
            if item.get("id") and item.get("href")
        }
        toc = _table_of_contents(archive, package, manifest, base)
        encrypted = _encrypted_paths(archive)
        blocks: list[Block] = []
        warnings: list[str] = []
        number = 0
        for itemref in _children(package, "spine", "itemref"):
            item = manifest.get(itemref.get("idref"))
            if item is None or item.get("media-type") not in _CHAPTER_TYPES:
                continue
            if "nav" in (item.get("properties") or "").split():
                continue  # the table of contents, not text
            path = _resolve(base, item.get("href"))
            if path in encrypted:
                raise DocumentError("encrypted (DRM-protected) .epub; it cannot be read")
            try:
                text, _, damage = decode_text(_read(archive, path))
                chapter = html_text(text)
            except DocumentError as error:
                warnings.append(f"chapter {path} skipped: {error}")
                continue
            warnings.extend(f"chapter {path}: {warning}" for warning in damage)
            if not chapter.blocks:
                continue
            number += 1
            title = toc.get(path) or (chapter.headings[0][1] if chapter.headings else "")
            locator = f"chapter {number}: {title}" if title else f"chapter {number}"
            blocks.extend(Block(block.text, locator) for block in chapter.blocks)
    if not blocks:
        raise DocumentError("no text in any chapter")
    return [ReadResult(_book_title(package), blocks, warnings=warnings)]


def _package_path(archive: zipfile.ZipFile) -> str:
    container = _parse_xml(archive, _CONTAINER)
    for rootfile in container.iter():
        if _local(rootfile.tag) == "rootfile" and rootfile.get("full-path"):
            return unquote(rootfile.get("full-path"))
    raise DocumentError(f"not a valid .epub file ({_CONTAINER} names no package document)")


def _book_title(package: ElementTree.Element) -> str:
    for title in _children(package, "metadata", "title"):
        text = collapse_spaces("".join(title.itertext()))
        if text:
            return text
    return ""


def _table_of_contents(archive, package, manifest, base) -> dict[str, str]:
    """Chapter titles by chapter path, from the EPUB 3 navigation document or the NCX."""
    titles: dict[str, str] = {}
    nav = next(
        (item for item in manifest.values() if "nav" in (item.get("properties") or "").split()),
        None,
    )
    if nav is not None:
        _nav_titles(archive, _resolve(base, nav.get("href")), titles)
    if not titles:
        spine = next((e for e in package if _local(e.tag) == "spine"), None)
        ncx = manifest.get(spine.get("toc")) if spine is not None else None
        if ncx is None:
            ncx = next(
                (item for item in manifest.values() if item.get("media-type") == _NCX_TYPE), None
            )
        if ncx is not None:
            _ncx_titles(archive, _resolve(base, ncx.get("href")), titles)
    return titles


def _nav_titles(archive, path: str, titles: dict[str, str]) -> None:
    from bs4 import BeautifulSoup

    try:
        text, _, _ = decode_text(_read(archive, path))
    except DocumentError:
        return  # no usable table of contents: chapters fall back to their headings
    soup = BeautifulSoup(text, "html.parser")
    navs = soup.find_all("nav")
    toc = next((nav for nav in navs if "toc" in nav.get("epub:type", "").split()), None)
    for link in (toc or next(iter(navs), soup)).find_all("a", href=True):
        title = collapse_spaces(link.get_text())
        target = _resolve(posixpath.dirname(path), link["href"])
        if title:
            titles.setdefault(target, title)


def _ncx_titles(archive, path: str, titles: dict[str, str]) -> None:
    try:
        ncx = _parse_xml(archive, path)
    except DocumentError:
        return
    for point in ncx.iter():
        if _local(point.tag) != "navPoint":
            continue
        label = next((e for e in point.iter() if _local(e.tag) == "text"), None)
        content = next((e for e in point if _local(e.tag) == "content"), None)
        if label is not None and content is not None and content.get("src"):
            title = collapse_spaces("".join(label.itertext()))
            if title:
                titles.setdefault(_resolve(posixpath.dirname(path), content.get("src")), title)


def _encrypted_paths(archive: zipfile.ZipFile) -> set[str]:
    """Files that META-INF/encryption.xml lists: DRM, or obfuscated fonts."""
    if _ENCRYPTION not in archive.namelist():
        return set()
    encryption = _parse_xml(archive, _ENCRYPTION)
    return {
        _resolve("", reference.get("URI"))
        for reference in encryption.iter()
        if _local(reference.tag) == "CipherReference" and reference.get("URI")
    }


def _parse_xml(archive: zipfile.ZipFile, path: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(_read(archive, path))
    except ElementTree.ParseError as error:
        raise DocumentError(f"not a valid .epub file ({path}: {error})") from None


def _read(archive: zipfile.ZipFile, path: str) -> bytes:
    try:
        return archive.read(path)
    except KeyError:
        raise DocumentError(f"not a valid .epub file ({path} is missing)") from None
    except ZIP_MEMBER_ERRORS as error:
        raise DocumentError(f"not a valid .epub file (zip archive is damaged: {error})") from None


def _children(package: ElementTree.Element, section: str, name: str):
    for part in package:
        if _local(part.tag) == section:
            yield from (e for e in part if _local(e.tag) == name)


def _resolve(base: str, href: str) -> str:
    """A zip member path from an href relative to ``base``, without its #fragment."""
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))


def _local(tag) -> str:
    # Comments and processing instructions have a function, not a string, as tag.
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
