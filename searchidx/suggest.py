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
    previous = [0.0]
    for column in range(1, len(second) + 1):
        previous.append(previous[-1] + _indel_cost(second, column - 1))
    for row, char in enumerate(first, 1):
        current = [previous[0] + _indel_cost(first, row - 1)]
        for column, other in enumerate(second, 1):
            if char == other:
                change = 0.0
            elif frozenset((char, other)) in _CONFUSIONS:
                change = _CHEAP
            else:
                change = 1.0
            current.append(
                min(
                    previous[column] + _indel_cost(first, row - 1),
                    current[column - 1] + _indel_cost(second, column - 1),
                    previous[column - 1] + change,
                )
            )
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1] if previous[-1] <= bound else bound + 1


def _indel_cost(word: str, at: int) -> float:
    """Dropping or adding ``word[at]`` costs half when it doubles a neighbour."""
    char = word[at]
    doubled = (at > 0 and word[at - 1] == char) or (at + 1 < len(word) and word[at + 1] == char)
    return _CHEAP if doubled else 1.0


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
