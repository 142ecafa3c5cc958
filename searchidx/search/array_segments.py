"""The side files as a vocabulary and a source of postings: each segment's, and a reader's.

A segment's side file (:class:`_Segment`) finds a term's number by one
``searchsorted`` on the terms' first 8 bytes and a bisection among the terms
that share them, expands prefixes the same way, compares its terms by their
letters for did you mean and fuzzy words (:meth:`_Segment.near_terms`), and
gives each term's postings as a slice of flat arrays. What costs to find again
is kept for the next searches, within limits: the terms' numbers, where each
posting's positions start, the terms measured for near_terms.

A word restricted by how it is written (:class:`~.written.WrittenTerm`: ``=word``,
vocalized words) runs its test once on each written form of its terms (the side
file's forward index lists each term's forms): :meth:`_Segment.accepted` gives
the verdict on each occurrence.

:class:`ArraySegments` is every segment of one Whoosh reader, asked as Whoosh's
term files are (which terms exist, their document frequency, a prefix's terms);
:class:`ArrayVocabulary` is the planning vocabulary read from it. Ranking over
the segments is ``rank_arrays.py``.
"""

from __future__ import annotations

import mmap
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..sidefiles import (
    FIELDS,
    distinct,
    load_side_file,
    prefix_key,
    range_numbers,
    segment_readers,
)
from .plan import ReaderVocabulary
from .written import WrittenTest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from typing_extensions import Self
    from whoosh.reading import IndexReader

_ORDINAL_CACHE_LIMIT = 100_000
# A term of at least this many postings has where they start added up alone, in
# place; terms of fewer, together (a call each would cost more than the work).
_FILLED_ALONE = 512
_LARGEST_KEY = 2**64 - 1
# The terms measured for near_terms are kept per segment up to about this many bytes.
_NEAR_TERMS_LIMIT = 2**25
# Fewer terms than this are decoded one by one: numpy's calls would cost more.
_DECODED_ONE_BY_ONE = 64
# The terms sharing a key are kept per segment up to this many (about 60 bytes
# each, 3 MB): the bench's 1,700 searches at 100,000 paragraphs keep 30,000.
_SHARED_LIMIT = 50_000


