"""Positions and written forms read from one segment's side file, for phrases and proximity.

A phrase, and an AND of words, starts from the word (all its forms) with the
fewest postings: its documents are a mask that the other words' postings are
filtered by, before any position is read or any score computed
(:func:`_phrase_postings`). A word's positions are read as one slice where
most of its postings are wanted (:func:`_positions`); a phrase's words are
matched by the keys of where the phrase would start, ``document << shift |
position - k``, of each k-th word's occurrences (:func:`_start_keys`), 32 bits
where they fit, intersected by one sort (:func:`_common_keys`).
Proximity (``"w1 w2"~N``, any order) keeps the documents where the words'
spans join as Whoosh's tree of ``SpanNear`` spans joins them
(:func:`_near_tree`, :func:`_near_docs`); two words' occurrences are sorted
together once and compared with their neighbours (:func:`_near_pair`). A word
ligature, one item of the window, stands where its words' keys, each moved on
to its last word's place, meet (:func:`_unit_keys`).

A word restricted by how it is written (:class:`~.written.WrittenTerm`: ``=word``,
vocalized words) reads the number of the form written at each of its terms'
positions (a slice per term when the word stands alone, beside the positions in
a phrase), and keeps the accepted occurrences (:func:`_restricted`).

Each function takes a segment (``array_segments.py``) and returns arrays; the
evaluator, ``rank_arrays.py``, puts them together.
"""

from __future__ import annotations

from collections import OrderedDict
from weakref import WeakKeyDictionary

import numpy as np

from ..sidefiles import distinct, range_numbers, ranges
from .array_segments import _mask, _Segment, _starts
from .written import WrittenTest

_POSITION = 2**32 - 1  # the position in a ``doc << 32 | position`` key
# Each side file's bound on its positions (see _start_layout), found once.
_BOUNDS: WeakKeyDictionary = WeakKeyDictionary()
# Two words' sorted occurrences are compared this many at a time: arrays this
# small are the same memory each time, where larger ones are fresh pages to map.
_BLOCK = 2**14
# A word of proximity whose postings are at most this many times the candidate
# documents has every occurrence read: choosing the candidates' costs more than
# reading the others and comparing them too (measured on words of 1 to 50 forms).
_READ_WHOLE = 4
# The bytes of proximity's keys of words read whole kept from search to search
# (:class:`KeptArrays`): the commonest words' (tens of thousands of paragraphs,
# half a megabyte per segment) come back in search after search.
_KEYS_KEPT = 32 * 2**20
_NO_SPANS = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
# _MERGE_SORT: keys sorted together are runs already in order (each term's
# occurrences come in document and position order), which numpy's "stable" sort
# (timsort) merges in linear time, where its default quicksort starts from
# nothing: `"عن بن"~5` at 100,000 paragraphs took 22 ms, now 11.
# A term with at least this many postings to read, most of them wanted, has its
# positions read as one slice; fewer cost less read together with other terms'.
_ONE_RUN = 1024
# A group of a phrase or AND whose postings outnumber the documents left by this
# many times has those documents looked up in its postings rather than read whole.
_SPARSE = 16
# ... when its forms average this many postings: each form looked up costs a call.
_LONG_FORMS = 4096


def _phrase_postings(segment: _Segment, ordinals: list[np.ndarray], sizes: list, within=None):
    """Per group of forms, ``(index, form, docs)`` of the postings in the documents that
    hold a form of every group (and are in the mask ``within``, where given): each
    posting's number in the flat arrays, its form's place in the group and its
    document, form by form and each form's in document order; None when no document
    holds every group. ``sizes`` are the groups' numbers of postings.

    The group with the fewest postings goes first and makes a mask of candidate
    documents; every other group's postings are read only to be kept or dropped by it,
    so no posting list is sorted or merged, and positions wait for the survivors.
    Where the candidates are far fewer than a group's postings, they are looked up
    in each form's sorted documents instead (:func:`_postings_in`).
    """
    order = np.argsort(sizes, kind="stable")
    candidates = within
    kept: list = [None] * len(ordinals)
    for group in order:
        size, present = sizes[group], None
        long_forms = size > _LONG_FORMS * len(ordinals[group])
        if long_forms and candidates is not None and size > _SPARSE * np.count_nonzero(candidates):
            present = candidates.nonzero()[0]
        index, form, docs = _postings_in(segment, ordinals[group], candidates, present)
        if not len(index):
            return None
        kept[group] = (index, form, docs)
        if len(ordinals) > 1:
            candidates = _mask(docs, segment.size)
    if len(ordinals) == 1:
        return kept  # a group alone: every posting read is in
    # The last mask is the documents having every group; earlier groups kept more
    # (the last one's are all in it).
    result = []
    for group, (index, form, docs) in enumerate(kept):
        if group == order[-1]:
            result.append((index, form, docs))
            continue
        inside = candidates[docs]
        result.append((index[inside], form[inside], docs[inside]))
    return result


