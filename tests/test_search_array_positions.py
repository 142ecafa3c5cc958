"""Proximity's comparison of two words' occurrences against counting every pair.

The index's paragraphs stop at 20,000 characters, so no test corpus reaches the
documents and positions that need 64-bit keys: here the occurrences are made up,
with positions past 2**15 in documents past 2**20.
"""

import random

import numpy as np
import pytest

from searchidx.search.array_positions import _near_pair


def occurrences(rng: random.Random, documents: list, length: int, forms: int, count: int):
    """``(docs, positions)`` of a word of ``forms`` forms in some of ``documents``,
    each form's in order, one form after another, as the side files give them;
    some forms share positions."""
    docs, positions = [], []
    for _ in range(forms):
        chosen = sorted(
            {(rng.choice(documents), rng.randrange(length)) for _ in range(count // forms + 1)}
        )
        docs += [doc for doc, _ in chosen]
        positions += [position for _, position in chosen]
    return np.array(docs, dtype=np.uint32), np.array(positions, dtype=np.int64)


def counted(first, second, slop: int) -> set[int]:
    """The documents where an occurrence of ``first`` is 1 to ``slop`` positions
    from one of ``second``, by looking at every pair."""
    found = set()
    for doc, position in zip(*first, strict=True):
        for other_doc, other_position in zip(*second, strict=True):
            if doc == other_doc and 1 <= abs(int(position) - int(other_position)) <= slop:
                found.add(int(doc))
    return found


@pytest.mark.parametrize(
    ("documents", "length"),
    [
        (range(5), 40),
        (range(30), 300),
        # 64-bit keys: 2**21 documents of 2**16 positions, 2**14 of 2**17.
        ([0, *range(2**21 - 4, 2**21)], 2**16),
        ([2**13, *range(2**14, 2**14 + 3)], 2**17),
    ],
)
def test_two_words_are_near_where_some_pair_of_occurrences_is(documents, length):
    rng = random.Random(length)
    documents = list(documents)
    found = missed = 0
    for _ in range(40):
        first = occurrences(rng, documents, length, rng.randint(1, 3), rng.randint(1, 80))
        if rng.random() < 0.3:  # the same positions, as two words sharing forms
            second = (first[0].copy(), first[1].copy())
        else:
            second = occurrences(rng, documents, length, rng.randint(1, 3), rng.randint(1, 80))
        slop = rng.choice([2, 3, 5, 8, 1000])
        near = set(_near_pair(first, second, slop).tolist())
        assert near == counted(first, second, slop)
        found += bool(near)
        missed += bool(set(first[0].tolist()) & set(second[0].tolist()) - near)
        # A word near itself: two distinct positions, never one with itself.
        assert set(_near_pair(first, first, slop).tolist()) == counted(first, first, slop)
    assert found >= 10 and missed >= 5  # words near, and words in one document far
