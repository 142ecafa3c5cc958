"""Indexing speed per document format: the same paragraphs in every format searchidx reads.

The first :data:`FORMAT_PARAGRAPHS` paragraphs of the small corpus (see
``corpus.py``) are written into one folder per format, :data:`PER_FILE`
paragraphs a file:

* ``.txt``: paragraphs separated by blank lines;
* ``.md``: a ``# title`` heading, then a ``## section`` heading before every
  :data:`SECTION_PARAGRAPHS` paragraphs, characters that CommonMark would read
  as markup backslash-escaped;
* ``.html``: a small page: ``<title>``, a ``<nav>`` and a ``<script>`` the
  reader drops, an ``<h1>``, a ``<p>`` per paragraph;
* ``.docx`` (python-docx): a Heading 1, then a Word paragraph per paragraph;
* ``.epub``: a minimal EPUB 3 book (package document, navigation document)
  of XHTML chapters of :data:`CHAPTER_PARAGRAPHS` paragraphs under an ``<h1>``;
* ``.jsonl``, ``.json`` and ``.csv``: a record per paragraph, with ``id``,
  ``title`` and ``text``.

Headings stay paragraphs for searchidx, so the Markdown, HTML, Word and EPUB
folders hold a few more (short) paragraphs than the text; the rest is the same
paragraphs, which :func:`read_back` checks by reading every file with
searchidx's readers. Speed is reported per megabyte of that text (its UTF-8
bytes, the same for every format), as a ratio to ``.txt``.

Each folder is indexed into a fresh index (``Index.create`` then ``update``),
in a fresh process forked from multiprocessing's fork server, as the engines
of ``peers.py`` build theirs. Before the clock starts, that process reads one
file of the folder, untimed: the readers import their libraries (bs4,
markdown-it, python-docx) on first use, a one-time cost that is not per
megabyte. searchidx indexes less than ``searchidx.index.writer.PARALLEL_MIN_BYTES``
(4 MB) of files in one process and more with worker processes; every folder
stays below it (about 3.2 MB), so all formats are indexed in one process, and
a folder that grew past it would stop the benchmark rather than be compared
unlike the others. Each folder is indexed :data:`RUNS` times, the formats
taking turns in an order that rotates from run to run, and the median counts.
"""

from __future__ import annotations

import csv
import html
import json
import multiprocessing
import re
import shutil
import statistics
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import docx

from searchidx import Index
from searchidx.documents import read_documents
from searchidx.index.writer import PARALLEL_MIN_BYTES

from .corpus import load_corpus
from .peers import directory_size

FORMAT_PARAGRAPHS = 3_000
PER_FILE = 100
# A Markdown file has a "## section" heading before every this many paragraphs.
SECTION_PARAGRAPHS = 20
# An EPUB chapter holds this many paragraphs.
CHAPTER_PARAGRAPHS = 25
RUNS = 3
# The target: no format indexes more slowly per megabyte of text than this × .txt.
MAX_RATIO = 2.0
REFERENCE = ".txt"

# Characters CommonMark reads as inline markup anywhere in a paragraph.
_MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]<>&!|~]")
# The end of what precedes a block marker at a line's start (a heading, a quote,
# a list item, a setext underline): a backslash inserted there escapes it.
_MARKDOWN_BLOCK_MARKER = re.compile(r"^ {0,3}(?:\d{1,9}(?=[.)])|(?=[#>+=-]))", re.MULTILINE)

_XHTML_ROOT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
    ' xml:lang="ar" lang="ar" dir="rtl">\n'
)
_EPUB_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""


# Writing


def file_title(first: int, count: int) -> str:
    """The title of a file holding paragraphs ``first`` to ``first + count - 1`` (from 1)."""
    return f"أحاديث {first}–{first + count - 1}"