def _postings_in(segment: _Segment, ordinals: np.ndarray, candidates, present):
    """``(index, form, docs)`` of the postings of the terms ``ordinals`` (see
    :func:`_phrase_postings`) in the documents of the mask ``candidates`` (all, if
    None). With ``present`` (the candidates' numbers, sorted), each candidate is
    looked up in the sorted documents of each term of more than :data:`_SPARSE`
    times as many postings; the other terms' postings are read and kept or
    dropped by the mask."""
    side = segment.side
    pointers, all_docs = side["terms.pointers"], side["terms.docs"]
    starts = pointers[ordinals].astype(np.int64)
    ends = pointers[ordinals + 1].astype(np.int64)
    looked_up = [] if present is None else (ends - starts > _SPARSE * len(present)).nonzero()[0]
    if len(looked_up):
        wanted = present.astype(all_docs.dtype)
        index, form = [], []
        for number in looked_up.tolist():
            docs = all_docs[starts[number] : ends[number]]
            at = docs.searchsorted(wanted)
            at = at[at < len(docs)]  # a tail: ``wanted`` is sorted
            at = at[docs[at] == wanted[: len(at)]]
            index.append(at + starts[number])
            form.append(np.full(len(at), number))
        if len(looked_up) < len(ordinals):
            read = np.ones(len(ordinals), dtype=bool)
            read[looked_up] = False
            read = read.nonzero()[0]
            found, number, _ = _postings_in(segment, ordinals[read], candidates, None)
            index.append(found)
            form.append(read[number])
        index, form = np.concatenate(index), np.concatenate(form)
        if len(looked_up) < len(ordinals):
            order = np.lexsort((index, form))  # form by form, as read
            index, form = index[order], form[order]
        return index, form, all_docs[index]
    bounds = zip(starts.tolist(), ends.tolist(), strict=True)
    pieces = [all_docs[start:end] for start, end in bounds]
    docs = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
    if candidates is None:  # every posting, term after term
        return (
            range_numbers(starts, ends - starts),
            np.repeat(np.arange(len(ends)), ends - starts),
            docs,
        )
    chosen = candidates[docs].nonzero()[0]
    docs = docs[chosen]
    firsts = _starts(ends - starts)
    form = firsts.searchsorted(chosen, "right") - 1
    return starts[form] + chosen - firsts[form], form, docs


