"""Benchmark queries, drawn deterministically from the corpus itself.

Speed queries (:func:`speed_queries`) are copied from random paragraphs as
they are written, diacritics included: one word, two words (both required),
or a quoted phrase of two or three words.

Quality queries (:func:`quality_queries`) are what a user types to find a
word seen in a paragraph. Each target word has at least four letters, and its
folded term (see :func:`~searchidx.arabic.fold_term`) is in 2 to 50
paragraphs, so that the paragraphs holding it can be told apart. Every
variant is typed without diacritics, as users do, and changes one thing more:

============== ======================================================
variant        what changes (original word → query)
============== ======================================================
no diacritics  nothing more: «أَحْمَدُ» → «أحمد»
alef           hamza on alef dropped «أحمد» → «احمد», or added «اسلم» → «أسلم»
teh marbuta    final ة typed as ه: «الصلاة» → «الصلاه»
alef maksura   final ى and ي swapped: «موسى» → «موسي», «النبي» → «النبى»
hamza seat     ؤ typed as ئ: «المؤمنين» → «المئمنين»
arabic letters Urdu letter forms typed as Arabic: «نبیہ» → «نبيه»
clitic         article or conjunction removed «والكتاب» → «الكتاب»,
               «الكتاب» → «كتاب», or conjunction added «كتاب» → «وكتاب»
               (not to words starting with و or ف)
initial waw    article removed before a و of the word: «الوزير» → «وزير»
hamza alef     article removed before a hamza-alef: «الأموال» → «أموال»
tanween        tanween alef removed: «صباحاً» → «صباح»
nisba          nisba plural or feminine to the singular: «الأنصارية» → «أنصاري»
============== ======================================================

A variant is made only where the word has the letter it changes, and each
variant gets the same number of queries where the corpus allows.

The quality score of a query is its recall (:func:`recall`): the share of the
paragraphs holding the target word's folded term that the search finds. For
the spelling variants, which fold to the target's own term, these are counted
in the top 10, out of at most 10: a query whose word is in 3 paragraphs
scores 2/3 when two of them come back; one whose word is in 40 scores 1.0
when all ten results hold it. The other variants (clitic and the ones after
it) change the word itself, so the paragraphs holding it are found by stem,
and rightly rank below paragraphs with the query's own spelling: for them
every paragraph found counts, at any rank.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from searchidx import analyze

MIN_DOCUMENT_FREQUENCY = 2
MAX_DOCUMENT_FREQUENCY = 50
MIN_LETTERS = 4
TOP = 10
KINDS = ("word", "two words", "phrase")

_ARABIC_TERM = re.compile("[\u0621-\u064a]+")
_HAMZA_ALEFS = re.compile("[أإآ]")
_URDU_TO_ARABIC = str.maketrans("یکہۃھ", "يكهةه")


@dataclass(frozen=True)
class Query:
    """A speed query and its kind: "word", "two words" or "phrase"."""

    text: str
    kind: str


@dataclass(frozen=True)
class QualityQuery:
    """A spelling variant of a word, the paragraph it came from and every paragraph holding it."""

    text: str
    variant: str
    word: str
    target: int
    relevant: frozenset[int]


def speed_queries(paragraphs: list[str], per_kind: int = 100, seed: int = 1) -> list[Query]:
    """``per_kind`` queries of each kind, copied from random paragraphs, kinds interleaved.

    Every query starts at a word of three letters or more; the words of a
    phrase follow each other in the paragraph.
    """
    rng = random.Random(seed)
    queries = []
    while len(queries) < 3 * per_kind:
        tokens = analyze(rng.choice(paragraphs))
        words = [token.text for token in tokens]
        starts = [
            position
            for position, token in enumerate(tokens[:-2])
            if len(token.term) >= 3 and _ARABIC_TERM.fullmatch(token.term)
        ]
        if not starts:
            continue
        start = rng.choice(starts)
        kind = KINDS[len(queries) % len(KINDS)]
        if kind == "word":
            text = words[start]
        elif kind == "two words":
            text = " ".join(words[start : start + 2])
        else:
            text = '"' + " ".join(words[start : start + rng.choice((2, 3))]) + '"'
        queries.append(Query(text, kind))
    return queries


def quality_queries(
    paragraphs: list[str], per_variant: int = 50, seed: int = 1
) -> list[QualityQuery]:
    """Up to ``per_variant`` queries of each variant, for words of random paragraphs.

    Paragraphs are visited in a random order, one target word from each, until
    every variant has its share or the paragraphs run out: a corpus without
    Urdu letter forms has no "arabic letters" queries.
    """
    holders = _paragraphs_by_rare_term(paragraphs)
    rng = random.Random(seed)
    order = list(range(len(paragraphs)))
    rng.shuffle(order)
    counts = dict.fromkeys(VARIANTS, 0)
    chosen_terms = set()
    queries = []
    for target in order:
        if min(counts.values()) >= per_variant:
            break
        candidates = []
        for token in analyze(paragraphs[target]):
            if (
                len(token.term) >= MIN_LETTERS
                and _ARABIC_TERM.fullmatch(token.term)
                and MIN_DOCUMENT_FREQUENCY <= len(holders[token.term]) <= MAX_DOCUMENT_FREQUENCY
                and token.term not in chosen_terms
            ):
                variants = {
                    variant: text
                    for variant, text in spelling_variants(token.text).items()
                    if counts[variant] < per_variant
                }
                if variants:
                    candidates.append((token, variants))
        if not candidates:
            continue
        token, variants = rng.choice(candidates)
        chosen_terms.add(token.term)
        relevant = frozenset(holders[token.term])
        for variant, text in variants.items():
            counts[variant] += 1
            queries.append(QualityQuery(text, variant, token.text, target, relevant))
    return queries


def _paragraphs_by_rare_term(paragraphs: list[str]) -> dict[str, list[int]]:
    # Lists stop growing past the largest frequency wanted: a list that stopped
    # is too long to qualify, and memory stays small on the large corpus.
    holders: dict[str, list[int]] = {}
    for index, paragraph in enumerate(paragraphs):
        for term in {token.term for token in analyze(paragraph)}:
            found = holders.setdefault(term, [])
            if len(found) <= MAX_DOCUMENT_FREQUENCY:
                found.append(index)
    return holders


def undiacritized(word: str) -> str:
    """A word as typed on a keyboard: no diacritics, tatweel or invisible marks.

    >>> undiacritized("الرَّحْمَـٰنِ")
    'الرحمن'
    """
    composed = unicodedata.normalize("NFC", word).replace("\u0640", "")
    return "".join(char for char in composed if unicodedata.category(char) not in ("Mn", "Cf"))


def spelling_variants(word: str) -> dict[str, str]:
    """The variants of ``word`` that differ from what it is, by variant name.

    >>> spelling_variants("الصَّلَاةُ")
    {'no diacritics': 'الصلاة', 'teh marbuta': 'الصلاه', 'clitic': 'صلاة'}
    """
    typed = undiacritized(word)
    variants = {"no diacritics": typed} if typed != word else {}
    for variant, change in _CHANGES.items():
        changed = change(typed, word)
        if changed != typed:
            variants[variant] = changed
    return variants


def _swap_alef(word: str) -> str:
    if _HAMZA_ALEFS.search(word):
        return _HAMZA_ALEFS.sub("ا", word)
    if word.startswith("ا") and not word.startswith("ال"):
        return "أ" + word[1:]
    return word


def _swap_final_yeh(word: str) -> str:
    if word.endswith("ى"):
        return word[:-1] + "ي"
    if word.endswith("ي"):
        return word[:-1] + "ى"
    return word


def _change_clitic(word: str) -> str:
    # Three letters must remain after the article, or «والد» would lose a root letter.
    if word.startswith(("وال", "بال", "فال", "كال")) and len(word) >= 6:
        return word[1:]
    if word.startswith("ال") and len(word) >= 5:
        return word[2:]
    # A word starting with و or ف may already carry a conjunction: none is added.
    if word.startswith(("و", "ف")):
        return word
    return "و" + word


def _drop_article_before(letters: str) -> Callable[[str], str]:
    def change(word: str) -> str:
        if word.startswith("ال") and word[2:3] in letters and len(word) >= 5:
            return word[2:]
        return word

    return change


def _drop_tanween_alef(word: str, original: str) -> str:
    # Only where the mark shows that the alef is a tanween alef.
    composed = unicodedata.normalize("NFC", original)
    if len(word) >= 5 and (composed.endswith("اً") or composed.endswith("ًا")):
        return word[:-1]
    return word


def _nisba_singular(word: str) -> str:
    # Adjectives only (with the article), and not «الرواية», whose ي is a root letter.
    if not word.startswith("ال"):
        return word
    bare = word[2:]
    for ending in ("يين", "يون", "يات", "ية"):
        stem = bare[: -len(ending)]
        if bare.endswith(ending) and len(stem) >= 3 and not stem.endswith("ا"):
            return stem + "ي"
    return word


_CHANGES: dict[str, Callable[[str, str], str]] = {
    "alef": lambda word, _: _swap_alef(word),
    "teh marbuta": lambda word, _: word[:-1] + "ه" if word.endswith("ة") else word,
    "alef maksura": lambda word, _: _swap_final_yeh(word),
    "hamza seat": lambda word, _: word.replace("ؤ", "ئ"),
    "arabic letters": lambda word, _: word.translate(_URDU_TO_ARABIC),
    "clitic": lambda word, _: _change_clitic(word),
    "initial waw": lambda word, _: _drop_article_before("و")(word),
    "hamza alef": lambda word, _: _drop_article_before("أإآ")(word),
    "tanween": _drop_tanween_alef,
    "nisba": lambda word, _: _nisba_singular(word),
}
VARIANTS = ("no diacritics", *_CHANGES)
# Variants that change the word, not only its spelling: found by stem.
STEM_VARIANTS = frozenset(VARIANTS[VARIANTS.index("clitic") :])


def recall(results: list[int], query: QualityQuery) -> float:
    """Share of the query's relevant paragraphs among ``results``.

    Spelling variants count the top 10, out of at most 10; the variants found
    by stem (:data:`STEM_VARIANTS`) count every result.
    """
    if query.variant in STEM_VARIANTS:
        return len(query.relevant.intersection(results)) / len(query.relevant)
    found = len(query.relevant.intersection(results[:TOP]))
    return found / min(TOP, len(query.relevant))