class _Measured:
    """Terms as near_terms compares them: their text end to end, where each starts
    in it (and where the last ends), and, for each length in letters once asked,
    the code points the terms of that length use (sorted), how many times each
    term has each of them (a row per term), how many distinct ones each term has
    and the terms' numbers."""

    def __init__(self, raw: np.ndarray, offsets: np.ndarray) -> None:
        # Each term's length in letters: UTF-8 continuation bytes are 10xxxxxx.
        leads = ((raw & 0xC0) != 0x80).view(np.uint8)
        self.sizes = np.add.reduceat(leads, offsets[:-1] - offsets[0], dtype=np.int64)
        self.text = raw.tobytes().decode("utf-8")
        self.codes = np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32)
        self.starts = _starts(self.sizes)
        self.by_length: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._new = self.codes.nbytes + len(self.text) * 2 + self.starts.nbytes * 2

    def of_length(self, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The code points, counts, distinct letters and numbers of the terms of
        ``length`` letters, counted the first time they are asked for: a search
        asks for three lengths."""
        found = self.by_length.get(length)
        if found is None:
            numbers = np.flatnonzero(self.sizes == length)
            rows = self.codes[self.starts[numbers, None] + np.arange(length)]
            # Each code point's column: its place among those used (no sort).
            used = np.bincount(rows.ravel()) > 0
            alphabet = np.flatnonzero(used).astype(np.uint32)
            columns = (np.cumsum(used) - 1)[rows] + np.arange(len(numbers))[:, None] * len(alphabet)
            counts = np.bincount(columns.ravel(), minlength=len(numbers) * len(alphabet))
            # A count is at most the term's length.
            counts = counts.reshape(len(numbers), len(alphabet)).astype(
                np.uint8 if length < 256 else np.int64
            )
            distinct = np.count_nonzero(counts, axis=1)
            found = self.by_length[length] = (alphabet, counts, distinct, numbers)
            self._new += counts.nbytes + distinct.nbytes + numbers.nbytes + alphabet.nbytes
        return found

    def grown(self) -> int:
        """How many bytes were added since last asked."""
        new, self._new = self._new, 0
        return new


class _Segment:
    """One segment's side file, with its deletions and its offset in the whole index."""

    def __init__(self, side, offset: int, deleted):
        self.side = side
        self.offset = offset
        self.size = side.doc_count_all
        # Per field, each term's number: dicts of bytes and ints, which the garbage
        # collector does not walk.
        self._ordinals: dict[str, dict[bytes, int]] = {}
        # Per field and key, the terms that share it (see _shared), and how many are kept.
        # Tuples of bytes, which the garbage collector stops walking once it has seen them.
        self._spans: dict[tuple[str, int], tuple[bytes, ...]] = {}
        self._spans_kept = 0
        # Per written test and term, the test's verdict on each of the term's written
        # forms, and on all of them (see passing); and on some of them, where only
        # their occurrences were asked about (see accepted): 1 passes, 0 fails, -1 not
        # judged yet.
        self._verdicts = _KeptByTest()  # of tuple[np.ndarray, bool | None]
        self._some_verdicts = _KeptByTest()  # of np.ndarray
        # Where each posting's positions start (see posting_firsts), of the terms whose
        # postings are filled in: at most one number (4 bytes) per posting of the segment.
        self._firsts: np.ndarray | None = None
        self._filled: np.ndarray | None = None
        # Per field and prefix, its terms measured for near_terms, and the bytes kept.
        self._near: dict[tuple[str, bytes], _Measured] = {}
        self._near_kept = 0
        self.live = None
        if deleted:
            self.live = np.ones(self.size, dtype=bool)
            self.live[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False

    def ordinal(self, fieldname: str, term: bytes) -> int:
        """The term's number in this segment's vocabulary, or -1."""
        found = self._ordinals.setdefault(fieldname, {}).get(term)
        if found is None:
            key = prefix_key(term)
            low, high = _key_range(self.side[f"{fieldname}.prefix_keys"], key, key)
            found = self._remember(fieldname, [term], [self._find(fieldname, term, low, high)])[0]
        return found

    def ordinals(self, fieldname: str, terms: list[bytes], keep: bool = False) -> list[int]:
        """Each term's number in this segment's vocabulary, or -1: those not known
        from earlier lookups (:meth:`ordinal`) by one ``searchsorted`` that finds
        the terms sharing each one's key, and the terms sharing a key read once
        (see :meth:`_shared`). With ``keep``, the new answers are kept too: ranking
        asks about a word's forms search after search, where planning asks about
        thousands of words, nearly all absent, and remembers its answers itself."""
        kept = self._ordinals.get(fieldname, {})
        new = [term for term in terms if term not in kept]
        if not new:
            return [kept[term] for term in terms]
        keys = self.side[f"{fieldname}.prefix_keys"]
        wanted = _prefix_keys(new)
        lows = keys.searchsorted(wanted, "left").tolist()
        highs = keys.searchsorted(wanted, "right").tolist()
        found = [
            self._find(fieldname, term, low, high)
            for term, low, high in zip(new, lows, highs, strict=True)
        ]
        if keep:
            self._remember(fieldname, new, found)
        known = dict(zip(new, found, strict=True))
        return [kept[term] if term in kept else known[term] for term in terms]

    def _terms(self, fieldname: str, low: int, high: int) -> list[bytes]:
        """The terms ``low`` to ``high`` (excluded), in order."""
        ends = self.side[f"{fieldname}.offsets"][low : high + 1].tolist()
        text = self.side[f"{fieldname}.blob"][ends[0] : ends[-1]].tobytes()
        base = ends[0]
        return [text[start - base : end - base] for start, end in pairwise(ends)]

    def _texts(self, fieldname: str, low: int, high: int) -> list[str]:
        """The terms ``low`` to ``high`` (excluded), in order, as text: many are
        decoded at once, with a NUL (which no term holds) between each."""
        if high - low < _DECODED_ONE_BY_ONE:
            return [term.decode("utf-8") for term in self._terms(fieldname, low, high)]
        ends = self.side[f"{fieldname}.offsets"][low : high + 1].astype(np.int64)
        text = self.side[f"{fieldname}.blob"][ends[0] : ends[-1]]
        return np.insert(text, ends[1:-1] - ends[0], 0).tobytes().decode("utf-8").split("\0")

    def _remember(self, fieldname: str, terms: list[bytes], ordinals: list[int]) -> list[int]:
        if sum(map(len, self._ordinals.values())) + len(terms) > _ORDINAL_CACHE_LIMIT:
            self._ordinals.clear()
        self._ordinals.setdefault(fieldname, {}).update(zip(terms, ordinals, strict=True))
        return ordinals

    def _find(self, fieldname: str, term: bytes, low: int, high: int) -> int:
        """The term's number, knowing that the terms ``low`` to ``high`` share its key, or -1."""
        if low == high or len(term) < 8:
            # Keys are zero-padded and UTF-8 has no zero byte: a term shorter than
            # its key shares it with no other term.
            return low if low < high else -1
        # The terms sharing the first 8 bytes: find the term among them by bisection.
        return _bisected(self._shared(fieldname, low, high), term, low)

    def _shared(self, fieldname: str, low: int, high: int) -> tuple[bytes, ...]:
        """The terms ``low`` to ``high`` (excluded), which share their first 8 bytes,
        read once and kept for the next searches: planning a word asks about
        thousands of words, which share far fewer keys («بال…», «الكت…»)."""
        found = self._spans.get((fieldname, low))
        if found is None:
            if self._spans_kept + high - low > _SHARED_LIMIT:
                self._spans.clear()
                self._spans_kept = 0
            found = self._spans[fieldname, low] = tuple(self._terms(fieldname, low, high))
            self._spans_kept += high - low
        return found

    def doc_frequency(self, fieldname: str, ordinal: int) -> int:
        """Whoosh's document frequency of the term: deleted documents count."""
        if f"{fieldname}.doc_freqs" in self.side:
            return int(self.side[f"{fieldname}.doc_freqs"][ordinal])
        start, end = self.postings(fieldname, ordinal)
        return end - start

    def expand_prefixes(
        self, fieldname: str, prefixes: list[bytes], bounds: np.ndarray
    ) -> list[list[str]]:
        """For each prefix, this segment's terms that start with it, in order: one
        ``searchsorted`` of their ``bounds`` (:func:`_prefix_bounds`) finds where
        every prefix's terms are, and most prefixes have none."""
        at = self.side[f"{fieldname}.prefix_keys"].searchsorted(bounds).tolist()
        found: list[list[str]] = [[] for _ in prefixes]
        for number, (prefix, low, high) in enumerate(
            zip(prefixes, at[: len(prefixes)], at[len(prefixes) :], strict=True)
        ):
            if low == high:
                continue
            if len(prefix) <= 8:
                found[number] = self._texts(fieldname, low, high)
                continue
            # The terms sharing its first 8 bytes: those starting with all of it sort
            # from the prefix to the prefix and a byte above any of UTF-8.
            shared = self._shared(fieldname, low, high)
            first = bisect_left(shared, prefix)
            if first < len(shared) and shared[first].startswith(prefix):
                last = bisect_left(shared, prefix + b"\xff", first)
                found[number] = [term.decode("utf-8") for term in shared[first:last]]
        return found

    def near_terms(
        self,
        fieldname: str,
        prefix: bytes,
        lengths: range,
        letters: dict[int, int],
        most_changed: int,
        familiar: list[int],
        most_foreign: int | None,
    ) -> list[str]:
        """This segment's terms that start with ``prefix``, of a length in
        ``lengths``, near the word of ``letters`` (each code point's count in it)
        as :meth:`.plan.Vocabulary.near_terms` says (``familiar``: the sorted
        code points of the word and of ``alike``), in order: the terms are
        compared as counts of letters, only those kept become strings."""
        measured = self._measured(fieldname, prefix)
        size = sum(letters.values())
        kept = []
        for length in lengths:
            alphabet, counts, distinct, numbers = measured.of_length(length)
            if not len(numbers):
                continue
            at, found = _columns(alphabet, list(letters))
            times = np.array(list(letters.values()), dtype=counts.dtype)[found]
            matched = np.minimum(counts[:, at[found]], times).sum(axis=1, dtype=np.int64)
            near = max(length, size) - matched <= most_changed
            if most_foreign is not None:
                at, found = _columns(alphabet, familiar)
                known = np.count_nonzero(counts[:, at[found]], axis=1)
                near &= distinct - known <= most_foreign
            kept.append(numbers[near])
        if not kept:
            return []
        kept = np.sort(np.concatenate(kept))
        starts = measured.starts
        ends = zip(starts[kept].tolist(), starts[kept + 1].tolist(), strict=True)
        terms = [measured.text[start:end] for start, end in ends]
        if len(prefix) > 8:
            start = prefix.decode("utf-8")
            terms = [term for term in terms if term.startswith(start)]
        return terms

    def _measured(self, fieldname: str, prefix: bytes) -> _Measured:
        """The terms whose key (first 8 bytes) starts as ``prefix``'s, measured once
        and kept for the next searches, as long as :data:`_NEAR_TERMS_LIMIT` allows:
        measuring every term of a first letter costs more than comparing them."""
        found = self._near.get((fieldname, prefix))
        if found is None:
            side = self.side
            keys = side[f"{fieldname}.prefix_keys"]
            low, high = _key_range(keys, prefix_key(prefix), prefix_key(prefix, b"\xff"))
            offsets = side[f"{fieldname}.offsets"][low : high + 1].astype(np.int64)
            found = _Measured(side[f"{fieldname}.blob"][offsets[0] : offsets[-1]], offsets)
            if self._near_kept > _NEAR_TERMS_LIMIT:
                self._near.clear()
                self._near_kept = 0
            self._near[fieldname, prefix] = found
        self._near_kept += found.grown()
        return found

    def postings(self, fieldname: str, ordinal: int) -> tuple[int, int]:
        pointers = self.side[f"{fieldname}.pointers"]
        return int(pointers[ordinal]), int(pointers[ordinal + 1])

    def posting_firsts(self, index: np.ndarray, terms: np.ndarray) -> np.ndarray:
        """Where the positions of each posting ``index`` (numbers into the flat arrays,
        of the ``terms`` terms) start in ``terms.positions``, as int64: each term's
        running sum of its frequencies from its first position, worked out the first
        time one of its postings is asked for and kept for the segment's other searches
        (one number a posting, of the positions' pointers' type, filled term by term)."""
        side = self.side
        if self._firsts is None:
            # Untouched pages take no memory: only the terms filled do. In pages of
            # the system's small size: a huge page, which numpy asks for an array
            # this large, may stall its first search while the system makes one.
            dtype = side["terms.position_pointers"].dtype
            pages = mmap.mmap(-1, max(len(side["terms.freqs"]), 1) * dtype.itemsize)
            if hasattr(mmap, "MADV_NOHUGEPAGE"):
                pages.madvise(mmap.MADV_NOHUGEPAGE)
            self._firsts = np.frombuffer(pages, dtype=dtype)
            self._filled = np.zeros(len(side["terms.pointers"]) - 1, dtype=bool)
        new = terms[~self._filled[terms]]
        if len(new):
            new = distinct(new)
            pointers, freqs = side["terms.pointers"], side["terms.freqs"]
            position_pointers = side["terms.position_pointers"]
            starts = pointers[new].astype(np.int64)
            sizes = pointers[new + 1] - starts
            alone = sizes >= _FILLED_ALONE
            for start, size, first in zip(
                starts[alone].tolist(),
                sizes[alone].tolist(),
                position_pointers[new[alone]].tolist(),
                strict=True,
            ):
                firsts = self._firsts[start : start + size]
                firsts[0] = first
                np.cumsum(freqs[start : start + size - 1], out=firsts[1:])
                firsts[1:] += first
            if not alone.all():
                # The others at once: one running sum of their frequencies, each
                # term's restarted from its first position.
                starts, sizes, few = starts[~alone], sizes[~alone], new[~alone]
                at = range_numbers(starts, sizes)
                counts = freqs[at].astype(np.int64)
                running = np.cumsum(counts) - counts
                restart = running[_starts(sizes)[:-1]] - position_pointers[few]
                self._firsts[at] = running - restart.repeat(sizes)
            self._filled[new] = True
        return self._firsts[index].astype(np.int64)

    def accepted(
        self, test: WrittenTest, terms: np.ndarray, term_of, occurrences: np.ndarray
    ) -> np.ndarray:
        """A mask of ``occurrences`` (numbers into ``terms.positions``, each of the term
        ``terms[term_of]``; ``term_of`` may be None where ``terms`` has one) whose word
        as written passes ``test``. Each written form is tested once: where the
        verdicts on all of a term's forms are not known (:meth:`passing`), only the
        forms of these occurrences are tested (a common term has dozens of forms, a
        few paragraphs' occurrences a handful of them)."""
        numbers = self.side.written_numbers(terms, term_of, occurrences)
        kept = self._verdicts.answers(test)
        judged = [kept.get(term) for term in terms.tolist()]
        # Where some are not known: 1 passes, 0 fails, -1 not judged yet.
        verdicts = [
            self._some_judged(test, term) if found is None else found[0]
            for term, found in zip(terms.tolist(), judged, strict=True)
        ]
        if len(verdicts) == 1:
            every, at, firsts = verdicts[0], numbers, None
        else:
            firsts = _starts(np.array([len(found) for found in verdicts], dtype=np.int64))
            every, at = np.concatenate(verdicts), firsts[term_of] + numbers
        found = every[at]
        if None not in judged:
            return found
        unknown = distinct(at[found < 0])
        if len(unknown):
            # Each judged in its term's verdicts, kept, and in the whole as read.
            owners = np.zeros(len(unknown), dtype=np.int64)
            if firsts is not None:
                owners = firsts.searchsorted(unknown, "right") - 1
                unknown = unknown - firsts[owners]
            forms: dict[int, list[str]] = {}
            for owner, number in zip(owners.tolist(), unknown.tolist(), strict=True):
                if owner not in forms:
                    forms[owner] = self.side.term_forms(int(terms[owner]))
                verdicts[owner][number] = _passes(test, forms[owner][number])
            for owner in forms:
                self._judged_whole(test, int(terms[owner]), verdicts[owner])
            every = verdicts[0] if firsts is None else np.concatenate(verdicts)
            found = every[at]
        return found > 0

    def _judged_whole(self, test: WrittenTest, ordinal: int, some: np.ndarray) -> None:
        """Keep the verdicts ``some`` on the term's forms as :meth:`_judged` keeps
        them once every form is judged: then :meth:`known_passing` knows it."""
        if (some >= 0).all():
            self._some_verdicts.pop(test, ordinal)
            verdicts = some.astype(bool)
            passing = True if verdicts.all() else None if verdicts.any() else False
            self._verdicts.put(test, ordinal, (verdicts, passing))

    def _some_judged(self, test: WrittenTest, ordinal: int) -> np.ndarray:
        """The verdicts of ``test`` on the written forms of the term ``ordinal`` judged
        so far (see :meth:`accepted`): 1 passes, 0 fails, -1 not judged yet."""
        found = self._some_verdicts.get(test, ordinal)
        if found is None:
            forms = len(self.side.term_forms(ordinal))
            found = self._some_verdicts.put(test, ordinal, np.full(forms, -1, dtype=np.int8))
        return found

    def term_accepted(self, test: WrittenTest, ordinal: int) -> np.ndarray:
        """A mask of every occurrence of the term ``ordinal`` (its positions in
        order) whose word as written passes ``test``: a slice of the forward index."""
        return self._term_verdicts(test, ordinal)[self.side.term_written_numbers(ordinal)]

    def passing(self, test: WrittenTest, ordinal: int) -> bool | None:
        """Whether every occurrence of the term ``ordinal`` passes ``test`` (True),
        none does (False) or some do (None): its written forms' verdicts say it
        without reading the forward index."""
        return self._judged(test, ordinal)[1]

    def known_passing(self, test: WrittenTest, ordinal: int) -> bool | None:
        """:meth:`passing` where the verdicts on all the term's written forms are
        known, else None (some may pass): nothing is judged to know it. A term's
        forms are judged as its occurrences are read (:meth:`accepted`); once all
        are, it is known."""
        judged = self._verdicts.get(test, ordinal)
        return None if judged is None else judged[1]

    def _term_verdicts(self, test: WrittenTest, ordinal: int) -> np.ndarray:
        return self._judged(test, ordinal)[0]

    def _judged(self, test: WrittenTest, ordinal: int) -> tuple[np.ndarray, bool | None]:
        """The test's verdict on each of the term's written forms, and :meth:`passing`:
        worked out once, as a search asks for them form after form."""
        found = self._verdicts.get(test, ordinal)
        if found is None:
            forms = self.side.term_forms(ordinal)
            verdicts = np.array([_passes(test, form) for form in forms])
            passing = True if verdicts.all() else None if verdicts.any() else False
            found = self._verdicts.put(test, ordinal, (verdicts, passing))
        return found

    def universe(self) -> np.ndarray:
        everything = np.arange(self.size, dtype=np.int64)
        return everything if self.live is None else everything[self.live]


class _KeptByTest:
    """Answers kept per written test, then per key (a term's number, a written form),
    all emptied once they hold :data:`_ORDINAL_CACHE_LIMIT`: dicts of numbers,
    strings and arrays, which the garbage collector stops walking once no longer
    added to. The answers are counted as they come (a process may ask thousands
    of tests: summing their dicts at each answer would cost more than the answer)."""

    def __init__(self) -> None:
        self._kept: dict[WrittenTest, dict] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def answers(self, test: WrittenTest) -> dict:
        """``test``'s answers by key, not to be changed."""
        return self._kept.get(test, {})

    def get(self, test: WrittenTest, key):
        return self.answers(test).get(key)

    def put(self, test: WrittenTest, key, answer):
        """Keep ``answer`` and return it."""
        if self._count >= _ORDINAL_CACHE_LIMIT:
            self.clear()
        kept = self._kept.setdefault(test, {})
        self._count += key not in kept
        kept[key] = answer
        return answer

    def pop(self, test: WrittenTest, key) -> None:
        kept = self._kept.get(test)
        if kept is not None and kept.pop(key, None) is not None:
            self._count -= 1

    def clear(self) -> None:
        self._kept.clear()
        self._count = 0


def _prefix_keys(terms: list[bytes]) -> np.ndarray:
    """:func:`~searchidx.sidefiles.prefix_key` of each term, all at once: numpy's
    8-byte strings cut and zero-pad them, read as big-endian integers."""
    return np.array(terms, dtype="S8").view(">u8").astype(np.uint64)


def _prefix_bounds(prefixes: list[bytes]) -> np.ndarray:
    """The keys from which the terms that start with each prefix sort, then the
    keys before which they end: each prefix padded with 0xff bytes (UTF-8 has
    none, so no key is the largest), plus one."""
    bounds = [prefix_key(prefix) for prefix in prefixes]
    bounds += [min(prefix_key(prefix, b"\xff") + 1, _LARGEST_KEY) for prefix in prefixes]
    return np.array(bounds, dtype=np.uint64)


def _merged(ours: list[str], theirs: list[str]) -> list[str]:
    """Two segments' terms with one prefix, sorted and unique: sorting merges their
    sorted runs, and a term in both is then in a row."""
    return list(dict.fromkeys(sorted(ours + theirs)))


def _bisected(terms: Sequence[bytes], term: bytes, first: int) -> int:
    """The number of ``term`` among the sorted ``terms``, numbered from ``first``, or -1."""
    at = bisect_left(terms, term)
    return first + at if at < len(terms) and terms[at] == term else -1


def _columns(alphabet: np.ndarray, codes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``codes`` is in the sorted ``alphabet``, and which of them are in it."""
    wanted = np.array(codes, dtype=alphabet.dtype)
    at = np.minimum(alphabet.searchsorted(wanted), len(alphabet) - 1)
    return at, alphabet[at] == wanted


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Where each of the items of ``sizes`` starts when laid end to end, and where they end."""
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    return starts


def _key_range(keys: np.ndarray, first: int, last: int) -> list[int]:
    """Where the keys from ``first`` to ``last`` are in the sorted ``keys``: one
    ``searchsorted`` for both ends (UTF-8 has no 0xff byte, so no key is the largest)."""
    return keys.searchsorted(
        np.array([first, min(last + 1, _LARGEST_KEY)], dtype=np.uint64)
    ).tolist()


# Each written test's verdict on each written form, for every segment.
_VERDICTS = _KeptByTest()


def _passes(test: WrittenTest, written: str) -> bool:
    """Whether ``written``, a form of the forward index, passes ``test``: one verdict
    for every segment, kept (see :class:`_KeptByTest`). "" is a position with no
    word, which Whoosh's path skips."""
    found = _VERDICTS.get(test, written)
    if found is None:
        found = _VERDICTS.put(test, written, bool(written) and test.accepts(written))
    return found


def _mask(ids: np.ndarray, size: int) -> np.ndarray:
    """A mask of ``size`` documents, true at ``ids``."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    return present


class ArraySegments:
    """The segments of one Whoosh reader read through their side files: their
    vocabulary, terms and document frequencies."""

    def __init__(self, segments: list[_Segment], doc_count_all: int) -> None:
        self.segments = segments
        self.doc_count_all = doc_count_all
        self._vocabulary: ArrayVocabulary | None = None

    @classmethod
    def open(cls, index_dir: Path, reader: IndexReader) -> Self | None:
        """An array searcher for ``reader``, or None unless every segment has a good side file."""
        segments = []
        leaves = segment_readers(reader)
        if not leaves:
            return None  # an empty index: nothing to gain
        for leaf, offset in leaves:
            side = load_side_file(index_dir, leaf.segment().segment_id(), leaf.doc_count_all())
            if side is None:
                return None
            segments.append(_Segment(side, offset, leaf.deleted_docs_set))
        return cls(segments, reader.doc_count_all())

    def vocabulary(self, reader: IndexReader) -> ArrayVocabulary:
        """``reader``'s vocabulary, with prefixes expanded from the side files: the same
        object from search to search, so planning remembers what it found in it."""
        if self._vocabulary is None or self._vocabulary.reader is not reader:
            self._vocabulary = ArrayVocabulary(reader, self)
        return self._vocabulary

    def expand_prefixes(self, fieldname: str, prefixes: list[bytes]) -> list[list[str]]:
        """For each prefix, every segment's terms that start with it, sorted and
        unique, as Whoosh's (text sorts as its UTF-8 does)."""
        bounds = _prefix_bounds(prefixes)
        found = [segment.expand_prefixes(fieldname, prefixes, bounds) for segment in self.segments]
        merged = found[0]
        for other in found[1:]:
            merged = [
                theirs if not ours else ours if not theirs else _merged(ours, theirs)
                for ours, theirs in zip(merged, other, strict=True)
            ]
        return merged

    def near_terms(
        self,
        fieldname: str,
        prefix: bytes,
        lengths: range,
        word: str,
        most_changed: int,
        alike: str = "",
        most_foreign: int | None = None,
    ) -> list[str]:
        """Every segment's :meth:`_Segment.near_terms`, sorted and unique."""
        letters = Counter(map(ord, word))
        familiar = sorted(set(map(ord, word + alike)))
        found = [
            segment.near_terms(
                fieldname, prefix, lengths, letters, most_changed, familiar, most_foreign
            )
            for segment in self.segments
        ]
        if len(found) == 1:
            return found[0]
        return sorted(set().union(*found))

    def contains_many(self, fieldname: str, terms: list[bytes]) -> list[bool]:
        """Whether a segment has each term, as Whoosh's term files say."""
        found = [False] * len(terms)
        missing = list(range(len(terms)))
        for segment in self.segments:
            ordinals = segment.ordinals(fieldname, [terms[at] for at in missing])
            for at, ordinal in zip(missing, ordinals, strict=True):
                found[at] = ordinal >= 0
            missing = [at for at in missing if not found[at]]
            if not missing:
                break
        return found

    def doc_frequency(self, fieldname: str, term: bytes) -> int:
        """Whoosh's document frequency of ``term``: deleted documents count."""
        df = 0
        for segment in self.segments:
            ordinal = segment.ordinal(fieldname, term)
            if ordinal >= 0:
                df += segment.doc_frequency(fieldname, ordinal)
        return df


class ArrayVocabulary(ReaderVocabulary):
    """A Whoosh reader's vocabulary read from the side files: terms found and
    prefixes expanded by ``searchsorted`` (Whoosh walks its term files)."""

    def __init__(self, reader: IndexReader, arrays: ArraySegments) -> None:
        super().__init__(reader)
        self.arrays = arrays

    def contains(self, fieldname: str, term: str) -> bool:
        if fieldname not in FIELDS:
            return super().contains(fieldname, term)
        return self.contains_many(fieldname, [term])[0]

    def contains_many(self, fieldname: str, terms: list[str]) -> list[bool]:
        if fieldname not in FIELDS:
            return super().contains_many(fieldname, terms)
        return self.arrays.contains_many(fieldname, [term.encode("utf-8") for term in terms])

    def doc_frequency(self, fieldname: str, term: str) -> int:
        if fieldname not in FIELDS:
            return super().doc_frequency(fieldname, term)
        return self.arrays.doc_frequency(fieldname, term.encode("utf-8"))

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        if fieldname not in FIELDS:
            return super().expand_prefix(fieldname, prefix)
        return iter(self.expand_prefixes(fieldname, [prefix])[0])

    def expand_prefixes(self, fieldname: str, prefixes: list[str]) -> list[list[str]]:
        if fieldname not in FIELDS:
            return super().expand_prefixes(fieldname, prefixes)
        return self.arrays.expand_prefixes(
            fieldname, [prefix.encode("utf-8") for prefix in prefixes]
        )

    def near_terms(
        self,
        fieldname: str,
        prefix: str,
        lengths: range,
        word: str,
        most_changed: int,
        alike: str = "",
        most_foreign: int | None = None,
    ) -> Iterator[str]:
        arguments = (lengths, word, most_changed, alike, most_foreign)
        if fieldname not in FIELDS:
            return super().near_terms(fieldname, prefix, *arguments)
        return iter(self.arrays.near_terms(fieldname, prefix.encode("utf-8"), *arguments))