def _positions(segment: _Segment, index, ordinal, numbered: bool = False) -> tuple:
    """The positions of the postings ``index`` (numbers into the flat arrays, term by
    term and each term's in order) of terms ``ordinal`` (one per posting), and the
    number in ``index`` of the posting each is of (int64 arrays); ``numbered``, also
    each one's number in ``terms.positions`` (where the forward index of written
    forms has the number of the word's form).

    Positions are stored term by term, posting after posting: a posting's come after
    its term's first position plus the frequencies of the term's earlier postings
    (:meth:`~.array_segments._Segment.posting_firsts`). A term with many postings
    wanted, most of those up to its last, has its positions read as one slice and
    the others dropped, which costs less than reading them run by run."""
    if not len(index):
        nothing = np.empty(0, dtype=np.int64)
        return (nothing, nothing, nothing) if numbered else (nothing, nothing)
    side = segment.side
    pointers, freqs = side["terms.pointers"], side["terms.freqs"]
    position_pointers = side["terms.position_pointers"]
    changes = (ordinal[1:] != ordinal[:-1]).nonzero()[0] + 1
    lows = np.concatenate(([0], changes))
    highs = np.concatenate((changes, [len(index)]))
    terms = ordinal[lows]
    starts = pointers[terms].astype(np.int64)
    needed = index[highs - 1] - starts + 1  # the term's postings up to the last wanted
    whole = ((highs - lows) * 2 >= needed) & (needed >= _ONE_RUN)
    positions, owners, occurrences = [], [], []
    for group in whole.nonzero()[0].tolist():
        low, high, start = int(lows[group]), int(highs[group]), int(starts[group])
        counts = freqs[start : start + int(needed[group])].astype(np.int64)
        first = int(position_pointers[terms[group]])
        positions.append(side.gather_run("terms.positions", first, int(counts.sum())))
        occurrences.append(np.arange(first, first + len(positions[-1])) if numbered else None)
        # Each position's posting (its number in ``index``), -1 where not wanted;
        # int64, as numpy converts any other index to it before using it.
        number = np.full(len(counts), -1, dtype=np.int64)
        number[index[low:high] - start] = np.arange(low, high)
        owner = np.repeat(number, counts)
        if high - low < len(counts):
            wanted = (owner >= 0).nonzero()[0]
            positions[-1], owner = positions[-1][wanted], owner[wanted]
            if numbered:
                occurrences[-1] = occurrences[-1][wanted]
        owners.append(owner)
    rest = ~whole
    if rest.any():
        # The other terms' postings are read run by run, all in one call, from where
        # each posting's positions start (kept for the segment's next searches).
        if rest.all():
            taken, chosen = np.arange(len(index)), index
        else:
            taken = rest.repeat(highs - lows).nonzero()[0]
            chosen = index[taken]
        first = segment.posting_firsts(chosen, terms[rest])
        counts = freqs[chosen].astype(np.int64)
        numbers = range_numbers(first, counts) if numbered else None
        positions.append(side.gather_runs("terms.positions", first, counts, numbers))
        occurrences.append(numbers)
        owners.append(taken.repeat(counts))
    found = (positions, owners, occurrences) if numbered else (positions, owners)
    if len(positions) == 1:
        return tuple(parts[0] for parts in found)
    return tuple(np.concatenate(parts) for parts in found)


def _restricted(segment: _Segment, index, form, docs, ordinal, test: WrittenTest, positions=True):
    """The postings ``index`` (of terms ``ordinal[form]``, in documents ``docs``)
    reduced to their occurrences whose word as written passes ``test``:
    ``(index, form, docs, tf, accepted)`` of the postings left, ``tf`` their
    numbers of such occurrences and, with ``positions``, ``accepted`` the
    ``(positions, owner)`` of these occurrences, ``owner`` the number of the
    posting each is of (else None).

    A term whose written forms all fail the test loses its postings, and one
    whose forms all pass keeps them whole, before any position or written form
    is read; only the occurrences of terms written both ways are looked up."""
    side = segment.side
    verdicts = [segment.passing(test, term) for term in ordinal.tolist()]
    failing = [number for number, verdict in enumerate(verdicts) if verdict is False]
    if failing:
        kept = ~np.isin(form, failing)
        index, form, docs = index[kept], form[kept], docs[kept]
    mixed = [number for number, verdict in enumerate(verdicts) if verdict is None]
    tf = side["terms.freqs"][index].astype(np.int64)
    pointers = side["terms.pointers"]
    sizes = pointers[ordinal[mixed] + 1] - pointers[ordinal[mixed]].astype(np.int64)
    if not positions and (np.bincount(form, minlength=len(ordinal))[mixed] == sizes).all():
        # Every posting of the mixed terms (a word alone), form by form: each term's
        # slice of the forward index, and per posting the running count of accepted
        # occurrences at its end.
        bounds = np.searchsorted(form, [mixed, np.add(mixed, 1)]).T.tolist()
        for number, (low, high) in zip(mixed, bounds, strict=True):
            keep = segment.term_accepted(test, int(ordinal[number]))
            # 32 bits hold a term's occurrences in a segment, in half the memory.
            running = np.cumsum(keep, dtype=np.int32)
            tf[low:high] = np.diff(running[np.cumsum(tf[low:high]) - 1], prepend=0)
        left = tf > 0
        return index[left], form[left], docs[left], tf[left], None
    if not mixed:
        accepted = _positions(segment, index, ordinal[form]) if positions else None
        return index, form, docs, tf, accepted
    if positions:
        found, owner, occurrences = _positions(segment, index, ordinal[form], numbered=True)
        terms, term_of = np.unique(ordinal, return_inverse=True)  # a word's few forms
        keep = segment.accepted(test, terms, term_of[form][owner], occurrences)
    else:
        keep, owner = _accepted_occurrences(segment, test, index, ordinal[form])
    tf = np.bincount(owner[keep], minlength=len(index))
    left = tf > 0
    accepted = None
    if positions:
        renumber = np.cumsum(left) - 1
        accepted = (found[keep], renumber[owner[keep]])
    return index[left], form[left], docs[left], tf[left], accepted


