"""Did you mean: the index's own words that a misspelled query word may stand for.

A word is compared with the indexed (folded) words of about its length that
start with its first letter, a letter typists confuse with it, or its first two
letters the other way round. The distance
is an edit distance in which the confusions Arabic typists make cost half an
edit: a letter swapped for its look- or sound-alike (ض/ظ, ذ/ز, س/ص, ت/ط, ق/ك,
ح/ه, ث/س) and a doubled letter; two neighbouring letters typed the other way
round («المحمكة» for «المحكمة») cost one edit, as Damerau counts them. Among
words equally near, the more frequent comes first.

When a search finds fewer than :data:`SUGGEST_BELOW` paragraphs, its rare
words (fewer paragraphs spell them so; and, for a word the texts hold, fewer
find it with its forms) are replaced by near indexed words, and the corrected
queries that find more are suggested. An ``=word`` keeps its ``=``: it is spelled as the best
paragraph of the corrected word writes it, and counted as that exact word; an
``=word`` whose folded word is indexed is first offered as the texts write it.
Fuzzy words («word~») use the plain edit distance.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..arabic import WORD, fold_readings, fold_term, light_stems, written_letters
from .query import positive_words

if TYPE_CHECKING:
    from whoosh import query

    from .plan import Vocabulary

_CONFUSED = ("ضظ", "ذز", "سص", "تط", "قك", "حه", "ثس")
# Each letter and the letters typists confuse it with.
_CONFUSED_WITH = {
    letter: "".join(
        other for pair in _CONFUSED if letter in pair for other in pair if other != letter
    )
    for letter in "".join(_CONFUSED)
}
_CHEAP = 0.5
# Two neighbouring letters the other way round: a whole edit, not half. Unlike a
# confusion it changes how the word looks, often into another word («علم»,
# «عمل»). Costing no less than adding a letter, it reaches no cell more cheaply
# than a cell of the row it skips: a row past the bound still ends the table.
_SWAP = 1.0
# At most one plain edit, or two cheap ones.
MAX_COST = 1.0
MAX_CORRECTIONS = 3
_MOST_EDITS = int(MAX_COST / _CHEAP)
_MOST_FOREIGN = int(MAX_COST)
# A search with fewer matching paragraphs gets "did you mean" suggestions.
SUGGEST_BELOW = 3


def weighted_distance(first: str, second: str, bound: float = MAX_COST) -> float:
    """Edit distance from ``first`` to ``second`` with Arabic typing slips at half
    cost; anything above ``bound`` is returned as ``bound + 1``."""
    return weighted_distances(first, [second], bound)[0]


def weighted_distances(
    word: str, others: list[str], bound: float = MAX_COST, slips: bool = True
) -> list[float]:
    """:func:`weighted_distance` from ``word`` to each of ``others``; without
    ``slips``, every edit costs one and two swapped letters are two: the plain
    Levenshtein distance.

    All the words are compared at once: each cell of the edit table is an array
    over them, padded to the longest (a cell only depends on the letters before
    it, so each word's distance is read in its own length's column).
    """
    import numpy as np  # only here: a search that finds plenty never suggests

    if not others:
        return []
    lengths = np.fromiter(map(len, others), dtype=np.int64, count=len(others))
    codes = np.zeros((len(others), int(lengths.max())), dtype=np.uint32)
    flat = np.frombuffer("".join(others).encode("utf-32-le"), dtype=np.uint32)
    codes[np.arange(codes.shape[1]) < lengths[:, None]] = flat
    doubled = np.zeros(codes.shape, dtype=bool)
    if slips:
        doubled[:, 1:] |= codes[:, 1:] == codes[:, :-1]
        doubled[:, :-1] |= codes[:, :-1] == codes[:, 1:]
    adding = np.where(doubled, _CHEAP, 1.0)
    previous = np.zeros((len(others), codes.shape[1] + 1))
    previous[:, 1:] = np.cumsum(adding, axis=1)
    drops = _indel_costs(word) if slips else [1.0] * len(word)
    # For swaps: the row before the previous one, and where the letter before stands.
    earlier, before = previous, None
    for at, (char, drop) in enumerate(zip(word, drops, strict=True)):
        confused = np.zeros(codes.shape, dtype=bool)
        for other in _CONFUSED_WITH.get(char, "") if slips else "":
            confused |= codes == ord(other)
        same = codes == ord(char)
        change = np.where(same, 0.0, np.where(confused, _CHEAP, 1.0))
        # Dropping this letter, or changing it; adding a letter runs along the row.
        best = np.minimum(previous[:, 1:] + drop, previous[:, :-1] + change)
        if slips and at and char != word[at - 1]:
            # This letter and the one before it, written the other way round.
            swapped = same[:, :-1] & before[:, 1:]
            np.minimum(best[:, 1:], earlier[:, :-2] + _SWAP, out=best[:, 1:], where=swapped)
        before = same
        current = np.empty_like(previous)
        current[:, 0] = previous[:, 0] + drop
        for column in range(codes.shape[1]):
            np.minimum(
                best[:, column], current[:, column] + adding[:, column], out=current[:, column + 1]
            )
        earlier, previous = previous, current
        if previous.min() > bound:
            break  # every path through this row already costs more
    distances = previous[np.arange(len(others)), lengths]
    return np.where(distances <= bound, distances, bound + 1).tolist()


def _indel_costs(word: str) -> list[float]:
    """What dropping or adding each letter costs: half when it doubles a neighbour."""
    return [
        _CHEAP if (at > 0 and word[at - 1] == char) or word[at + 1 : at + 2] == char else 1.0
        for at, char in enumerate(word)
    ]


def corrections(vocabulary: Vocabulary, term: str) -> list[tuple[float, int, str]]:
    """Up to :data:`MAX_CORRECTIONS` indexed words near ``term``, nearest and
    most frequent first: ``(cost, paragraphs, word)``."""
    firsts = {term[0]} | set(_CONFUSED_WITH.get(term[0], ""))
    lengths = range(len(term) - 1, len(term) + 2)
    searched = [(first, lengths) for first in sorted(firsts)]
    if len(term) > 1 and term[1] not in firsts:
        # The first two letters swapped («لامحكمة»): the swap costs all of
        # MAX_COST, so the word meant is of the same length.
        searched.append((term[1] + term[0], range(len(term), len(term) + 1)))
    alike = "".join(_CONFUSED_WITH.get(letter, "") for letter in term)
    near = [
        candidate
        for prefix, sizes in searched
        # Each edit costs at least half, so at most _MOST_EDITS fit in MAX_COST;
        # each brings at most one letter the word lacks and removes at most one
        # of its letters. A letter neither the word's nor confused with one of
        # them costs a whole edit, however often it is doubled.
        for candidate in vocabulary.near_terms(
            "terms", prefix, sizes, term, _MOST_EDITS, alike, _MOST_FOREIGN
        )
        if candidate != term
    ]
    found = [
        (cost, -vocabulary.doc_frequency("terms", candidate), candidate)
        for cost, candidate in zip(weighted_distances(term, near), near, strict=True)
        if cost <= MAX_COST
    ]
    found.sort()
    return [(cost, -negative, word) for cost, negative, word in found[:MAX_CORRECTIONS]]


def suggestions(
    vocabulary: Vocabulary,
    parsed: query.Query,
    text: str,
    total: int,
    search: Callable[[str], tuple[int, Callable[[str], str | None]]],
    unvocalized: bool = False,
) -> list[dict[str, object]]:
    """Queries with the rare words of ``text`` (parsed as ``parsed``, found
    ``total`` times) replaced by near indexed words, that find more paragraphs
    through ``search`` (a query in; its total out, and how its best hit writes
    a folded word the query matched there, or None): ``{"query", "total"}``,
    best first. With ``unvocalized`` (diacritics that keep only
    compatible words), ``text`` without its diacritics comes first."""
    # A number is no slip: «2020» is not a misspelled «2024», nor «20» of «21».
    words, exact = (
        {
            term
            for term in positive_words(parsed, exact)
            if vocabulary.doc_frequency("terms", term) < SUGGEST_BELOW and not term.isdecimal()
        }
        for exact in (False, True)
    )
    # A word the texts hold whose forms find enough («علم»: «العلم», «بالعلم») is
    # no slip, however rare its own spelling: «علي» is no correction of it.
    words = {
        term
        for term in words
        if not vocabulary.doc_frequency("terms", term) or search(term)[0] < SUGGEST_BELOW
    }
    words |= exact
    per_word = {term: corrections(vocabulary, term) for term in sorted(words)}
    # Each word on its own, nearest and most frequent first; then all at once.
    fixes = [
        {term: word}
        for _, _, term, word in sorted(
            (cost, -paragraphs, term, word)
            for term, found in per_word.items()
            for cost, paragraphs, word in found
        )
    ]
    if len(per_word) > 1 and all(per_word.values()):
        fixes.insert(0, {term: found[0][2] for term, found in per_word.items()})
    # Before them, an «=word» whose folded word the texts hold, written otherwise
    # («=مسئول» where they write «مسؤول»): the word as they write it, on its own.
    exact = set(positive_words(parsed, exact=True))
    fixes[:0] = [{term: term} for term in sorted(exact) if vocabulary.doc_frequency("terms", term)]
    suggested: list[dict[str, object]] = []
    bare = _without_marks(text)
    if unvocalized and bare != text:
        found, _ = search(bare)
        if found > total:
            suggested.append({"query": bare, "total": found})
    reached = set()
    corrected: list[tuple[frozenset, int]] = []
    for fix in fixes:
        found, spelling = search(_replace_words(text, fix, exact))
        if any(
            term not in exact and term in fold_readings(spelling(word) or word)
            for term, word in fix.items()
        ):
            continue  # «ٱلْعَـٰلَمِينَ» is «العلمين» and «العالمين»: one word, not a slip
        spelled = None
        if not exact.isdisjoint(fix):
            # «=word» counts only the occurrences written as suggested: the word's
            # best paragraph spells it, and the query with «=» and that spelling counts.
            spelled = _spelled(fix, spelling, exact)
            found, _ = search(_replace_words(text, spelled))
        # Words of one stem («مسلم», «مسلمة», «مسلما») find the same paragraphs:
        # one of them is suggested, not three that all say the same.
        reach = (found, frozenset((term, light_stems(word)[0]) for term, word in fix.items()))
        if found <= total or reach in reached:
            continue
        # Part of a correction already suggested that finds no more (either word is
        # enough) and leaves words no text holds («داعص تنظيم» after «داعش تنظيم»)
        # says it again, less well; one that keeps a word of the texts may not.
        fixed = frozenset(fix.items())
        if any(
            fixed <= other
            and found <= most
            and not any(vocabulary.doc_frequency("terms", term) for term, _ in other - fixed)
            for other, most in corrected
        ):
            continue
        reached.add(reach)
        corrected.append((fixed, found))
        shown = _replace_words(text, spelled or _spelled(fix, spelling))
        if shown != text and all(shown != other["query"] for other in suggested):
            suggested.append({"query": shown, "total": found})
        if len(suggested) == MAX_CORRECTIONS:
            break
    return suggested


def _spelled(
    fix: dict[str, str],
    spelling: Callable[[str], str | None],
    exact: frozenset[str] | set[str] = frozenset(),
) -> dict[str, str]:
    """The words of ``fix`` as the texts spell them, not their folded forms; those
    of ``exact`` as ``=word`` compares them (a Quranic «ٱلْكِتَـٰبُ» is «=الكتب»)."""
    return {
        term: (written_letters if term in exact else _without_marks)(spelling(word) or word)
        for term, word in fix.items()
    }


def _replace_words(
    text: str, replacements: dict[str, str], loosened: frozenset[str] | set[str] = frozenset()
) -> str:
    """``text`` with every word that folds to a key of ``replacements`` replaced;
    those folding to one of ``loosened`` lose the «=» before them."""
    for match in reversed(list(WORD.finditer(text))):
        term = fold_term(match.group())
        replacement = replacements.get(term)
        if replacement is not None:
            start = match.start()
            if term in loosened and text[start - 1 : start] == "=":
                start -= 1
            text = text[:start] + replacement + text[match.end() :]
    return text


def _without_marks(text: str) -> str:
    """``text`` without its diacritics and tatweel; a dagger alef stays: it is a
    letter of the word («الصلوٰۃ» reads «الصلاة», «الصلوۃ» does not)."""
    return "".join(
        c for c in text if c == "\u0670" or (not unicodedata.combining(c) and c != "\u0640")
    )
