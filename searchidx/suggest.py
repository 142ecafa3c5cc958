"""Did you mean: the index's own words that a misspelled query word may stand for.

A word is compared with the indexed (folded) words of about its length that
start with its first letter or a letter typists confuse with it. The distance
is an edit distance in which the confusions Arabic typists make cost half an
edit: a letter swapped for its look- or sound-alike (ض/ظ, ذ/ز, س/ص, ت/ط, ق/ك,
ح/ه, ث/س) and a doubled letter. Among words equally near, the more frequent
comes first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from whoosh.reading import IndexReader

_CONFUSED = ("ضظ", "ذز", "سص", "تط", "قك", "حه", "ثس")
_CONFUSIONS = frozenset(frozenset(pair) for pair in _CONFUSED)
_CHEAP = 0.5
# At most one plain edit, or two cheap ones.
MAX_COST = 1.0
MAX_CORRECTIONS = 3


def weighted_distance(first: str, second: str, bound: float = MAX_COST) -> float:
    """Edit distance from ``first`` to ``second`` with Arabic typing slips at half
    cost; anything above ``bound`` is returned as ``bound + 1``."""
    dropping, adding = _indel_costs(first), _indel_costs(second)
    previous = [0.0]
    for cost in adding:
        previous.append(previous[-1] + cost)
    for row, char in enumerate(first):
        drop = dropping[row]
        current = [previous[0] + drop]
        for column, other in enumerate(second):
            if char == other:
                change = previous[column]
            elif frozenset((char, other)) in _CONFUSIONS:
                change = previous[column] + _CHEAP
            else:
                change = previous[column] + 1.0
            current.append(
                min(previous[column + 1] + drop, current[column] + adding[column], change)
            )
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1] if previous[-1] <= bound else bound + 1


def _indel_costs(word: str) -> list[float]:
    """What dropping or adding each letter costs: half when it doubles a neighbour."""
    return [
        _CHEAP if (at > 0 and word[at - 1] == char) or word[at + 1 : at + 2] == char else 1.0
        for at, char in enumerate(word)
    ]


def corrections(reader: IndexReader, term: str) -> list[tuple[float, int, str]]:
    """Up to :data:`MAX_CORRECTIONS` indexed words near ``term``, nearest and
    most frequent first: ``(cost, paragraphs, word)``."""
    firsts = {term[0]} | {other for pair in _CONFUSED if term[0] in pair for other in pair}
    found = []
    for first in sorted(firsts):
        for btext in reader.expand_prefix("terms", first):
            candidate = btext.decode("utf-8")
            if candidate == term or abs(len(candidate) - len(term)) > 1:
                continue
            cost = weighted_distance(term, candidate)
            if cost <= MAX_COST:
                found.append((cost, -reader.doc_frequency("terms", candidate), candidate))
    found.sort()
    return [(cost, -negative, word) for cost, negative, word in found[:MAX_CORRECTIONS]]
