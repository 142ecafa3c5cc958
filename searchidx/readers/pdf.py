"""PDF documents: each page's text layer, one paragraph per text block, in logical order.

pypdf reads the text of each drawing operation with its position. Arabic PDFs
need these repairs before the text is searchable:

* **Run order.** Producers draw a line as runs (a stretch of Arabic, a number,
  a Latin name), each run's text in reading order but the runs placed left to
  right on the page: Chromium writes «سنة 310 للهجرة» as «للهجرة», «310», «سنة».
  A line's runs are sorted by where they start on the baseline and, in a
  right-to-left line, read from the right; neighbouring Latin runs keep their
  left-to-right order. Numbers joined by hyphens are runs of their own, placed
  from the right («0123-456-789» drawn as «789-456-0123»), so they read from
  the right like the Arabic around them.
* **Word breaks.** A producer that draws its spaces as glyphs (Chromium) also
  splits bold text into runs inside words: on such a page two Arabic runs
  meet without a space. Letters that join never get one between them.
* **Visual order inside a run.** Some producers store a run's letters as drawn,
  left to right. Presentation forms give that away (a word that starts with a
  final form was reversed); such a run is put back in logical order with the
  Unicode bidi algorithm (python-bidi).
* **Digits.** Arabic-Indic digits inside a right-to-left run arrive in glyph
  order, from the right, and are turned back: «٢٠٢٤», not «٤٢٠٢».
* **Spaces beside punctuation.** A space glyph drawn next to a full stop, a
  colon, a percent sign or a quote is put where it was typed.
* **Presentation forms.** Glyph codes such as ﻟ, the ligature ﻻ or Latin ﬁ become the
  letters they stand for (ل, لا) by NFKC, so that they fold and match like typed text.

Lines become blocks where the gap between lines is wider than the page's line
pitch (a sentence end or a line that stops short helps decide), or the font
size changes. A PDF without any text (a scan) is refused with «no text layer
(scanned?)», one whose text layer holds only spaces with «no text».
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
import unicodedata
from dataclasses import dataclass

from ..errors import DocumentError
from .base import Block, ReaderOptions, ReadResult

# pypdf logs recoverable damage (a bad font width, a broken cross-reference) as
# warnings; without a handler Python would print them on stderr mid-progress bar.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_ARABIC_NUMBER = re.compile(
    r"[\u0660-\u0669\u06f0-\u06f9](?:[\u066b\u066c.,]?[\u0660-\u0669\u06f0-\u06f9])*"
)
_PRESENTATION_FORM = re.compile(r"[\ufb00-\ufb06\ufb50-\ufdff\ufe70-\ufeff]")
# A block ends after a line that ends a sentence or stops short, when the next
# line is this much further away than the page's line pitch; any line this much
# further starts a block. No font's lines are more than twice its size apart.
_SENTENCE_GAP = 1.12
_BLOCK_GAP = 1.4
_MAX_PITCH = 2.0
_CLINGS = ".،,:;؛؟?!)]»"
_CLOSING = ".،,:;؛؟?!"
_SENTENCE_END = (".", "؟", "?", "!", ":", "»", '"', "”", "…")


@dataclass
class _Run:
    """The text of one drawing operation, where its baseline starts, and its size."""

    text: str
    along: float  # position along the baseline
    across: float  # position of the baseline, across the page
    size: float


def read_pdf(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read a PDF's text layer: one block per paragraph, locator ``page N``."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(
                "the PDF is encrypted with a password; index a copy without it (qpdf --decrypt)"
            )
        pages = list(reader.pages)
        title = _title(reader)
    except DocumentError:
        raise
    except DependencyError:
        raise DocumentError(
            "the PDF is AES-encrypted; `pip install cryptography` lets searchidx read it"
        ) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        raise DocumentError("not a valid PDF file (damaged)") from None
    blocks, warnings = [], []
    for number, page in enumerate(pages, 1):
        try:
            lines = _page_lines(page)
        # A damaged page raises whatever its broken object happens to trip in
        # pypdf; one page must not cost the rest of the document.
        except Exception:
            warnings.append(f"page {number}: text could not be read")
            continue
        blocks += [Block(text, f"page {number}") for text in _blocks(lines)]
    if not blocks:
        if any(_has_fonts(page) for page in pages):
            raise DocumentError("no text: the text layer holds only spaces")
        raise DocumentError("no text layer (scanned?)")
    return [ReadResult(title, blocks, warnings)]


def _has_fonts(page) -> bool:
    """Whether the page can draw text at all: it names a font."""
    try:
        return bool(page["/Resources"].get_object().get("/Font"))
    except (KeyError, AttributeError, TypeError, ValueError):
        return False


def _title(reader) -> str:
    title = reader.metadata.title if reader.metadata else None
    return title.strip() if isinstance(title, str) else ""


@dataclass
class _Line:
    """A line's text, the position of its baseline, its font size, and whether it stops short."""

    text: str
    across: float
    size: float
    short: bool = False


