"""PDF documents: each page's text layer, one paragraph per text block, in logical order.

pypdf reads the text of each drawing operation with its position. Arabic PDFs
need three repairs before the text is searchable:

* **Run order.** Producers draw a line as runs (a stretch of Arabic, a number,
  a Latin name), each run's text in reading order but the runs placed left to
  right on the page: Chromium writes «سنة 310 للهجرة» as «للهجرة», «310», «سنة».
  A line's runs are sorted by where they start on the baseline and, in a
  right-to-left line, read from the right; neighbouring Latin and digit runs
  keep their left-to-right order.
* **Visual order inside a run.** Some producers store a run's letters as drawn,
  left to right. Presentation forms give that away (a word that starts with a
  final form was reversed); such a run is put back in logical order with the
  Unicode bidi algorithm (python-bidi).
* **Presentation forms.** Glyph codes such as ﻟ, the ligature ﻻ or Latin ﬁ become the
  letters they stand for (ل, لا) by NFKC, so that they fold and match like typed text.

Lines become blocks where the gap between lines is wider than the page's line
pitch (a sentence end helps decide), or the font size changes. A PDF without
any text (a scan) is refused with «no text layer (scanned?)».
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
from . import Block, ReaderOptions, ReadResult

# pypdf logs recoverable damage (a bad font width, a broken cross-reference) as
# warnings; without a handler Python would print them on stderr mid-progress bar.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

_RTL_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_PRESENTATION_FORM = re.compile(r"[\ufb00-\ufb06\ufb50-\ufdff\ufe70-\ufeff]")
# A block ends after a line that ends a sentence, when the next line is this much
# further away than the page's line pitch; any line this much further starts a block.
_SENTENCE_GAP = 1.12
_BLOCK_GAP = 1.4
_CLINGS = ".،,:;؛؟?!)]»"
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
        raise DocumentError("no text layer (scanned?)")
    return [ReadResult(title, blocks, warnings)]


def _title(reader) -> str:
    title = reader.metadata.title if reader.metadata else None
    return title.strip() if isinstance(title, str) else ""


def _page_lines(page) -> list[tuple[str, float, float]]:
    """The page's lines in drawing order: (text, baseline position, font size)."""
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
    lines: list[list[_Run]] = []
    for run in runs:
        if lines and abs(run.across - lines[-1][0].across) < 0.5 * max(run.size, 1.0):
            lines[-1].append(run)
        else:
            lines.append([run])
    return [
        (text, line[0].across, max(run.size for run in line))
        for line in lines
        if (text := _line_text(line).strip())
    ]


def _line_text(runs: list[_Run]) -> str:
    """One line's text in logical order, from its runs in any drawing order."""
    runs = sorted(runs, key=lambda run: run.along)  # left to right, ties in drawing order
    texts = [_logical_run(run.text) for run in runs]
    joined = "".join(texts)
    if len(_RTL_LETTER.findall(joined)) <= len(_LTR_LETTER.findall(joined)):
        return _fold_presentation_forms(joined)
    # Right to left: read the runs from the right, but keep each stretch of
    # Latin words and numbers (with the punctuation between them) left to right.
    kinds = [_direction(text) for text in texts]
    for i, kind in enumerate(kinds):
        before = next((k for k in reversed(kinds[:i]) if k != "neutral"), None)
        after = next((k for k in kinds[i + 1 :] if k != "neutral"), None)
        if kind == "neutral" and before == after == "ltr":
            kinds[i] = "ltr"
    groups: list[str] = []
    for i, text in enumerate(texts):
        if kinds[i] == "ltr" and i and kinds[i - 1] == "ltr":
            groups[-1] += text
        else:
            groups.append(text)
    line = ""
    for text in reversed(groups):
        # Runs drawn apart were words apart, unless one brings its own space
        # or the next is punctuation that clings to the word before it.
        if line and not (line[-1].isspace() or text[:1].isspace() or text[:1] in _CLINGS):
            line += " "
        line += text
    line = re.sub(r"  +", " ", line)
    return _fold_presentation_forms(line)


def _direction(text: str) -> str:
    if _RTL_LETTER.search(text):
        return "rtl"
    return "ltr" if _LTR_LETTER.search(text) or _DIGIT.search(text) else "neutral"


def _logical_run(text: str) -> str:
    """A run's text in logical order: reversed runs (told by their letter forms) are restored."""
    reversed_words = logical_words = 0
    for word in text.split():
        first, last = _form(word[0]), _form(word[-1])
        if first == "<final>" and last == "<initial>":
            reversed_words += 1
        elif first == "<initial>" and last == "<final>":
            logical_words += 1
    if reversed_words <= logical_words:
        return text
    # The pure-Python algorithm mirrors brackets (rule L4); python-bidi's faster
    # get_display does not.
    from bidi.algorithm import get_display

    # Bidi reordering undoes itself: the display order of the visual text is the logical one.
    return get_display(text, base_dir="R")


def _form(char: str) -> str:
    return unicodedata.decomposition(char).split(" ", 1)[0]


def _fold_presentation_forms(text: str) -> str:
    return _PRESENTATION_FORM.sub(lambda match: unicodedata.normalize("NFKC", match[0]), text)


def _blocks(lines: list[tuple[str, float, float]]) -> list[str]:
    """Group a page's lines into paragraphs by the gaps between them."""
    gaps = [
        abs(current[1] - previous[1])
        for previous, current in itertools.pairwise(lines)
        if _same_size(previous[2], current[2])
    ]
    sizes = [size for _, _, size in lines]
    pitch = min((gap for gap in gaps if gap > 0.5 * min(sizes)), default=None)
    blocks: list[list[str]] = []
    previous = None
    for text, across, size in lines:
        if previous is None or _starts_block(previous, (text, across, size), pitch):
            blocks.append([text])
        else:
            blocks[-1].append(text)
        previous = (text, across, size)
    return ["\n".join(block) for block in blocks]


def _starts_block(previous, current, pitch: float | None) -> bool:
    if not _same_size(previous[2], current[2]):
        return True
    pitch = pitch or 1.2 * current[2]
    gap = abs(current[1] - previous[1])
    if gap > _BLOCK_GAP * pitch:
        return True
    return gap > _SENTENCE_GAP * pitch and previous[0].endswith(_SENTENCE_END)


def _same_size(one: float, other: float) -> bool:
    return abs(one - other) <= 0.15 * max(one, other)
