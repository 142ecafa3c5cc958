"""The query language's features, each timed against the plain word query of the same run.

Each entry of :data:`FEATURES` is one kind of search a user makes: how its
query is drawn from a corpus paragraph, and how it is asked (the keyword
arguments of :meth:`searchidx.Index.search`, or :meth:`~searchidx.Index.search_files`).
"word" is a word of the paragraph as typed on a keyboard (its diacritics,
tatweel and invisible marks left out), searched plainly: the baseline every
other kind is compared with. The others:

================ =========================================================
kind             the search (words drawn from one paragraph, as typed unless said)
================ =========================================================
fuzzy ~1         the word's folded spelling with one real typo, then ``~``
fuzzy ~2         the same with ``~2``, on words of six letters or more (on
                 shorter ones ``~2`` often reaches past 500 words, and is refused)
proximity        ``"w1 w3"~5``: the first and the third of three words
prefix           the word's folded spelling less its last one or two letters
                 (three kept after the article), then ``*``
did you mean     a word with one typo that finds fewer than 3 paragraphs, so
                 the search computes its suggestions (timed with them)
paging           the word, ``offset=50``
context          the word, ``context=2``
per file         the word, :meth:`~searchidx.Index.search_files`
any              two adjacent words, ``match_any=True`` (``--any``)
NOT              ``w1 NOT w2``, two words of the paragraph
exact            ``=word``: the word as typed, letters exact
vocalized        a word as written with its diacritics: compatible ones rank first
marks strict     the same, ``marks="strict"``: only compatible ones
================ =========================================================

Where SQLite FTS5 has the same operation, the entry also gives its MATCH
expression over the folded terms (the ``sqlite-fts5-folded`` peer's index):
the word ``"w"``, ``NEAR("w1" "w3", 4)`` (four words between at most, as 5
positions apart), ``"pre"*``, ``"w1" OR "w2"`` and ``"w1" NOT "w2"``. It
matches the folded spellings only, where searchidx adds each word's stem forms.

A typo swaps a letter for one Arabic typists confuse it with (ض/ظ, ذ/ز, س/ص,
ت/ط, ق/ك, ح/ه) where the word has one, else drops a letter; never in the
letters a fuzzy word keeps fixed (the article and the two letters after it).
Queries are drawn with a fixed seed and interleaved, one of each kind in
turn, so that load from other jobs on the machine falls on every kind alike;
``measure.py`` times them, each search asking for the top 10 with snippets, as
the speed queries do.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from searchidx import Index, QueryError, analyze
from searchidx.arabic import strip_article
from searchidx.search.plan import FUZZY_FIXED_CHARS
from searchidx.search.query import MIN_FUZZY_CHARS
from searchidx.search.suggest import SUGGEST_BELOW

from .queries import undiacritized

# Each feature's median and p95 may be at most this many times the word query's.
MAX_RATIO = 2.0
BASELINE = "word"
# Queries of each kind searched, untimed, before the timed ones.
WARM_UP_ROUNDS = 2
# Draws of a "did you mean" query (a typo that finds little) before giving up on a round.
_DRAWS = 50

_ARABIC_TERM = re.compile("[\u0621-\u064a]+")
_TYPO_PAIRS = ("ضظ", "ذز", "سص", "تط", "قك", "حه")
_TYPO_SWAPS = {pair[0]: pair[1] for pair in _TYPO_PAIRS} | {
    pair[1]: pair[0] for pair in _TYPO_PAIRS
}


@dataclass(frozen=True)
class FeatureQuery:
    """One search of a feature: the query, the search's options, and whether it
    lists files (:meth:`~searchidx.Index.search_files`) rather than paragraphs."""

    kind: str
    text: str
    options: dict = field(default_factory=dict)
    files: bool = False
    # The same search as an FTS5 MATCH expression over folded terms, where FTS5 has one.
    fts5: str | None = None

    def run(self, index: Index):
        search = index.search_files if self.files else index.search
        return search(self.text, limit=10, **self.options)


# A feature's query from a paragraph's tokens: (text, options, FTS5 MATCH or None), or
# None if the paragraph has none.
Draw = Callable[[random.Random, list], "tuple[str, dict, str | None] | None"]


@dataclass(frozen=True)
class Feature:
    """How one kind of query is drawn and asked."""

    draw: Draw
    files: bool = False
    # The query must find fewer than SUGGEST_BELOW paragraphs (did you mean).
    finds_little: bool = False


def _words(tokens: list, letters: int = 3) -> list:
    """The tokens of Arabic words of at least ``letters`` folded letters."""
    return [t for t in tokens if len(t.term) >= letters and _ARABIC_TERM.fullmatch(t.term)]


def _word(options: dict | None = None, fts5: bool = False) -> Draw:
    def draw(rng, tokens):
        words = _words(tokens)
        if not words:
            return None
        word = rng.choice(words)
        return undiacritized(word.text), options or {}, f'"{word.term}"' if fts5 else None

    return draw


def typo(term: str, rng: random.Random) -> str | None:
    """``term`` with one typo past the letters a fuzzy word keeps fixed, or None if
    no letter is past them.

    >>> typo("مدرسة", random.Random(1)), typo("الصلاة", random.Random(1))
    ('مدرصة', 'الصلة')
    """
    fixed = len(term) - len(strip_article(term, MIN_FUZZY_CHARS)) + FUZZY_FIXED_CHARS
    places = range(fixed, len(term))
    if not places:
        return None
    swappable = [place for place in places if term[place] in _TYPO_SWAPS]
    if swappable:
        place = rng.choice(swappable)
        return term[:place] + _TYPO_SWAPS[term[place]] + term[place + 1 :]
    place = rng.choice(places)
    return term[:place] + term[place + 1 :]


def _typo(suffix: str, letters: int = 5) -> Draw:
    def draw(rng, tokens):
        words = _words(tokens, letters)
        misspelt = typo(rng.choice(words).term, rng) if words else None
        return (misspelt + suffix, {}, None) if misspelt else None

    return draw


def _apart(rng, tokens, gap: int) -> tuple | None:
    """Two words of the paragraph ``gap`` words apart (1: side by side), or None."""
    words = _words(tokens, 1)
    if len(words) <= gap:
        return None
    start = rng.randrange(len(words) - gap)
    return words[start], words[start + gap]


def _proximity(rng, tokens):
    if (pair := _apart(rng, tokens, 2)) is None:
        return None
    first, third = pair
    typed = f'"{undiacritized(first.text)} {undiacritized(third.text)}"~5'
    return typed, {}, f'NEAR("{first.term}" "{third.term}", 4)'


def _prefix(rng, tokens):
    words = _words(tokens, 5)
    if not words:
        return None
    term = rng.choice(words).term
    # Three letters at least after the article, as a user narrows «ال*» down.
    shortest = len(term) - len(strip_article(term)) + 3
    length = max(len(term) - rng.choice((1, 2)), shortest)
    if length >= len(term):
        return None
    return term[:length] + "*", {}, f'"{term[:length]}"*'


def _any(rng, tokens):
    if (pair := _apart(rng, tokens, 1)) is None:
        return None
    first, second = pair
    typed = f"{undiacritized(first.text)} {undiacritized(second.text)}"
    return typed, {"match_any": True}, f'"{first.term}" OR "{second.term}"'


def _exact(rng, tokens):
    words = _words(tokens)
    return ("=" + undiacritized(rng.choice(words).text), {}, None) if words else None


def _vocalized(options: dict) -> Draw:
    def draw(rng, tokens):
        words = [word for word in _words(tokens) if undiacritized(word.text) != word.text]
        return (rng.choice(words).text, options, None) if words else None

    return draw


def _not(rng, tokens):
    words = _words(tokens)
    if len(words) < 2:
        return None
    kept, excluded = rng.sample(words, 2)
    if kept.term == excluded.term:
        return None
    typed = f"{undiacritized(kept.text)} NOT {undiacritized(excluded.text)}"
    return typed, {}, f'"{kept.term}" NOT "{excluded.term}"'


FEATURES: dict[str, Feature] = {
    BASELINE: Feature(_word(fts5=True)),
    "fuzzy ~1": Feature(_typo("~")),
    "fuzzy ~2": Feature(_typo("~2", 6)),
    "proximity": Feature(_proximity),
    "prefix": Feature(_prefix),
    "did you mean": Feature(_typo(""), finds_little=True),
    "paging": Feature(_word({"offset": 50})),
    "context": Feature(_word({"context": 2})),
    "per file": Feature(_word(), files=True),
    "any": Feature(_any),
    "NOT": Feature(_not),
    "exact": Feature(_exact),
    "vocalized": Feature(_vocalized({})),
    "marks strict": Feature(_vocalized({"marks": "strict"})),
}


def feature_queries(
    paragraphs: list[str], per_kind: int, index: Index, seed: int = 1
) -> list[FeatureQuery]:
    """``per_kind`` queries of each feature, one of each kind in turn.

    ``index`` tells which misspelt words find little (for "did you mean"): open
    it apart from the index measured, whose caches these searches would warm. A
    kind that draws no query in :data:`_DRAWS` tries is one query short.
    """
    rng = random.Random(seed)
    queries = []
    for _ in range(per_kind):
        for kind, feature in FEATURES.items():
            for _ in range(_DRAWS):
                drawn = feature.draw(rng, analyze(rng.choice(paragraphs)))
                if drawn is None:
                    continue
                query = FeatureQuery(kind, *drawn[:2], feature.files, drawn[2])
                if not feature.finds_little or _finds_little(index, query):
                    queries.append(query)
                    break
    return queries


def _finds_little(index: Index, query: FeatureQuery) -> bool:
    try:
        return index.search(query.text, limit=1).total < SUGGEST_BELOW
    except QueryError:
        return False