def write_txt(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write a plain text file; return the paragraphs a reader should find in it, in order."""
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return paragraphs


def write_markdown(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write a Markdown file with a title and section headings; return its paragraphs."""
    title = file_title(first, len(paragraphs))
    found, lines = [title], [f"# {title}"]
    for start in range(0, len(paragraphs), SECTION_PARAGRAPHS):
        section = f"باب {first + start}"
        found.append(section)
        lines.append(f"## {section}")
        for paragraph in paragraphs[start : start + SECTION_PARAGRAPHS]:
            found.append(paragraph)
            lines.append(markdown_escaped(paragraph))
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return found


def markdown_escaped(text: str) -> str:
    """Text as a Markdown paragraph that renders as exactly that text.

    >>> markdown_escaped("12. قال *الله* <تعالى>")
    '12\\\\. قال \\\\*الله\\\\* \\\\<تعالى\\\\>'
    """
    text = _MARKDOWN_INLINE.sub(r"\\\g<0>", text)
    return _MARKDOWN_BLOCK_MARKER.sub(r"\g<0>\\", text)


def write_html(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write a small HTML page with navigation and a script to drop; return its paragraphs."""
    title = html.escape(file_title(first, len(paragraphs)), quote=False)
    body = "\n".join(f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in paragraphs)
    page = (
        f'<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n"
        f'<nav><a href="index.html">الفهرس</a></nav>\n<h1>{title}</h1>\n{body}\n'
        '<script>document.body.dataset.loaded = "yes";</script>\n</body>\n</html>\n'
    )
    path.write_text(page, encoding="utf-8")
    return [file_title(first, len(paragraphs)), *paragraphs]


def write_docx(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write a Word document: a Heading 1, then a paragraph each; return its paragraphs."""
    title = file_title(first, len(paragraphs))
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(path)
    return [title, *paragraphs]


def write_epub(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write a minimal EPUB 3 book of chapters under headings; return its paragraphs.

    The ``mimetype`` entry comes first and uncompressed, as the format requires.
    """
    title = file_title(first, len(paragraphs))
    chapters, found = [], []
    for start in range(0, len(paragraphs), CHAPTER_PARAGRAPHS):
        chapter = paragraphs[start : start + CHAPTER_PARAGRAPHS]
        chapter_title = file_title(first + start, len(chapter))
        chapters.append((f"chapter-{len(chapters) + 1}.xhtml", chapter_title, chapter))
        found += [chapter_title, *chapter]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", _EPUB_CONTAINER)
        book.writestr("OEBPS/content.opf", _epub_package(title, first, chapters))
        book.writestr("OEBPS/nav.xhtml", _epub_navigation(title, chapters))
        for name, chapter_title, chapter in chapters:
            book.writestr(f"OEBPS/{name}", _xhtml(chapter_title, chapter))
    return found


def _epub_package(title: str, first: int, chapters: list[tuple[str, str, list[str]]]) -> str:
    items = "\n".join(
        f'<item id="c{number}" href="{name}" media-type="application/xhtml+xml"/>'
        for number, (name, _, _) in enumerate(chapters, 1)
    )
    spine = "\n".join(f'<itemref idref="c{number}"/>' for number in range(1, len(chapters) + 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"'
        ' unique-identifier="book-id" xml:lang="ar" dir="rtl">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="book-id">urn:searchidx-bench:hadith-{first}</dc:identifier>\n'
        f"<dc:title>{html.escape(title, quote=False)}</dc:title>\n"
        "<dc:language>ar</dc:language>\n"
        '<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>\n'
        "</metadata>\n<manifest>\n"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>\n'
        f'{items}\n</manifest>\n<spine page-progression-direction="rtl">\n{spine}\n</spine>\n'
        "</package>\n"
    )


def _epub_navigation(title: str, chapters: list[tuple[str, str, list[str]]]) -> str:
    entries = "\n".join(
        f'<li><a href="{name}">{html.escape(chapter_title, quote=False)}</a></li>'
        for name, chapter_title, _ in chapters
    )
    heading = html.escape(title, quote=False)
    return (
        f"{_XHTML_ROOT}<head><title>{heading}</title></head>\n<body>\n"
        f'<nav epub:type="toc" id="toc"><h1>{heading}</h1>\n<ol>\n{entries}\n</ol></nav>\n'
        "</body>\n</html>\n"
    )


def _xhtml(title: str, paragraphs: list[str]) -> str:
    heading = html.escape(title, quote=False)
    body = "\n".join(f"<p>{html.escape(paragraph, quote=False)}</p>" for paragraph in paragraphs)
    return (
        f"{_XHTML_ROOT}<head><title>{heading}</title></head>\n"
        f"<body>\n<h1>{heading}</h1>\n{body}\n</body>\n</html>\n"
    )


def records(paragraphs: list[str], first: int) -> list[dict]:
    """A record per paragraph: its number from 1 as ``id``, a ``title`` and the ``text``."""
    return [
        {"id": number, "title": f"حديث {number}", "text": paragraph}
        for number, paragraph in enumerate(paragraphs, first)
    ]


def write_jsonl(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write JSON Lines, a record a line; return the paragraphs."""
    lines = (json.dumps(record, ensure_ascii=False) for record in records(paragraphs, first))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paragraphs


def write_json(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write a JSON array of records; return the paragraphs."""
    text = json.dumps(records(paragraphs, first), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return paragraphs


def write_csv(path: Path, paragraphs: list[str], first: int) -> list[str]:
    """Write CSV with an ``id,title,text`` header, a record a row; return the paragraphs."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, ["id", "title", "text"])
        writer.writeheader()
        writer.writerows(records(paragraphs, first))
    return paragraphs


# Each writer writes one file of paragraphs (the first numbered ``first``, from 1)
# and returns the paragraphs searchidx should read from it, headings included.
WRITERS: dict[str, Callable[[Path, list[str], int], list[str]]] = {
    ".txt": write_txt,
    ".md": write_markdown,
    ".html": write_html,
    ".docx": write_docx,
    ".epub": write_epub,
    ".jsonl": write_jsonl,
    ".json": write_json,
    ".csv": write_csv,
}


def write_formats(paragraphs: list[str], workspace: Path) -> dict[str, list[str]]:
    """Write the paragraphs into ``workspace/<format>/``, :data:`PER_FILE` a file.

    Returns, by format (``".txt"``…), the paragraphs searchidx should read
    from that folder, in file order.
    """
    expected = {}
    for suffix, write in WRITERS.items():
        folder = format_folder(workspace, suffix)
        folder.mkdir()
        expected[suffix] = []
        for start in range(0, len(paragraphs), PER_FILE):
            path = folder / f"{start // PER_FILE:05d}{suffix}"
            expected[suffix] += write(path, paragraphs[start : start + PER_FILE], start + 1)
    return expected


def format_folder(workspace: Path, suffix: str) -> Path:
    """The folder of a format's files: ``workspace/md`` for ``.md``."""
    return workspace / suffix.lstrip(".")


def read_back(folder: Path) -> list[str]:
    """The paragraphs searchidx's readers find in the folder's files, in file order."""
    return [
        paragraph.text
        for path in sorted(folder.iterdir())
        for document in read_documents(path, path.name)
        for paragraph in document.paragraphs
    ]


def differing_paragraphs(expected: list[str], found: list[str]) -> int:
    """How many paragraphs differ between two lists, position by position.

    Runs of spaces and line breaks count as one space (HTML collapses them),
    and a paragraph missing from either list counts as differing.
    """
    differing = abs(len(expected) - len(found))
    return differing + sum(a.split() != b.split() for a, b in zip(expected, found, strict=False))


# Measuring


def bench_formats(workspace: Path, progress: Callable[[str], None]) -> dict:
    """Every measurement of indexing speed by format, as a JSON-ready dict.

    ``workspace`` is an empty folder; ``progress`` reports what is being done.
    """
    started = time.perf_counter()
    progress(f"formats: writing {FORMAT_PARAGRAPHS:,} paragraphs in {len(WRITERS)} formats")
    paragraphs = load_corpus("small")[:FORMAT_PARAGRAPHS]
    text_bytes = sum(len(paragraph.encode("utf-8")) for paragraph in paragraphs)
    formats = {}
    for suffix, expected in write_formats(paragraphs, workspace).items():
        folder = format_folder(workspace, suffix)
        file_bytes = directory_size(folder)
        if file_bytes >= PARALLEL_MIN_BYTES:
            raise RuntimeError(
                f"the {suffix} files take {file_bytes:,} bytes: searchidx would index them with "
                f"worker processes (from {PARALLEL_MIN_BYTES:,}), the others in one process"
            )
        formats[suffix] = {
            "files": len(list(folder.iterdir())),
            "file_bytes": file_bytes,
            "text_bytes": text_bytes,
            "expected_paragraphs": len(expected),
            "differing_paragraphs": differing_paragraphs(expected, read_back(folder)),
            "runs": [],
        }
    for run in range(RUNS):
        progress(f"formats: run {run + 1} of {RUNS}")
        order = [*formats][run % len(formats) :] + [*formats][: run % len(formats)]
        for suffix in order:
            index_dir = workspace / "index"
            figures = index_in_child(format_folder(workspace, suffix), index_dir)
            formats[suffix]["runs"].append(figures)
            shutil.rmtree(index_dir)
    for figures in formats.values():
        summarize_runs(figures, formats[REFERENCE])
    return {
        "paragraphs": len(paragraphs),
        "per_file": PER_FILE,
        "text_bytes": text_bytes,
        "runs": RUNS,
        "parallel_min_bytes": PARALLEL_MIN_BYTES,
        "formats": formats,
        "wall_seconds": time.perf_counter() - started,
    }


def index_in_child(folder: Path, index_dir: Path) -> dict:
    """Index ``folder`` into a new index at ``index_dir`` in a fresh process; its figures.

    ``seconds`` and ``cpu_seconds`` of ``Index.create`` and ``update``, then
    the index's ``paragraphs`` (``Index.info``) and the files the update
    ``skipped``, with the reason.
    """
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_timed_index, folder, index_dir).result()


def _timed_index(folder: Path, index_dir: Path) -> dict:
    warm_up = min(folder.iterdir())
    read_documents(warm_up, warm_up.name)  # the reader's imports, untimed
    start, cpu_start = time.perf_counter(), time.process_time()
    with Index.create(index_dir) as index:
        report = index.update([folder])
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        paragraphs = index.info().paragraphs
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "paragraphs": paragraphs,
        "skipped": [f"{note.path}: {note.message}" for note in report.skipped],
    }


def summarize_runs(figures: dict, reference: dict) -> None:
    """Add the median figures of a format's runs, its speed and its verdict against .txt.

    ``reference`` is the figures of .txt, summarized first.
    """
    runs = figures["runs"]
    figures["seconds"] = statistics.median(run["seconds"] for run in runs)
    figures["cpu_seconds"] = statistics.median(run["cpu_seconds"] for run in runs)
    figures["indexed_paragraphs"] = sorted({run["paragraphs"] for run in runs})
    figures["seconds_per_text_mb"] = figures["seconds"] / (figures["text_bytes"] / 2**20)
    figures["ratio"] = figures["seconds_per_text_mb"] / reference["seconds_per_text_mb"]
    figures["verdict"] = "PASS" if figures["ratio"] <= MAX_RATIO else "MISS"
    figures["check"] = check(figures)


def check(figures: dict) -> str:
    """What differed from the paragraphs written, or "ok".

    Every run should index the paragraphs written, headings included, and the
    readers should read them unchanged, skipping no file.
    """
    problems = []
    if figures["indexed_paragraphs"] != [figures["expected_paragraphs"]]:
        indexed = " or ".join(f"{count:,}" for count in figures["indexed_paragraphs"])
        problems.append(f"indexed {indexed} paragraphs of {figures['expected_paragraphs']:,}")
    if figures["differing_paragraphs"]:
        problems.append(f"{figures['differing_paragraphs']:,} paragraphs read differently")
    skipped = sum(len(run["skipped"]) for run in figures["runs"])
    if skipped:
        problems.append(f"{skipped} files skipped")
    return "; ".join(problems) or "ok"