def _occurrences(segment: _Segment, index, terms) -> tuple:
    """The number in ``terms.positions`` (where the forward index has the number of
    the word's written form) of each occurrence of the postings ``index`` (of the
    terms ``terms``), and the number in ``index`` of the posting each is of: from
    where each posting's positions start, none of them read."""
    counts = segment.side["terms.freqs"][index].astype(np.int64)
    return ranges(segment.posting_firsts(index, terms), counts)


def _accepted_occurrences(segment: _Segment, test: WrittenTest, index, ordinal) -> tuple:
    """A mask of the occurrences of the postings ``index`` (of the terms ``ordinal``,
    one per posting) written as ``test`` accepts, and the number in ``index`` of the
    posting each is of: :func:`_occurrences`, their written forms tested."""
    terms = distinct(ordinal)  # a word's few forms
    numbers, owner = _occurrences(segment, index, terms)
    term_of = None if len(terms) == 1 else terms.searchsorted(ordinal)[owner]
    return segment.accepted(test, terms, term_of, numbers), owner


def _position_bound(segment: _Segment) -> int:
    """A bound on the positions of ``segment``'s side file (every one is below it),
    found once per side file."""
    bound = _BOUNDS.get(segment.side)
    if bound is None:
        side = segment.side
        bound = 2 ** (8 * side["terms.positions"].itemsize)
        if "terms.positions_high" in side and len(side["terms.positions_high"]):
            # Positions over 255 keep their high bytes apart: the largest bounds them.
            bound = (int(side["terms.positions_high"].max()) + 1) << 8
        _BOUNDS[segment.side] = bound
    return bound


def _start_layout(segment: _Segment, words: int) -> tuple:
    """``(shift, dtype, last)`` of the keys of a phrase of ``words`` words in
    ``segment`` (:func:`_start_keys`): ``shift`` the fewest bits that hold any of
    its positions plus ``last`` (``words - 1``), and ``dtype`` uint32 where every
    key, with the bit :func:`_common_keys` adds, fits in it (half the memory to
    sort of 64-bit keys), else uint64."""
    shift = (_position_bound(segment) - 1 + words - 1).bit_length()
    fits = segment.size << (shift + 1) <= 2**32
    return shift, np.uint32 if fits else np.uint64, words - 1


def _near_layout(segment: _Segment) -> tuple:
    """``(shift, dtype)`` of proximity's occurrence keys in ``segment``,
    ``doc << shift | position``: ``shift`` the fewest bits that hold twice the
    bound on its positions, so that the keys of two documents are further apart
    than any two positions of one document (and than any slop, kept below
    ``2 ** (shift - 1)`` by :func:`_near_pair`), whatever the words; ``dtype``
    uint32 where every key, with the bit :func:`_near_pair` adds, fits in it."""
    shift = (2 * _position_bound(segment) - 1).bit_length()
    fits = segment.size << (shift + 1) <= 2**32
    return shift, np.uint32 if fits else np.uint64


def _start_keys(docs: np.ndarray, positions: np.ndarray, distance: int, layout: tuple):
    """``doc << shift | position - distance + last`` of each occurrence of a phrase's
    ``distance``-th word (its document and position), in the ``layout`` of
    :func:`_start_layout`: the key of the phrase's start, where its first word would
    be (``last`` added, so that none is negative)."""
    shift, dtype, last = layout
    keys = _occurrence_keys(docs, positions, shift, np.empty(len(positions), dtype))
    keys += int(last - distance)
    return keys


