"""Proximity's comparison of two words' occurrences against counting every pair,
and phrases' start keys against looking at every occurrence.

The index's paragraphs stop at 20,000 characters, so no test corpus reaches the
documents and positions that need 64-bit keys: here the occurrences are made up,
with positions past 2**15 in documents past 2**20.
"""

import random
from types import SimpleNamespace

import numpy as np
import pytest

from searchidx.search.array_positions import (
    _POSITION,
    KeptArrays,
    _common_keys,
    _near,
    _near_layout,
    _near_pair,
    _occurrence_keys,
    _start_keys,
    _start_layout,
)


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
    # As _near_layout lays out the keys of a segment of these documents and positions.
    shift = (2 * length - 1).bit_length()
    size = max(documents) + 1
    dtype = np.uint32 if size << (shift + 1) <= 2**32 else np.uint64

    def keys(word):
        return _occurrence_keys(*word, shift, np.empty(len(word[0]), dtype))

    found = missed = 0
    for _ in range(40):
        first = occurrences(rng, documents, length, rng.randint(1, 3), rng.randint(1, 80))
        if rng.random() < 0.3:  # the same positions, as two words sharing forms
            second = (first[0].copy(), first[1].copy())
        else:
            second = occurrences(rng, documents, length, rng.randint(1, 3), rng.randint(1, 80))
        slop = rng.choice([2, 3, 5, 8, 1000, 10**9])
        near = set(np.flatnonzero(_near_pair(keys(first), keys(second), slop, shift, size)))
        assert near == counted(first, second, slop)
        found += bool(near)
        missed += bool(set(first[0].tolist()) & set(second[0].tolist()) - near)
        # A word near itself: two distinct positions, never one with itself.
        itself = keys(first)
        assert set(np.flatnonzero(_near_pair(itself, itself, slop, shift, size))) == counted(
            first, first, slop
        )
    assert found >= 10 and missed >= 5  # words near, and words in one document far


def joined(first: list, second: list, slop: int) -> list:
    """The spans joining a span of ``first`` with one of ``second`` (``(doc, start,
    end)`` each) 1 to ``slop`` positions apart, as Whoosh's SpanNear joins them,
    by looking at every pair: sorted, each once."""
    found = set()
    for doc, start, end in first:
        for other_doc, other_start, other_end in second:
            if doc != other_doc:
                continue
            gap = other_start - end if end < other_start else start - other_end
            if 1 <= max(gap, 0) <= slop:
                found.add((doc, min(start, other_start), max(end, other_end)))
    return sorted(found)


@pytest.mark.parametrize("documents", [30, 2**20, 2**31 - 1])
def test_spans_near_each_other_are_joined_as_by_looking_at_every_pair(documents):
    # Past 2**31 documents' keys, a key and a span's length no longer share one
    # number: the spans are then sorted by two keys.
    rng = random.Random(documents)

    def spans(count: int) -> list:
        chosen = set()
        for _ in range(count):
            doc, start = rng.choice([0, 7, documents - 1]), rng.randrange(60)
            chosen.add((doc, start, start + rng.choice([0, 0, 1, 3])))
        return sorted(chosen)

    def arrays(spans: list):
        keys = np.array([doc << 32 | start for doc, start, _ in spans], dtype=np.int64)
        return keys, np.array([end for *_, end in spans], dtype=np.int64)

    for _ in range(60):
        first, second = spans(rng.randint(1, 40)), spans(rng.randint(1, 12))
        slop = rng.choice([1, 2, 5, 9])
        for one, other in ((first, second), (second, first)):
            keys, ends = _near(arrays(one), arrays(other), slop)
            docs, starts = (keys >> 32).tolist(), (keys & _POSITION).tolist()
            found = list(zip(docs, starts, ends.tolist(), strict=True))
            assert found == joined(first, second, slop)


def test_kept_arrays_drop_the_least_recently_used_past_their_bytes():
    segment, other = object(), object()  # kept apart by identity, as segments are
    words = [np.arange(100, dtype=np.uint32) + number for number in range(4)]  # 400 bytes
    terms = [np.array([number, 40 + number], dtype=np.int64) for number in range(4)]
    kept = KeptArrays(limit=3 * 400)
    for number in range(3):
        kept.put(segment, terms[number], words[number])
    assert kept.get(other, terms[0]) is None  # the same terms of another segment
    assert kept.get(segment, terms[0][:1]) is None  # one of the word's terms alone
    assert kept.get(segment, terms[0].copy()) is words[0]  # now the most recently used
    kept.put(segment, terms[3], words[3])
    assert kept.get(segment, terms[1]) is None and kept.size == 3 * 400
    assert [kept.get(segment, terms[number]) is words[number] for number in (0, 2, 3)] == [True] * 3
    kept.put(segment, np.array([9]), np.zeros(400, dtype=np.uint32))  # more than all the room
    assert kept.get(segment, np.array([9])) is None and kept.get(segment, terms[2]) is words[2]
    with pytest.raises(ValueError):
        words[0][0] = 7  # shared by the searches to come: read-only