def _is_rtl(text: str) -> bool:
    return len(_RTL_LETTER.findall(text)) > len(_LTR_LETTER.findall(text))


def _page_lines(page) -> list[_Line]:
    """The page's lines in drawing order."""
    runs: list[_Run] = []

    def collect(text, cm, tm, font, size):
        text = text.replace("\n", "")
        if not text:
            return
        # Text space to page space: the text matrix times the current transformation.
        a, b, c, d, e, f = (
            tm[0] * cm[0] + tm[1] * cm[2],
            tm[0] * cm[1] + tm[1] * cm[3],
            tm[2] * cm[0] + tm[3] * cm[2],
            tm[2] * cm[1] + tm[3] * cm[3],
            tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
            tm[4] * cm[1] + tm[5] * cm[3] + cm[5],
        )
        # Measure along and across the baseline, so rotated pages read like upright ones.
        length = math.hypot(a, b) or 1.0
        along = (e * a + f * b) / length
        across = (f * a - e * b) / length
        runs.append(_Run(text, along, across, abs(size) * (math.hypot(c, d) or 1.0)))

    page.extract_text(visitor_text=collect)
    # A producer that draws its spaces as characters (Chromium does) splits runs
    # inside words too (at each change of glyph batch, as bold text does): on
    # such a page only the drawn spaces separate words.
    spaces_drawn = any(not run.text.strip() or " " in run.text for run in runs)
    lines: list[list[_Run]] = []
    for run in runs:
        if lines and abs(run.across - lines[-1][0].across) < 0.5 * max(run.size, 1.0):
            lines[-1].append(run)
        else:
            lines.append([run])
    # A right-to-left line that stops short of the left margin ends its paragraph.
    margin = min((run.along for run in runs), default=0.0)
    return [
        _Line(text, line[0].across, size, _is_rtl(text) and left - margin > 3 * size)
        for line in lines
        if (text := _line_text(line, spaces_drawn).strip())
        and (size := max(run.size for run in line))
        and (left := min(run.along for run in line)) is not None
    ]


def _line_text(runs: list[_Run], spaces_drawn: bool = False) -> str:
    """One line's text in logical order, from its runs in any drawing order."""
    runs = sorted(runs, key=lambda run: run.along)  # left to right, ties in drawing order
    texts = [_logical_run(run.text) for run in runs]
    joined = "".join(texts)
    if not _is_rtl(joined):
        return _fold_presentation_forms(joined)
    # Right to left: read the runs from the right, but keep each stretch of
    # Latin words (with the punctuation between them) left to right. Numbers
    # joined by a hyphen or a slash are drawn as separate runs placed from the
    # right («10-20» drawn as «20-10»), so only a Latin letter makes a stretch.
    kinds = [_direction(text) for text in texts]
    for i, kind in enumerate(kinds):
        before = next((k for k in reversed(kinds[:i]) if k != "neutral"), None)
        after = next((k for k in kinds[i + 1 :] if k != "neutral"), None)
        latin = _LTR_LETTER.search(texts[i - 1] + texts[i + 1]) if 0 < i < len(texts) - 1 else None
        if kind == "neutral" and before == after == "ltr" and latin:
            kinds[i] = "ltr"
    groups: list[str] = []
    starts: list[float] = []
    for i, text in enumerate(texts):
        if kinds[i] == "ltr" and i and kinds[i - 1] == "ltr":
            groups[-1] += text
        else:
            groups.append(text)
            starts.append(runs[i].along)
    # A full stop or colon that starts less than a letter's width right of an
    # Arabic word's start is drawn over that word's end (Chromium places them
    # so): it follows the word, it does not precede it.
    for i in range(len(groups) - 1):
        closing = groups[i + 1].strip() and not groups[i + 1].strip().strip(_CLOSING)
        overlaps = starts[i + 1] - starts[i] < 0.75 * runs[0].size
        if closing and overlaps and _RTL_LETTER.search(groups[i]):
            groups[i], groups[i + 1] = groups[i + 1], groups[i]
            starts[i], starts[i + 1] = starts[i + 1], starts[i]
    groups.reverse()
    line = ""
    for text in groups:
        if line and _word_break(line, text, spaces_drawn):
            line += " "
        line += text
    return _fold_presentation_forms(_tidy_spaces(line))


def _tidy_quotes(line: str) -> str:
    """A straight quote with a space on both sides clings to what it quotes:
    the first of a pair to the word after it, the second to the word before it."""
    parts = line.split('"')
    text, opened = parts[0], False
    for part in parts[1:]:
        spaced_before = not text or text.endswith(" ")
        spaced_after = not part or part.startswith(" ")
        if spaced_before and spaced_after:
            # At the line's start a quote opens, at its end it closes.
            opening = not text.strip() or (bool(part.strip()) and not opened)
            if opening:
                part = part.lstrip(" ")
            else:
                text = text.rstrip(" ")
            opened = opening
        else:
            opened = spaced_before
        text += '"' + part
    return text