def _moved(keys: np.ndarray, by: int) -> np.ndarray:
    """Start keys of a phrase's word moved to where the same word is ``by`` places
    before it in the phrase (:func:`_start_keys`), in their own unsigned type."""
    return keys + by if by >= 0 else keys - -by


def _unit_keys(words: list[np.ndarray]) -> np.ndarray:
    """The keys (:func:`_near_layout`) of the last word of each place where a word
    ligature's words stand side by side in order, each once, sorted: ``words``
    are its words' occurrence keys (in any order), each moved on to where the
    last word would stand and intersected, the fewest first (:func:`_common_keys`)."""
    last = len(words) - 1
    found = None
    for number in np.argsort([len(keys) for keys in words], kind="stable").tolist():
        moved = _moved(words[number], last - number)
        found = moved if found is None else _common_keys(found, moved)
    return found


def _common_keys(keys: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The keys both in ``keys`` and in ``other`` (of one unsigned type, the top bit
    free, in any order, with repeats or not), each once, sorted.

    Both are sorted together, each key with its side as its lowest bit: a key of
    both is ``2k`` followed by ``2k + 1``, the only neighbours whose bits differ
    in the lowest one alone. One sort of both costs less than searching the one's
    keys in the other's, sorted first."""
    merged = np.empty(len(keys) + len(other), dtype=keys.dtype)
    merged[: len(keys)] = keys
    merged[len(keys) :] = other
    merged <<= 1
    merged[len(keys) :] |= 1
    merged.sort(kind="stable")  # see _MERGE_SORT
    first = merged[:-1]
    return first[((merged[1:] ^ first) == 1).nonzero()[0]] >> 1


def _word_postings(segment: _Segment, ordinals: np.ndarray) -> tuple:
    """``(form, docs, tf)`` of every posting of the terms ``ordinals`` (a word's
    forms): each posting's form's place in ``ordinals``, its document and its
    frequency, form by form and each form's in document order, read as slices."""
    docs, tf, sizes = _posting_slices(segment, ordinals)
    if len(sizes) == 1:
        form = np.broadcast_to(np.int64(0), (sizes[0],))  # one form: no memory
    else:
        form = np.repeat(np.arange(len(sizes)), sizes)
    return form, docs, tf


def _posting_slices(segment: _Segment, ordinals: np.ndarray) -> tuple:
    """``(docs, tf, sizes)``: the document and frequency of every posting of the
    terms ``ordinals``, term after term, read as slices (one term's are views),
    and each term's number of postings."""
    side = segment.side
    pointers = side["terms.pointers"]
    bounds = [(int(pointers[term]), int(pointers[term + 1])) for term in ordinals.tolist()]
    docs, tf = side["terms.docs"], side["terms.freqs"]
    if len(bounds) == 1:
        ((start, end),) = bounds
        return docs[start:end], tf[start:end], [end - start]
    docs = np.concatenate([docs[start:end] for start, end in bounds])
    tf = np.concatenate([tf[start:end] for start, end in bounds])
    return docs, tf, [end - start for start, end in bounds]


def _holding_every(segment: _Segment, ordinals: list) -> np.ndarray:
    """A mask of the documents (deleted ones too) holding a term of each of the
    words ``ordinals`` (each word's terms): their postings' documents, marked."""
    pointers, all_docs = segment.side["terms.pointers"], segment.side["terms.docs"]
    holding = None
    for terms in ordinals:
        found = np.zeros(segment.size, dtype=bool)
        for term in terms.tolist():
            found[all_docs[int(pointers[term]) : int(pointers[term + 1])]] = True
        holding = found if holding is None else holding & found
    return holding


def _word_occurrences(segment: _Segment, ordinals, test, postings: tuple, candidates, kept=None):
    """The keys (:func:`_near_layout`) of one word's occurrences (of its terms
    ``ordinals``, plain or all restricted by the written ``test``) in the
    ``candidates`` documents (a mask; None: every document) at least, in any
    order; ``postings`` are the word's ``(index, form, docs)`` there
    (:func:`_phrase_postings`), or None where not read yet.

    Every candidate has the word: where its postings are at most
    :data:`_READ_WHOLE` times the candidates, all its occurrences are read at
    once (:func:`_word_keys`), which costs less than choosing; the caller keeps
    the candidates. A plain word's keys read whole are kept in ``kept`` (a
    :class:`KeptArrays`, where given) and taken from it the next time, then also
    where its candidates are fewer: choosing their keys costs less than reading
    their positions."""
    layout = _near_layout(segment)
    if test is None:
        keys = None if kept is None else kept.get(segment, ordinals)
        if candidates is None:
            whole = True
        else:
            pointers = segment.side["terms.pointers"]
            size = np.sum(pointers[ordinals + 1] - pointers[ordinals].astype(np.int64))
            whole = size <= _READ_WHOLE * np.count_nonzero(candidates)
        if keys is None and whole:
            keys = _word_keys(segment, ordinals, layout)
            if kept is not None:
                kept.put(segment, ordinals, keys)
        if keys is not None:
            return keys if whole else keys[candidates[keys >> layout[0]]]
    index, form, docs = postings or _postings_in(segment, ordinals, candidates, None)
    if test is None:
        positions, owner = _positions(segment, index, ordinals[form])
    else:
        *_, docs, _, (positions, owner) = _restricted(segment, index, form, docs, ordinals, test)
    shift, dtype = layout
    return _occurrence_keys(docs[owner], positions, shift, np.empty(len(positions), dtype))


def _word_keys(segment: _Segment, ordinals: np.ndarray, layout: tuple) -> np.ndarray:
    """The keys (``layout``, :func:`_near_layout`) of every occurrence of the
    ``terms`` terms ``ordinals``, each term's sorted: their documents shifted,
    each repeated as often as it has the term, and their positions added, all
    read as slices. The terms of more than :data:`_ONE_RUN` occurrences come
    first, their positions a slice each; the others' are read in one call."""
    side = segment.side
    shift, dtype = layout
    position_pointers = side["terms.position_pointers"]
    firsts = position_pointers[ordinals].astype(np.int64)
    sizes = position_pointers[ordinals + 1] - firsts
    order = np.argsort(sizes <= _ONE_RUN, kind="stable")  # the long ones first
    docs, counts, _ = _posting_slices(segment, ordinals[order])
    keys = np.repeat(docs.astype(dtype) << shift, counts)
    at, short = 0, []
    for number in order.tolist():
        if sizes[number] <= _ONE_RUN:
            short.append(number)
            continue
        run = keys[at : at + sizes[number]]
        found = side.gather_run("terms.positions", int(firsts[number]), int(sizes[number]))
        np.add(run, found, out=run, dtype=dtype, casting="unsafe")
        at += int(sizes[number])
    if short:
        found = side.gather_runs("terms.positions", firsts[short], sizes[short])
        np.add(keys[at:], found, out=keys[at:], dtype=dtype, casting="unsafe")
    return keys


class KeptArrays:
    """Arrays of the words proximity and an OR of words read whole (their
    occurrences' keys, :func:`_word_keys`, their postings' scores, these added
    up per document, or the mask of the documents holding them), kept from
    search to search by
    segment, terms and what else the array depends on (``also``, hashable), up to
    ``limit`` bytes: the least recently used are dropped first. A reader's
    segments never change, so a kept entry is never stale; a new reader has its own."""

    def __init__(self, limit: int = _KEYS_KEPT) -> None:
        self.limit = limit
        self.size = 0  # bytes kept
        self._arrays: OrderedDict = OrderedDict()

    def get(self, segment: _Segment, terms: np.ndarray, also: object = None) -> np.ndarray | None:
        """The array kept of the word of ``terms`` (ordinals), now the most recently
        used, or None."""
        key = (segment, terms.tobytes(), also)
        found = self._arrays.get(key)
        if found is not None:
            self._arrays.move_to_end(key)
        return found

    def put(
        self, segment: _Segment, terms: np.ndarray, array: np.ndarray, also: object = None
    ) -> None:
        """Keep the array of the word of ``terms`` (read-only from now on), unless
        it alone outgrows the room."""
        if array.nbytes > self.limit:
            return
        array.flags.writeable = False  # shared by the searches to come
        self._arrays[segment, terms.tobytes(), also] = array
        self.size += array.nbytes
        while self.size > self.limit:
            _, dropped = self._arrays.popitem(last=False)
            self.size -= dropped.nbytes


def _near_tree(spans: list, slop: int):
    """The spans where every word of ``spans`` (one ``(keys, ends)`` per word) is near
    the others, joined as Whoosh's binary tree of ``SpanNear`` matchers joins them."""
    if len(spans) == 1:
        return spans[0]
    half = len(spans) // 2
    return _near(_near_tree(spans[:half], slop), _near_tree(spans[half:], slop), slop)


def _near_docs(first, second, slop: int) -> np.ndarray:
    """The documents (some more than once) where a span of ``first`` lies 1 to ``slop``
    positions before or after one of ``second``: :func:`_near`'s, without making the
    joined spans. For each span of ``first``, the first span of ``second`` that starts
    after it ends and the last that ends before it starts are found by
    ``searchsorted``; the keys of two documents are further apart than any ``slop``
    (positions are far below 2**32), so never near. A word near itself (``first is
    second``, spans one position long) needs no search: its neighbours in its
    sorted keys are the ones to check."""
    keys, ends = first
    other_keys, other_ends = second
    if not len(keys) or not len(other_keys):
        return np.empty(0, dtype=np.int64)
    if first is second:
        each_once = keys[np.flatnonzero(np.diff(keys, prepend=-1))]
        near = np.diff(each_once) <= slop
        return np.concatenate((each_once[:-1][near], each_once[1:][near])) >> 32
    docs = keys & ~_POSITION
    last = len(other_keys) - 1
    after = other_keys.searchsorted(docs | ends, "right")
    found = other_keys[np.minimum(after, last)] - (docs | ends) <= slop
    found &= after <= last
    end_keys = _sorted(other_keys & ~_POSITION | other_ends)
    before = end_keys.searchsorted(keys, "left") - 1
    found |= (before >= 0) & (keys - end_keys[np.maximum(before, 0)] <= slop)
    return keys[found] >> 32


def _near_pair(first: np.ndarray, second: np.ndarray, slop: int, shift: int, size: int):
    """A mask of the ``size`` documents where an occurrence of one word lies 1 to
    ``slop`` positions from one of another word's: each word's occurrences as keys
    ``doc << shift | position`` (:func:`_near_layout`, in any order), compared by one
    sort of both words' keys instead of two searches per occurrence
    (:func:`_near_docs`).

    Sorted together, the two words' occurrences that are nearest each other are
    side by side: a document has a pair near enough where some neighbours of
    different words are. This holds where no position is both words' (two words
    sharing a form), else their spans go to :func:`_near_docs`. A word near
    itself (``first is second``) needs its distinct positions' neighbours only.
    Two documents' keys are further apart than ``2 ** (shift - 1)``, and no two
    positions of one document are that far apart: a larger slop is cut to it.
    """
    found = np.zeros(size, dtype=bool)
    if not len(first) or not len(second):
        return found
    slop = min(slop, 2 ** (shift - 1) - 1)
    if first is second:
        keys = _sorted(first)
        found[keys[np.flatnonzero(np.diff(keys) - 1 < slop)] >> shift] = True  # 1 to slop apart
        return found
    # Each operation in place where it can be: fresh memory costs more than work.
    # An occurrence is ``key << 1 | word``.
    merged = np.empty(len(first) + len(second), dtype=first.dtype)
    merged[: len(first)] = first
    merged[len(first) :] = second
    merged <<= 1
    merged[len(first) :] |= 1
    # Keys alike are one occurrence: no order among them to keep; "stable" for speed
    # (_MERGE_SORT).
    merged.sort(kind="stable")
    # Between neighbours of different words, a first word's at p and a second's
    # at q, the difference is odd: 2 * (q - p) + 1, or 2 * (p - q) - 1 where the
    # second's comes first. Twice its word's bit added, it is 2 * distance + 1
    # either way; even between neighbours of one word. Measured block by block,
    # in memory used again rather than fresh, each near pair's document marked.
    for start in range(0, len(merged) - 1, _BLOCK):
        keys = merged[start : start + _BLOCK + 1]
        measured = keys[:-1] & 1
        measured <<= 1
        measured += keys[1:]
        measured -= keys[:-1]
        if np.any(measured == 1):  # a position both words'
            spans = _key_spans(first, shift), _key_spans(second, shift)
            return _mask(_near_docs(*spans, slop), size)
        near = np.flatnonzero((measured & 1 == 1) & (measured <= 2 * slop + 1))
        found[keys[near] >> (shift + 1)] = True
    return found


def _key_spans(keys: np.ndarray, shift: int):
    """A word's occurrences (keys ``doc << shift | position``) as spans one position
    long: ``(keys, ends)``, ``keys`` now ``doc << 32 | position``, sorted (twice
    where two forms are readings of one word), and ``ends`` their positions."""
    docs = (keys >> shift).astype(np.int64)
    spans = _sorted(docs << 32 | (keys & ((1 << shift) - 1)).astype(np.int64))
    return spans, spans & _POSITION


def _occurrence_keys(docs: np.ndarray, positions: np.ndarray, shift: int, out: np.ndarray):
    """``out`` filled with ``doc << shift | position`` of each occurrence, and returned."""
    out[...] = docs
    out <<= shift
    return np.add(out, positions, out=out, dtype=out.dtype, casting="unsafe")


def _near(first, second, slop: int):
    """Every span joining one of ``first`` with one of ``second`` (in the same document)
    that lies 1 to ``slop`` positions before or after it: from the start of the one to
    the end of the other, sorted by start and unique."""
    if len(first[0]) > len(second[0]):
        first, second = second, first  # the same spans either way: search for fewer
    keys, ends = first
    other_keys, other_ends = second
    if not len(keys) or not len(other_keys):
        return _NO_SPANS
    longest = int(np.max(other_ends - (other_keys & _POSITION)))
    docs, starts = keys & ~_POSITION, keys & _POSITION
    # The second's spans that may be near: those starting from ``slop`` (and the
    # longest span) before this span's start to ``slop`` after its end.
    low = other_keys.searchsorted(docs + np.maximum(starts - slop - longest, 0), "left")
    high = other_keys.searchsorted(docs + ends + slop, "right")
    other, this = ranges(low, high - low)
    starts, ends, docs = starts[this], ends[this], docs[this]
    other_starts, other_ends = other_keys[other] & _POSITION, other_ends[other]
    # Whoosh's Span.distance_to: 0 when the spans overlap, else the gap's ends apart.
    distance = np.where(
        ends < other_starts,
        other_starts - ends,
        np.where(other_ends < starts, starts - other_ends, 0),
    )
    near = (distance >= 1) & (distance <= slop)
    joined = docs[near] | np.minimum(starts[near], other_starts[near])
    joined_ends = np.maximum(ends[near], other_ends[near])
    return _unique_spans(joined, joined_ends)


def _unique_spans(keys: np.ndarray, ends: np.ndarray):
    """The spans ``(keys, ends)`` sorted by key, then end, each once. A span's
    length (its end less its start) fits in the bits the keys leave free, where
    documents are far fewer than 2**31: a key and a length are then one number,
    sorted and made unique by one call instead of a sort by two keys."""
    if not len(keys):
        return keys, ends
    lengths = ends - (keys & _POSITION)
    bits = int(lengths.max()).bit_length()
    if int(keys.max()) < 2 ** (63 - bits):
        # np.unique costs twenty times more; the joined spans come mostly in order
        # (_MERGE_SORT).
        both = np.sort(keys << bits | lengths, kind="stable")
        both = both[np.concatenate(([True], both[1:] != both[:-1]))]
        keys = both >> bits
        return keys, (keys & _POSITION) + (both & ((1 << bits) - 1))
    order = np.lexsort((ends, keys))
    keys, ends = keys[order], ends[order]
    first_of_each = np.ones(len(keys), dtype=bool)
    first_of_each[1:] = (keys[1:] != keys[:-1]) | (ends[1:] != ends[:-1])
    return keys[first_of_each], ends[first_of_each]


def _sorted(values: np.ndarray) -> np.ndarray:
    """``values`` sorted: often they are already (one term's keys, in document
    and position order), and checking costs less than sorting."""
    if len(values) > 1 and np.any(values[1:] < values[:-1]):
        return np.sort(values, kind="stable")  # a merge of sorted runs, most often
    return values