class Side(dict):
    """A side file's arrays by name, kept apart by identity as side files are."""

    __hash__ = object.__hash__


def segment_of(documents: int, positions_high: list[int]) -> SimpleNamespace:
    """What :func:`_start_layout` reads of a segment: its size and its positions'
    low bytes and high bytes (those over 255)."""
    side = Side({"terms.positions": np.zeros(4, dtype=np.uint8)})
    if positions_high:
        side["terms.positions_high"] = np.array(positions_high, dtype=np.uint8)
    return SimpleNamespace(side=side, size=documents)


@pytest.mark.parametrize(
    ("documents", "high", "dtype"),
    [
        (50_000, [], np.uint32),  # positions below 256
        (100_000, [3, 7], np.uint32),  # below 2048: 17 + 11 bits and one
        (2**21, [255], np.uint64),  # 22 + 16 bits
    ],
)
def test_start_layout_takes_32_bits_where_every_key_fits(documents, high, dtype):
    shift, chosen, last = _start_layout(segment_of(documents, high), 3)
    assert chosen is dtype and last == 2
    bound = (max(high) + 1) << 8 if high else 256
    assert 2**shift > bound + 1 >= 2 ** (shift - 1)
    if dtype is np.uint32:
        assert documents << (shift + 1) <= 2**32


@pytest.mark.parametrize(
    ("documents", "high", "dtype"),
    [
        (50_000, [], np.uint32),  # positions below 256: 16 + 9 bits and one
        (100_000, [3, 7], np.uint32),  # below 2048: 17 + 12 bits and one
        (2**20, [255], np.uint64),  # below 2**16: 20 + 17 bits
    ],
)
def test_near_layout_keeps_documents_further_apart_than_any_slop(documents, high, dtype):
    segment = segment_of(documents, high)
    shift, chosen = _near_layout(segment)
    bound = (max(high) + 1) << 8 if high else 256
    assert chosen is dtype
    # The last position of a document and the first of the next are further
    # apart than the largest slop _near_pair keeps, which no two positions of
    # one document are.
    largest = 2 ** (shift - 1) - 1
    assert (1 << shift) - (bound - 1) > largest >= bound - 1
    if dtype is np.uint32:
        assert documents << (shift + 1) <= 2**32


def phrase_starts(words: list) -> set[tuple[int, int]]:
    """Where each word of ``words`` (their ``(docs, positions)``) follows the one
    before, by looking at every occurrence: each start's document and position."""
    places = [set(zip(docs.tolist(), positions.tolist(), strict=True)) for docs, positions in words]
    return {
        (doc, position)
        for doc, position in places[0]
        if all((doc, position + k) in places[k] for k in range(1, len(words)))
    }


@pytest.mark.parametrize(
    ("documents", "length", "high"),
    [
        (range(6), 12, []),
        (range(40), 600, [2]),
        ([0, *range(2**21 - 4, 2**21)], 2**16, [255]),  # 64-bit keys
    ],
)
def test_phrase_start_keys_in_common_are_where_the_words_follow_each_other(documents, length, high):
    """Start keys of each word's occurrences (some forms sharing positions, so
    some keys repeated), intersected in any order of the words, are the places
    where every word follows the one before, each once and sorted."""
    rng = random.Random(length)
    documents = list(documents)
    size = max(documents) + 1
    for _ in range(30):
        count = rng.randint(2, 4)
        layout = _start_layout(segment_of(size, high), count)
        shift = layout[0]
        words = [
            occurrences(rng, documents, length, rng.randint(1, 3), rng.randint(1, 200))
            for _ in range(count)
        ]
        if rng.random() < 0.5:  # the phrase's words in a run, a few times over
            for doc in rng.sample(documents, min(3, len(documents))):
                start = rng.randrange(length - count)
                words = [
                    (np.append(d, doc).astype(np.uint32), np.append(p, start + k))
                    for k, (d, p) in enumerate(words)
                ]
        keys = None
        for distance in rng.sample(range(count), count):
            found = _start_keys(*words[distance], distance, layout)
            assert found.dtype == layout[1]
            keys = found if keys is None else _common_keys(keys, found)
        assert list(keys) == sorted(set(keys.tolist()))
        starts = {(int(key) >> shift, (int(key) & (2**shift - 1)) - count + 1) for key in keys}
        assert starts == phrase_starts(words)