def _word_break(before: str, text: str, spaces_drawn: bool) -> bool:
    """Whether runs drawn apart were words apart: a space goes between them.

    Not when one brings its own space, the next is punctuation that clings to
    the word before it, the letters join (the last one has a form that joins
    on), or two Arabic runs meet on a page whose producer draws its spaces.
    """
    if before[-1].isspace() or text[:1].isspace() or text[:1] in _CLINGS:
        return False
    if _form(before[-1]) in ("<initial>", "<medial>"):
        return False
    # Numbers and the hyphen or slash between them stay one number: «0123-456-789».
    if (before[-1].isdigit() and text[0] in "-/") or (
        before[-1] in "-/" and before[-2:-1].isdigit() and text[0].isdigit()
    ):
        return False
    return not (spaces_drawn and _RTL_LETTER.match(before[-1]) and _RTL_LETTER.match(text[0]))


def _tidy_spaces(line: str) -> str:
    """Spaces where a writer puts them: none before closing punctuation or inside quotes.

    Producers draw a space glyph next to a neighbouring run, not always on the
    side it was typed: «الكواكب .», «" القانون "» and «75 %» come back tidy.
    """
    line = re.sub(r"\s+", " ", line)
    line = re.sub(r" +(?=[.،,:;؛؟?!)\]»%])", "", line)
    line = re.sub(r"(?<=[(\[«]) +", "", line)
    line = _tidy_quotes(line)
    # An Arabic word's colon or comma is followed by a space («الهاتف: 0123»).
    return re.sub(r"(?<=[\u0621-\u064a][:،؛])(?=\S)", " ", line)


def _direction(text: str) -> str:
    if _RTL_LETTER.search(text):
        return "rtl"
    return "ltr" if _LTR_LETTER.search(text) or _DIGIT.search(text) else "neutral"


def _logical_run(text: str) -> str:
    """A run's text in logical order: reversed runs (told by their letter forms) are restored.

    A run drawn in logical order keeps its Arabic-Indic digits in the order of
    its glyphs, which a right-to-left run places from the right: «٢٠٢٤» arrives
    as «٤٢٠٢» and is turned back. (Digits are written left to right.)
    """
    reversed_words = logical_words = 0
    for word in text.split():
        first, last = _form(word[0]), _form(word[-1])
        if first == "<final>" and last == "<initial>":
            reversed_words += 1
        elif first == "<initial>" and last == "<final>":
            logical_words += 1
    if reversed_words <= logical_words:
        return _ARABIC_NUMBER.sub(lambda match: match[0][::-1], text)
    # The pure-Python algorithm mirrors brackets (rule L4); python-bidi's faster
    # get_display does not.
    from bidi.algorithm import get_display

    # Bidi reordering undoes itself: the display order of the visual text is the logical one.
    return get_display(text, base_dir="R")


def _form(char: str) -> str:
    return unicodedata.decomposition(char).split(" ", 1)[0]


def _fold_presentation_forms(text: str) -> str:
    return _PRESENTATION_FORM.sub(lambda match: unicodedata.normalize("NFKC", match[0]), text)


def _blocks(lines: list[_Line]) -> list[str]:
    """Group a page's lines into paragraphs by the gaps between them."""
    gaps = [
        abs(current.across - previous.across)
        for previous, current in itertools.pairwise(lines)
        if _same_size(previous.size, current.size)
    ]
    sizes = sorted(line.size for line in lines)
    # The narrowest gap is the line pitch, unless every line is a paragraph of its own.
    pitch = min((gap for gap in gaps if gap > 0.5 * sizes[0]), default=None)
    if pitch is not None:
        pitch = min(pitch, _MAX_PITCH * sizes[len(sizes) // 2])
    blocks: list[list[str]] = []
    previous = None
    for line in lines:
        if previous is None or _starts_block(previous, line, pitch):
            blocks.append([line.text])
        else:
            blocks[-1].append(line.text)
        previous = line
    return ["\n".join(block) for block in blocks]


def _starts_block(previous: _Line, current: _Line, pitch: float | None) -> bool:
    if not _same_size(previous.size, current.size):
        return True
    pitch = pitch or 1.2 * current.size
    gap = abs(current.across - previous.across)
    if gap > _BLOCK_GAP * pitch:
        return True
    ended = previous.short or previous.text.endswith(_SENTENCE_END)
    return gap > _SENTENCE_GAP * pitch and ended


def _same_size(one: float, other: float) -> bool:
    return abs(one - other) <= 0.15 * max(one, other)
