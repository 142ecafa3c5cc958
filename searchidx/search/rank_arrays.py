"""Ranking in numpy over the segments' side files: a query plan evaluated array-wise.

It returns what Whoosh's matchers return for the same plan (see
``rank_whoosh.py``): the same matches, the same BM25F scores plus each term's
bonus, the same top hits with ties broken by document number. Whoosh's
statistics are reproduced as Whoosh computes them: ``idf = log(N / (df + 1)) + 1``
with N and df counting deleted documents and file records, the average field
length as the field's total length over N, field lengths as Whoosh's one-byte
encoding returns them, 1.0 for a document matched through NOT, and a phrase
scored as the sum of its words' scores.

Each node of the query tree becomes, per segment, the sorted document numbers
it matches and their scores: a term is a slice of its posting list, OR sums
scores (``np.bincount``), AND intersects, NOT is kept as the complement of its
matches until an AND removes them or an OR needs them whole; AND MAYBE adds
its second part's scores where it matches too, and a constant-score node gives
each of its matches its one score. A phrase, and an AND of words, starts from
the word (all its forms) with the fewest postings: its documents are a mask
that the other words' postings are filtered by, before any position is read or
any score computed. Phrases are then checked on the documents left, by
intersecting ``document << 32 | position - k`` keys of each k-th word, the
positions of each next word read only in the documents where the words so far
are in place.
Proximity (``"w1 w2"~N``, any order) is the AND of its words, kept where
their positions join as Whoosh's tree of ``SpanNear`` spans joins them.
A word's positions are read as one slice where most of its postings are wanted.

A node evaluated for a parent that looks at some documents only (the optional
part of AND MAYBE, which adds a score where the required part matches) is
given them as a mask, ``within``, and reads nothing of the other documents:
a word typed with diacritics checks the written forms of its occurrences only
in the paragraphs the query matches anyway.

A word restricted by how it is written (:class:`~.written.WrittenTerm`: ``=word``,
vocalized words) runs its test once on each written form of its terms (the side
file's forward index lists each term's forms), reads the number of the form
written at each of its terms' positions (a slice per term when the word stands
alone, beside the positions in a phrase), and keeps the accepted occurrences:
its term frequency is their number per document, and phrases see only them.

A node it does not know (or a boost) raises :class:`Unsupported`
before any work is done, and the caller uses Whoosh's matchers instead.
"""

from __future__ import annotations

from functools import lru_cache, partial
from itertools import pairwise
from math import log
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query

from ..sidefiles import FIELDS, load_side_file, prefix_key, ranges, segment_readers
from .plan import BM25_B, BM25_K1, ReaderVocabulary
from .written import WrittenTerm, WrittenTest

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from whoosh.reading import IndexReader

    from .plan import QueryPlan

_SCORED_FIELDS = {name for name, (_, has_lengths, _) in FIELDS.items() if has_lengths}
_NULL_QUERY = type(query.NullQuery)
_ORDINAL_CACHE_LIMIT = 100_000
_LARGEST_KEY = 2**64 - 1
_POSITION = 2**32 - 1  # the position in a ``doc << 32 | position`` key
# How many bits of each byte value are set.
_BITS_SET = np.array([bin(value).count("1") for value in range(256)], dtype=np.int64)
_NO_SPANS = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
# An AND of words is narrowed from its rarest word when another has this many times
# its postings; between words about as common, scoring each whole list costs less.
_NARROWING = 4
# A term with at least this many postings to read, most of them wanted, has its
# positions read as one slice; fewer cost less read together with other terms'.
_ONE_RUN = 1024
# A group of a phrase or AND whose postings outnumber the documents left by this
# many times has those documents looked up in its postings rather than read whole.
_SPARSE = 16
# ... when its forms average this many postings: each form looked up costs a call.
_LONG_FORMS = 4096
# Where each posting's positions start is kept for terms of many postings, up to
# this many numbers per segment (4 bytes each), for the next searches.
_POSITION_STARTS_LIMIT = 2**22
# The terms measured for near_terms are kept per segment up to about this many bytes.
_NEAR_TERMS_LIMIT = 2**25


class _Measured:
    """Terms as near_terms compares them: their text end to end, where each starts
    in it (and where the last ends), and, for each length in letters once asked,
    the code points the terms of that length use (sorted), how many times each
    term has each of them (a row per term) and the terms' numbers."""

    def __init__(self, raw: np.ndarray, offsets: np.ndarray) -> None:
        # Each term's length in letters: UTF-8 continuation bytes are 10xxxxxx.
        leads = ((raw & 0xC0) != 0x80).view(np.uint8)
        self.sizes = np.add.reduceat(leads, offsets[:-1] - offsets[0], dtype=np.int64)
        self.text = raw.tobytes().decode("utf-8")
        self.codes = np.frombuffer(self.text.encode("utf-32-le"), dtype=np.uint32)
        self.starts = _starts(self.sizes)
        self.by_length: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._new = self.codes.nbytes + len(self.text) * 2 + self.starts.nbytes * 2

    def of_length(self, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The code points, counts and numbers of the terms of ``length`` letters,
        counted the first time they are asked for: a search asks for three lengths."""
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
            found = self.by_length[length] = (alphabet, counts, numbers)
            self._new += counts.nbytes + numbers.nbytes + alphabet.nbytes
        return found

    def grown(self) -> int:
        """How many bytes were added since last asked."""
        new, self._new = self._new, 0
        return new


class Unsupported(Exception):
    """The query has a node array search does not evaluate."""


class _Matches:
    """Sorted document numbers of one segment and their scores."""

    __slots__ = ("ids", "scores")

    def __init__(self, ids: np.ndarray, scores: np.ndarray):
        self.ids = ids
        self.scores = scores


class _Complement:
    """Every live document except ``excluded``'s, each scoring 1.0 (Whoosh's NOT)."""

    __slots__ = ("excluded",)

    def __init__(self, excluded: _Matches):
        self.excluded = excluded


_EMPTY = _Matches(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))


class _Segment:
    """One segment's side file, with its deletions and its offset in the whole index."""

    def __init__(self, side, offset: int, deleted):
        self.side = side
        self.offset = offset
        self.size = side.doc_count_all
        self._ordinals: dict[tuple[str, bytes], int] = {}
        self._views: dict[str, tuple[memoryview, memoryview]] = {}
        # Per written test and term, the test's verdict on each of the term's written forms.
        self._verdicts: dict[tuple[WrittenTest, int], np.ndarray] = {}
        self._position_starts: dict[int, np.ndarray] = {}
        self._position_starts_kept = 0
        # Per field and prefix, its terms measured for near_terms, and the bytes kept.
        self._near: dict[tuple[str, bytes], _Measured] = {}
        self._near_kept = 0
        self.live = None
        if deleted:
            self.live = np.ones(self.size, dtype=bool)
            self.live[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False

    def ordinal(self, fieldname: str, term: bytes) -> int:
        """The term's number in this segment's vocabulary, or -1."""
        found = self._ordinals.get((fieldname, term))
        if found is None:
            key = prefix_key(term)
            low, high = _key_range(self.side[f"{fieldname}.prefix_keys"], key, key)
            found = self._remember(fieldname, [term], [self._find(fieldname, term, low, high)])[0]
        return found

    def ordinals(self, fieldname: str, terms: list[bytes]) -> list[int]:
        """Each term's number in this segment's vocabulary, or -1: the terms not
        looked up before are found by one ``searchsorted`` for them all."""
        new = [term for term in dict.fromkeys(terms) if (fieldname, term) not in self._ordinals]
        if new:
            wanted = np.fromiter(map(prefix_key, new), dtype=np.uint64, count=len(new))
            keys = self.side[f"{fieldname}.prefix_keys"]
            lows = keys.searchsorted(wanted, "left").tolist()
            highs = keys.searchsorted(wanted, "right").tolist()
            found = map(partial(self._find, fieldname), new, lows, highs)
            self._remember(fieldname, new, list(found))
        return [self._ordinals[fieldname, term] for term in terms]

    def _remember(self, fieldname: str, terms: list[bytes], ordinals: list[int]) -> list[int]:
        if len(self._ordinals) + len(terms) > _ORDINAL_CACHE_LIMIT:
            self._ordinals.clear()
        self._ordinals.update(zip(((fieldname, term) for term in terms), ordinals, strict=True))
        return ordinals

    def _find(self, fieldname: str, term: bytes, low: int, high: int) -> int:
        """The term's number, knowing that the terms ``low`` to ``high`` share its key, or -1."""
        if low == high or len(term) < 8:
            # Keys are zero-padded and UTF-8 has no zero byte: a term shorter than
            # its key shares it with no other term.
            return low if low < high else -1
        # Memory views index and slice without making a numpy object each time.
        if fieldname not in self._views:
            side = self.side
            self._views[fieldname] = (
                memoryview(side[f"{fieldname}.offsets"]),
                memoryview(side[f"{fieldname}.blob"]),
            )
        offsets, blob = self._views[fieldname]
        # The terms sharing the first 8 bytes: find the term among them by bisection.
        end = high
        while low < high:
            middle = (low + high) // 2
            if blob[offsets[middle] : offsets[middle + 1]].tobytes() < term:
                low = middle + 1
            else:
                high = middle
        if low < end and blob[offsets[low] : offsets[low + 1]].tobytes() == term:
            return low
        return -1

    def doc_frequency(self, fieldname: str, ordinal: int) -> int:
        """Whoosh's document frequency of the term: deleted documents count."""
        if f"{fieldname}.doc_freqs" in self.side:
            return int(self.side[f"{fieldname}.doc_freqs"][ordinal])
        start, end = self.postings(fieldname, ordinal)
        return end - start

    def expand_prefixes(self, fieldname: str, prefixes: list[bytes]) -> list[list[bytes]]:
        """For each prefix, this segment's terms that start with it, in order: one
        ``searchsorted`` finds where every prefix's terms are."""
        side = self.side
        bounds = [prefix_key(prefix) for prefix in prefixes]
        # UTF-8 has no 0xff byte, so no key is the largest.
        bounds += [min(prefix_key(prefix, b"\xff") + 1, _LARGEST_KEY) for prefix in prefixes]
        keys = side[f"{fieldname}.prefix_keys"]
        at = keys.searchsorted(np.array(bounds, dtype=np.uint64)).tolist()
        offsets, blob = side[f"{fieldname}.offsets"], side[f"{fieldname}.blob"]
        found = []
        for prefix, low, high in zip(
            prefixes, at[: len(prefixes)], at[len(prefixes) :], strict=True
        ):
            if low == high:
                found.append([])
                continue
            ends = offsets[low : high + 1].tolist()
            text = blob[ends[0] : ends[-1]].tobytes()
            base = ends[0]
            terms = [text[a - base : b - base] for a, b in pairwise(ends)]
            if len(prefix) > 8:
                terms = [term for term in terms if term.startswith(prefix)]
            found.append(terms)
        return found

    def near_terms(
        self, fieldname: str, prefix: bytes, lengths: range, letters: list[int], most_changed: int
    ) -> list[str]:
        """This segment's terms that start with ``prefix``, of a length in
        ``lengths``, that differ from the distinct code points ``letters`` by at
        most ``most_changed`` each way (see :meth:`.plan.Vocabulary.near_terms`),
        in order: the terms are compared as counts of letters, only those kept
        become strings."""
        measured = self._measured(fieldname, prefix)
        kept = []
        for length in lengths:
            alphabet, counts, numbers = measured.of_length(length)
            if not len(numbers):
                continue
            wanted = np.array(letters, dtype=alphabet.dtype)
            at = np.minimum(alphabet.searchsorted(wanted), len(alphabet) - 1)
            known = at[alphabet[at] == wanted]
            held = counts[:, known]
            others = length - held.sum(axis=1, dtype=np.int64)
            # A letter none of these terms has is missing from every one of them.
            missing = len(letters) - len(known) + np.count_nonzero(held == 0, axis=1)
            kept.append(numbers[(others <= most_changed) & (missing <= most_changed)])
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

    def position_starts(self, ordinal: int) -> np.ndarray:
        """Where the positions of each posting of the ``terms`` term start, from its
        first position (the running sum of its frequencies, one more at the end);
        kept for the next searches, as long as :data:`_POSITION_STARTS_LIMIT` allows."""
        found = self._position_starts.get(ordinal)
        if found is None:
            start, end = self.postings("terms", ordinal)
            if self._position_starts_kept + end - start > _POSITION_STARTS_LIMIT:
                self._position_starts.clear()
                self._position_starts_kept = 0
            found = np.zeros(end - start + 1, dtype=self.side["terms.position_pointers"].dtype)
            np.cumsum(self.side["terms.freqs"][start:end], out=found[1:])
            self._position_starts[ordinal] = found
            self._position_starts_kept += len(found)
        return found

    def accepted(
        self, test: WrittenTest, terms: np.ndarray, term_of, occurrences: np.ndarray
    ) -> np.ndarray:
        """A mask of ``occurrences`` (numbers into ``terms.positions``, each of the term
        ``terms[term_of]``) whose word as written passes ``test``: each of the terms'
        own written forms is tested once."""
        verdicts = [self._term_verdicts(test, term) for term in terms.tolist()]
        firsts = _starts(np.array([len(found) for found in verdicts], dtype=np.int64))
        numbers = self.side.written_numbers(terms, term_of, occurrences)
        return np.concatenate(verdicts)[firsts[term_of] + numbers]

    def term_accepted(self, test: WrittenTest, ordinal: int) -> np.ndarray:
        """A mask of every occurrence of the term ``ordinal`` (its positions in
        order) whose word as written passes ``test``: a slice of the forward index."""
        return self._term_verdicts(test, ordinal)[self.side.term_written_numbers(ordinal)]

    def _term_verdicts(self, test: WrittenTest, ordinal: int) -> np.ndarray:
        key = (test, ordinal)
        if key not in self._verdicts:
            if len(self._verdicts) > _ORDINAL_CACHE_LIMIT:
                self._verdicts.clear()
            forms = self.side.term_forms(ordinal)
            self._verdicts[key] = np.array([_passes(test, form) for form in forms])
        return self._verdicts[key]

    def universe(self) -> np.ndarray:
        everything = np.arange(self.size, dtype=np.int64)
        return everything if self.live is None else everything[self.live]


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


class ArraySearcher:
    """Searches the segments of one Whoosh reader through their side files."""

    def __init__(self, segments: list[_Segment], doc_count_all: int) -> None:
        self.segments = segments
        self.doc_count_all = doc_count_all
        self._vocabulary: ArrayVocabulary | None = None

    @classmethod
    def open(cls, index_dir: Path, reader: IndexReader) -> ArraySearcher | None:
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

    def expand_prefixes(self, fieldname: str, prefixes: list[bytes]) -> list[list[bytes]]:
        """For each prefix, every segment's terms that start with it, sorted and
        unique, as Whoosh's."""
        found = [segment.expand_prefixes(fieldname, prefixes) for segment in self.segments]
        if len(found) == 1:
            return found[0]
        return [sorted(set().union(*terms)) for terms in zip(*found, strict=True)]

    def near_terms(
        self, fieldname: str, prefix: bytes, lengths: range, letters: str, most_changed: int
    ) -> list[str]:
        """Every segment's :meth:`_Segment.near_terms`, sorted and unique."""
        codes = [ord(letter) for letter in sorted(set(letters))]
        found = [
            segment.near_terms(fieldname, prefix, lengths, codes, most_changed)
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

    def rank(self, plan: QueryPlan, limit: int) -> tuple[list[int], list[float], int]:
        """The top ``limit`` (docnums, scores) and the total, or raise :class:`Unsupported`."""
        q = plan.query
        _check(q)
        run = _Run(self, plan.bonuses)
        all_ids, all_scores = [], []
        for segment in self.segments:
            matches = _materialize(run.evaluate(q, segment), segment)
            if plan.excludes:
                matches = _without(matches, run.term(segment, "kind", "file"), segment.size)
            all_ids.append(matches.ids + segment.offset)
            all_scores.append(matches.scores)
        ids = np.concatenate(all_ids)
        scores = np.concatenate(all_scores)
        top = _top(ids, scores, limit)
        return ids[top].tolist(), scores[top].tolist(), len(ids)


class ArrayVocabulary(ReaderVocabulary):
    """A Whoosh reader's vocabulary read from the side files: terms found and
    prefixes expanded by ``searchsorted`` (Whoosh walks its term files)."""

    def __init__(self, reader: IndexReader, arrays: ArraySearcher) -> None:
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
        found = self.arrays.expand_prefixes(
            fieldname, [prefix.encode("utf-8") for prefix in prefixes]
        )
        return [[btext.decode("utf-8") for btext in terms] for terms in found]

    def near_terms(
        self, fieldname: str, prefix: str, lengths: range, letters: str, most_changed: int
    ) -> Iterator[str]:
        if fieldname not in FIELDS:
            return super().near_terms(fieldname, prefix, lengths, letters, most_changed)
        found = self.arrays.near_terms(
            fieldname, prefix.encode("utf-8"), lengths, letters, most_changed
        )
        return iter(found)


def _check(q: query.Query) -> None:
    """Raise :class:`Unsupported` unless every node of ``q`` is one array search knows."""
    kind = type(q)
    if kind is _NULL_QUERY:
        return
    if getattr(q, "boost", 1.0) != 1.0:
        raise Unsupported("boost")
    if kind is query.Term:
        if q.fieldname not in FIELDS or not isinstance(q.text, str):
            raise Unsupported("field")
    elif kind is WrittenTerm:
        _check_words([q])
    elif kind is query.Or:
        if q.minmatch or q.scale:
            raise Unsupported("minmatch")
    elif kind is query.Phrase:
        if q.fieldname != "terms" or q.slop != 1:
            raise Unsupported("phrase")
    elif kind is query.Sequence:
        if q.ordered and q.slop != 1:
            raise Unsupported("sequence")
        for child in q.subqueries:
            if type(child) is query.Or:
                _check_words(child.subqueries)
            else:
                _check_words([child])
    elif kind not in (query.And, query.Not, query.AndNot, query.AndMaybe, query.ConstantScoreQuery):
        raise Unsupported(kind.__name__)
    for child in q.children():
        _check(child)


def _check_words(words) -> None:
    if not _is_word_forms(words):
        raise Unsupported("sequence word")


class _Run:
    """One query's evaluation: the bonuses and the global statistics it needs."""

    def __init__(self, searcher: ArraySearcher, bonuses: Mapping[str, float]):
        self.searcher = searcher
        self.B, self.K1 = BM25_B, BM25_K1
        # Keyed by UTF-8 bytes, as the side files hold terms.
        self.bonus = {term.encode("utf-8"): value for term, value in bonuses.items() if value}
        self._idf: dict = {}
        self._avgfl: dict = {}

    def evaluate(self, q, segment: _Segment, within: np.ndarray | None = None):
        """The matches of ``q`` in ``segment``. With ``within`` (a mask of documents),
        they are exact on the documents of ``within`` only: the caller uses no other,
        so the words' postings elsewhere need not be read, scored or positioned."""
        kind = type(q)
        if kind is _NULL_QUERY:
            return _EMPTY
        if kind is query.Term:
            return self.term(segment, q.fieldname, q.text, within)
        if kind is query.Not:
            return _Complement(_materialize(self.evaluate(q.query, segment, within), segment))
        if kind is query.AndNot:
            positive = _materialize(self.evaluate(q.a, segment, within), segment)
            negative = _materialize(self.evaluate(q.b, segment, within), segment)
            return _without(positive, negative, segment.size)
        if kind is query.AndMaybe:
            required = _materialize(self.evaluate(q.a, segment, within), segment)
            return self.maybe(segment, required, [q.b])
        if kind is query.ConstantScoreQuery:
            found = None
            if (shape := _sequence_shape(q.child)) is not None:
                # Only its documents count: their scores are not computed.
                found = self.sequence(segment, *shape, within, scored=False)
            if found is None:
                found = _materialize(self.evaluate(q.child, segment, within), segment)
            return _Matches(found.ids, np.full(len(found.ids), q.score))
        if (shape := _sequence_shape(q)) is not None:
            return self.sequence(segment, *shape, within)
        if kind is query.Sequence and not q.ordered:
            return self.proximity(segment, q, within)
        if kind is query.And and any(type(child) is query.AndMaybe for child in q.subqueries):
            # Words typed with diacritics: what every word requires first, then the
            # optional parts (their written forms, read position by position) only
            # in the documents that all the required parts match.
            required = [
                child.a if type(child) is query.AndMaybe else child for child in q.subqueries
            ]
            found = _materialize(self.evaluate(query.And(required), segment, within), segment)
            optional = [child.b for child in q.subqueries if type(child) is query.AndMaybe]
            return self.maybe(segment, found, optional)
        if kind is query.And and q.subqueries and all(map(_is_word, q.subqueries)):
            # Words only (a query of several words): intersected before any is scored,
            # when one is much rarer than another.
            groups = [_forms(child) for child in q.subqueries]
            found = self.sequence(segment, groups, False, within)
            if found is not None:
                return found
        children = [self.evaluate(child, segment, within) for child in q.subqueries]
        if not children:
            return _EMPTY
        if kind is query.Or:
            return _union([_materialize(child, segment) for child in children], segment.size)
        return _intersection(children, segment)

    def maybe(self, segment: _Segment, required: _Matches, optional: list) -> _Matches:
        """``required`` with the scores of each ``optional`` query added where it matches
        too (AND MAYBE), each evaluated in ``required``'s documents only."""
        if not len(required.ids):
            return required
        inside = _mask(required.ids, segment.size)
        for q in optional:
            found = _materialize(self.evaluate(q, segment, inside), segment)
            required = _plus(required, found, segment)
        return required

    def term(self, segment: _Segment, fieldname: str, text: str, within=None) -> _Matches:
        """The term's live documents and scores (of those in ``within``, where given)."""
        term = text.encode("utf-8")
        ordinal = segment.ordinal(fieldname, term)
        if ordinal < 0:
            return _EMPTY
        side = segment.side
        start, end = segment.postings(fieldname, ordinal)
        ids = side[f"{fieldname}.docs"][start:end].astype(np.int64)
        chosen = slice(None) if within is None else within[ids]
        ids = ids[chosen]
        if fieldname in _SCORED_FIELDS:
            tf = side[f"{fieldname}.freqs"][start:end][chosen].astype(np.float64)
            fl = side[f"{fieldname}.lengths"][ids].astype(np.float64)
            idf, avgfl = self.idf(fieldname, term), self.avgfl(fieldname)
            B, K1 = self.B, self.K1
            # Whoosh's bm25(), operation for operation, so the floats agree.
            scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            bonus = self.bonus.get(term) if fieldname == "terms" else None
            if bonus:
                scores = scores + bonus
        else:
            # Whoosh scores an unscored field's match by the term's largest weight: 1.0.
            scores = np.ones(len(ids), dtype=np.float64)
        if segment.live is not None:
            alive = segment.live[ids]
            ids, scores = ids[alive], scores[alive]
        return _Matches(ids, scores)

    def idf(self, fieldname: str, term: bytes) -> float:
        key = (fieldname, term)
        if key not in self._idf:
            df = self.searcher.doc_frequency(fieldname, term)
            self._idf[key] = log(self.searcher.doc_count_all / (df + 1)) + 1
        return self._idf[key]

    def avgfl(self, fieldname: str) -> float:
        if fieldname not in self._avgfl:
            total = sum(s.side.field_lengths[fieldname] for s in self.searcher.segments)
            self._avgfl[fieldname] = total / (self.searcher.doc_count_all or 1) or 1
        return self._avgfl[fieldname]

    def sequence(
        self,
        segment: _Segment,
        groups: list[list],
        adjacent: bool = True,
        within=None,
        scored: bool = True,
    ):
        """Documents where a word of each group follows one of the previous group (or,
        not ``adjacent``, is anywhere), scored as the AND of the groups (each group's
        words are an OR, of terms or of :class:`~.written.WrittenTerm` of one test),
        in ``within`` (a mask) where given; not ``scored``, each scores 0. Not
        ``adjacent``, None when no group has :data:`_NARROWING` times fewer
        postings than another and none is restricted: then scoring whole posting
        lists is cheaper."""
        forms = []
        for group in groups:
            found = [word.text.encode("utf-8") for word in group]
            found = [(segment.ordinal("terms", term), term) for term in found]
            found = [(ordinal, term) for ordinal, term in found if ordinal >= 0]
            if not found:
                return _EMPTY
            forms.append(found)
        tests = [getattr(group[0], "test", None) for group in groups]
        ordinals = [np.array([ordinal for ordinal, _ in found], dtype=np.int64) for found in forms]
        pointers = segment.side["terms.pointers"]
        sizes = [
            np.sum(pointers[found + 1] - pointers[found].astype(np.int64)) for found in ordinals
        ]
        similar = max(sizes) < _NARROWING * min(sizes)
        if len(groups) > 1 and not adjacent and similar and within is None and not any(tests):
            return None
        postings = _phrase_postings(segment, ordinals, sizes, within)
        if postings is None:
            return _EMPTY
        if not adjacent or len(groups) == 1:
            # Each group's postings, restricted ones to their accepted occurrences.
            parts = []
            for (index, form, docs), ordinal, test, terms in zip(
                postings, ordinals, tests, forms, strict=True
            ):
                tf = None
                if test is not None:
                    index, form, docs, tf, _ = _restricted(
                        segment, index, form, docs, ordinal, test, positions=False
                    )
                if scored:
                    parts.append(self.postings_scores(segment, index, form, docs, tf, terms))
                else:
                    parts.append(_unscored(segment, np.flatnonzero(_mask(docs, segment.size))))
            return _intersection(parts, segment)
        # Word by word, the one with the fewest postings first: the positions (and
        # written forms) of each next word are read only where the words so far are
        # in place.
        keys = None
        groups_found: list = [None] * len(groups)
        for distance in np.argsort([len(index) for index, _, _ in postings], kind="stable"):
            index, form, docs = postings[distance]
            if keys is not None:
                alive = _mask(keys >> 32, segment.size)[docs]
                index, form, docs = index[alive], form[alive], docs[alive]
            ordinal, test, tf = ordinals[distance], tests[distance], None
            if test is None:
                positions, owner = _positions(segment, index, ordinal[form])
            else:
                index, form, docs, tf, (positions, owner) = _restricted(
                    segment, index, form, docs, ordinal, test
                )
            groups_found[distance] = (index, form, docs, tf)
            group_keys = _position_keys(docs[owner], positions - distance)
            if keys is None:
                keys = _sorted(group_keys)
            else:
                keys = keys[_in_sorted(keys, _sorted(group_keys))]
            if not len(keys):
                return _EMPTY
        found = _mask(keys >> 32, segment.size)
        if not scored:
            return _unscored(segment, np.flatnonzero(found))
        parts = []
        for (index, form, docs, tf), terms in zip(groups_found, forms, strict=True):
            chosen = found[docs]
            parts.append(
                self.postings_scores(
                    segment,
                    index[chosen],
                    form[chosen],
                    docs[chosen],
                    None if tf is None else tf[chosen],
                    terms,
                )
            )
        return _intersection(parts, segment)

    def proximity(self, segment: _Segment, q: query.Sequence, within=None) -> _Matches:
        """Documents where the words of ``q`` are within ``q.slop`` positions of each
        other in any order, scored as the AND of the words (as Whoosh scores it).

        The AND is evaluated first (narrowed from its rarest word), so positions are
        read only in the documents that have every word; then Whoosh's tree of
        ``SpanNear`` matches is followed: the first half of the words against the
        second half, each half the same way down to single words, and a pair of
        spans joins when 1 to ``slop`` positions separate them (spans that overlap
        are 0 apart, so never join). Only the documents of the last join are needed,
        not its spans: :func:`_near_docs`. A word given twice is read once."""
        and_query = query.And(q.subqueries)
        matches = _materialize(self.evaluate(and_query, segment, within), segment)
        if not len(matches.ids):
            return _EMPTY
        candidates = _mask(matches.ids, segment.size)
        read: dict = {}
        spans = []
        for child in q.subqueries:
            forms = _forms(child)
            key = tuple((word.text, getattr(word, "test", None)) for word in forms)
            if key not in read:
                read[key] = _word_spans(segment, forms, candidates)
            spans.append(read[key])
        half = len(spans) // 2
        first, second = _near_tree(spans[:half], q.slop), _near_tree(spans[half:], q.slop)
        keep = _among(matches.ids, _near_docs(first, second, q.slop), segment.size)
        return _Matches(matches.ids[keep], matches.scores[keep])

    def postings_scores(self, segment: _Segment, index, form, docs, tf, terms) -> _Matches:
        """The OR of ``terms`` (``(ordinal, term)`` pairs) scored on their postings
        ``index`` (numbers into the flat arrays, form by form, each form's in document
        order), ``form`` and ``docs`` saying whose each is and where: :meth:`term` for
        many terms at once. ``tf``, where given, are the postings' frequencies
        counting only the accepted occurrences of restricted terms."""
        side = segment.side
        ids = docs.astype(np.int64)
        tf = side["terms.freqs"][index] if tf is None else tf
        if segment.live is not None:
            alive = segment.live[ids]
            ids, form, tf = ids[alive], form[alive], tf[alive]
        tf = tf.astype(np.float64)
        fl = side["terms.lengths"][ids].astype(np.float64)
        idf = np.array([self.idf("terms", term) for _, term in terms])[form]
        bonus = np.array([self.bonus.get(term, 0.0) for _, term in terms])[form]
        avgfl, B, K1 = self.avgfl("terms"), self.B, self.K1
        # As term() computes each one; adding a zero bonus changes no score.
        scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))) + bonus
        return _summed(ids, scores, segment.size)


def _sequence_shape(q: query.Query) -> tuple[list[list], bool] | None:
    """``(groups, adjacent)`` for :meth:`_Run.sequence` where ``q`` is one of its
    shapes (a phrase, an ordered sequence, a restricted word), else None."""
    kind = type(q)
    if kind is WrittenTerm or (kind is query.Or and _is_restricted_word(q)):
        # A word's forms restricted alike: their postings and positions at once.
        return [_forms(q)], False
    if kind is query.Phrase:
        return [[query.Term("terms", word)] for word in q.words], True
    if kind is query.Sequence and q.ordered:
        return [_forms(child) for child in q.subqueries], True
    return None


def _unscored(segment: _Segment, ids: np.ndarray) -> _Matches:
    """The live documents of ``ids`` (sorted), each scoring 0."""
    ids = ids.astype(np.int64)
    if segment.live is not None:
        ids = ids[segment.live[ids]]
    return _Matches(ids, np.zeros(len(ids), dtype=np.float64))


def _is_word(q: query.Query) -> bool:
    """Whether ``q`` is a term of the ``terms`` field or an OR of such terms (a word's
    forms), all plain or all restricted by one written test."""
    return _is_word_forms(_forms(q))


def _is_word_forms(words) -> bool:
    kinds = {
        (type(word), getattr(word, "fieldname", None), getattr(word, "test", None))
        for word in words
    }
    return len(kinds) == 1 and next(iter(kinds))[:2] in {
        (query.Term, "terms"),
        (WrittenTerm, "terms"),
    }


def _is_restricted_word(q: query.Query) -> bool:
    forms = _forms(q)
    return bool(forms) and type(forms[0]) is WrittenTerm and _is_word_forms(forms)


def _forms(q: query.Query) -> list:
    """The terms of a word: ``q`` itself or the terms of its OR."""
    return list(q.subqueries) if type(q) is query.Or else [q]


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
            present = np.flatnonzero(candidates)
        index, form, docs = _postings_in(segment, ordinals[group], candidates, present)
        if not len(index):
            return None
        candidates = _mask(docs, segment.size)
        kept[group] = (index, form, docs)
    # The last mask is the documents having every group; earlier groups kept more.
    result = []
    for index, form, docs in kept:
        inside = candidates[docs]
        result.append((index[inside], form[inside], docs[inside]))
    return result


def _postings_in(segment: _Segment, ordinals: np.ndarray, candidates, present):
    """``(index, form, docs)`` of the postings of the terms ``ordinals`` (see
    :func:`_phrase_postings`) in the documents of the mask ``candidates`` (all, if
    None). With ``present`` (the candidates' numbers, sorted), each candidate is
    looked up in each term's sorted documents; else every posting is read and
    kept or dropped by the mask."""
    side = segment.side
    pointers, all_docs = side["terms.pointers"], side["terms.docs"]
    starts = pointers[ordinals].astype(np.int64)
    ends = pointers[ordinals + 1].astype(np.int64)
    bounds = zip(starts.tolist(), ends.tolist(), strict=True)
    if present is not None:
        wanted = present.astype(all_docs.dtype)
        index, form = [], []
        for number, (start, end) in enumerate(bounds):
            docs = all_docs[start:end]
            at = docs.searchsorted(wanted)
            at = at[at < len(docs)]  # a tail: ``wanted`` is sorted
            at = at[docs[at] == wanted[: len(at)]]
            index.append(at + start)
            form.append(np.full(len(at), number))
        index, form = np.concatenate(index), np.concatenate(form)
        return index, form, all_docs[index]
    pieces = [all_docs[start:end] for start, end in bounds]
    docs = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
    if candidates is None:
        chosen = np.arange(len(docs))
    else:
        chosen = np.flatnonzero(candidates[docs])
        docs = docs[chosen]
    firsts = _starts(ends - starts)
    form = np.searchsorted(firsts, chosen, "right") - 1
    return starts[form] + chosen - firsts[form], form, docs


def _positions(segment: _Segment, index, ordinal, numbered: bool = False) -> tuple:
    """The positions of the postings ``index`` (numbers into the flat arrays, term by
    term and each term's in order) of terms ``ordinal`` (one per posting), and the
    number in ``index`` of the posting each is of (int64 arrays); ``numbered``, also
    each one's number in ``terms.positions`` (where the forward index of written
    forms has the number of the word's form).

    Positions are stored term by term, posting after posting: a posting's come after
    its term's first position plus the frequencies of the term's earlier postings,
    added up to the last posting wanted only. A term with many postings wanted, most
    of those up to its last, has its positions read as one slice and the others
    dropped, which costs less than reading them run by run."""
    if not len(index):
        nothing = np.empty(0, dtype=np.int64)
        return (nothing, nothing, nothing) if numbered else (nothing, nothing)
    side = segment.side
    pointers, freqs = side["terms.pointers"], side["terms.freqs"]
    position_pointers = side["terms.position_pointers"]
    changes = np.flatnonzero(ordinal[1:] != ordinal[:-1]) + 1
    lows = np.concatenate(([0], changes))
    highs = np.concatenate((changes, [len(index)]))
    terms = ordinal[lows]
    starts = pointers[terms].astype(np.int64)
    needed = index[highs - 1] - starts + 1  # the term's postings up to the last wanted
    whole = ((highs - lows) * 2 >= needed) & (needed >= _ONE_RUN)
    positions, owners, occurrences = [], [], []
    for group in np.flatnonzero(whole).tolist():
        low, high, start = int(lows[group]), int(highs[group]), int(starts[group])
        counts = freqs[start : start + int(needed[group])].astype(np.int64)
        first = int(position_pointers[terms[group]])
        positions.append(side.gather_run("terms.positions", first, int(counts.sum())))
        occurrences.append(np.arange(first, first + len(positions[-1])) if numbered else None)
        number = np.full(len(counts), -1, dtype=np.int64)
        number[index[low:high] - start] = np.arange(low, high)
        owner = np.repeat(number, counts)
        if high - low < len(counts):
            wanted = owner >= 0
            positions[-1], owner = positions[-1][wanted], owner[wanted]
            if numbered:
                occurrences[-1] = occurrences[-1][wanted]
        owners.append(owner)
    # Terms of many postings, few of them wanted: from their running sums, kept.
    kept = ~whole & (needed >= _ONE_RUN)
    for group in np.flatnonzero(kept).tolist():
        low, high, term = int(lows[group]), int(highs[group]), int(terms[group])
        running = segment.position_starts(term)
        chosen = index[low:high] - starts[group]
        first = running[chosen].astype(np.int64)
        counts = running[chosen + 1].astype(np.int64) - first
        first += int(position_pointers[term])
        positions.append(side.gather_runs("terms.positions", first, counts))
        occurrences.append(ranges(first, counts)[0] if numbered else None)
        owners.append(np.repeat(np.arange(low, high), counts))
    if not (whole | kept).all():
        # The other terms together, their postings run by run, in the order the
        # terms' positions are stored.
        groups = np.flatnonzero(~(whole | kept))
        groups = groups[np.argsort(terms[groups], kind="stable")]
        bounds = zip(starts[groups].tolist(), needed[groups].tolist(), strict=True)
        prefix = np.concatenate([freqs[start : start + count] for start, count in bounds])
        before = np.concatenate(([0], np.cumsum(prefix, dtype=np.int64)))
        block = np.concatenate(([0], np.cumsum(needed[groups])))[:-1]  # each term's in prefix
        taken, group_of = ranges(lows[groups], (highs - lows)[groups])
        at = block[group_of] + index[taken] - starts[groups][group_of]
        counts = before[at + 1] - before[at]
        first = position_pointers[terms[groups]].astype(np.int64)[group_of]
        first += before[at] - before[block[group_of]]
        positions.append(side.gather_runs("terms.positions", first, counts))
        occurrences.append(ranges(first, counts)[0] if numbered else None)
        owners.append(np.repeat(taken, counts))
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
    posting each is of (else None)."""
    side = segment.side
    pointers = side["terms.pointers"]
    whole = len(index) == np.sum(pointers[ordinal + 1] - pointers[ordinal].astype(np.int64))
    if whole and not positions:
        # Every posting of the word's terms (a word alone): each term's slice, in order.
        keep = np.concatenate([segment.term_accepted(test, term) for term in ordinal.tolist()])
        # Accepted occurrences per posting: the running count at each posting's end.
        counts = side["terms.freqs"][index].astype(np.int64)
        tf = np.diff(np.cumsum(keep)[np.cumsum(counts) - 1], prepend=0)
        left = tf > 0
        return index[left], form[left], docs[left], tf[left], None
    found, owner, occurrences = _positions(segment, index, ordinal[form], numbered=True)
    terms, term_of = np.unique(ordinal, return_inverse=True)  # a word's few forms
    keep = segment.accepted(test, terms, term_of[form][owner], occurrences)
    tf = np.bincount(owner[keep], minlength=len(index))
    left = tf > 0
    accepted = None
    if positions:
        renumber = np.cumsum(left) - 1
        accepted = (found[keep], renumber[owner[keep]])
    return index[left], form[left], docs[left], tf[left], accepted


@lru_cache(maxsize=_ORDINAL_CACHE_LIMIT)
def _passes(test: WrittenTest, written: str) -> bool:
    """Whether ``written``, a form of the forward index, passes ``test``: one verdict
    for every segment. "" is a position with no word, which Whoosh's path skips."""
    return bool(written) and test.accepts(written)


def _position_keys(docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``doc << 32 | position`` of each position and its document, leaving out the
    negative positions (a phrase's k-th word, moved back by k)."""
    keep = positions >= 0
    return (docs[keep].astype(np.int64) << 32) | positions[keep]


def _word_spans(segment: _Segment, forms: list, candidates: np.ndarray):
    """The spans of one word (any of its ``forms``, plain or all restricted by one
    written test) in the ``candidates`` documents (a mask): ``(keys, ends)``, keys
    ``doc << 32 | position`` sorted (twice where two forms are readings of one word),
    each span one position long."""
    ordinals = [segment.ordinal("terms", word.text.encode("utf-8")) for word in forms]
    ordinals = np.array([ordinal for ordinal in ordinals if ordinal >= 0], dtype=np.int64)
    index, form, docs = _postings_in(segment, ordinals, candidates, None)
    test = getattr(forms[0], "test", None)
    if test is None:
        positions, owner = _positions(segment, index, ordinals[form])
    else:
        *_, docs, _, (positions, owner) = _restricted(segment, index, form, docs, ordinals, test)
    keys = _sorted(_position_keys(docs[owner], positions))
    return keys, keys & _POSITION


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
        distinct = keys[np.flatnonzero(np.diff(keys, prepend=-1))]
        near = np.diff(distinct) <= slop
        return np.concatenate((distinct[:-1][near], distinct[1:][near])) >> 32
    docs = keys & ~_POSITION
    last = len(other_keys) - 1
    after = other_keys.searchsorted(docs | ends, "right")
    found = other_keys[np.minimum(after, last)] - (docs | ends) <= slop
    found &= after <= last
    end_keys = _sorted(other_keys & ~_POSITION | other_ends)
    before = end_keys.searchsorted(keys, "left") - 1
    found |= (before >= 0) & (keys - end_keys[np.maximum(before, 0)] <= slop)
    return keys[found] >> 32


def _near(first, second, slop: int):
    """Every span joining one of ``first`` with one of ``second`` (in the same document)
    that lies 1 to ``slop`` positions before or after it: from the start of the one to
    the end of the other, sorted by start and unique."""
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
    order = np.lexsort((joined_ends, joined))
    joined, joined_ends = joined[order], joined_ends[order]
    first_of_each = np.ones(len(joined), dtype=bool)
    first_of_each[1:] = (joined[1:] != joined[:-1]) | (joined_ends[1:] != joined_ends[:-1])
    return joined[first_of_each], joined_ends[first_of_each]


def _sorted(values: np.ndarray) -> np.ndarray:
    """``values`` sorted: often they are already (one term's keys, in document
    and position order), and checking costs less than sorting."""
    if len(values) > 1 and np.any(values[1:] < values[:-1]):
        return np.sort(values)
    return values


def _in_sorted(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """A mask of the ``values`` found in ``sorted_values``."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_values, values)
    at[at == len(sorted_values)] = 0
    return sorted_values[at] == values


def _among(ids: np.ndarray, others: np.ndarray, size: int) -> np.ndarray:
    """A mask of the document numbers ``ids`` found in ``others`` (numbers below ``size``):
    a scatter and a gather, cheaper than searching sorted arrays."""
    return _mask(others, size)[ids]


def _mask(ids: np.ndarray, size: int) -> np.ndarray:
    """A mask of ``size`` documents, true at ``ids``."""
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    return present


def _materialize(result, segment: _Segment) -> _Matches:
    if isinstance(result, _Matches):
        return result
    everything = segment.universe()
    ids = everything[~_among(everything, result.excluded.ids, segment.size)]
    return _Matches(ids, np.ones(len(ids), dtype=np.float64))


def _plus(matches: _Matches, optional: _Matches, segment: _Segment) -> _Matches:
    """``matches`` with the scores of ``optional`` added where it matches too (AND MAYBE)."""
    if not len(optional.ids):
        return matches
    extra = np.zeros(segment.size, dtype=np.float64)
    extra[optional.ids] = optional.scores
    return _Matches(matches.ids, matches.scores + extra[matches.ids])


def _without(matches: _Matches, excluded: _Matches, size: int) -> _Matches:
    keep = ~_among(matches.ids, excluded.ids, size)
    return _Matches(matches.ids[keep], matches.scores[keep])


def _union(parts: list[_Matches], size: int) -> _Matches:
    parts = [part for part in parts if len(part.ids)]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([part.ids for part in parts])
    scores = np.concatenate([part.scores for part in parts])
    return _summed(ids, scores, size)


def _summed(ids: np.ndarray, scores: np.ndarray, size: int) -> _Matches:
    """Each document of ``ids`` once, sorted, with its ``scores`` added in their order."""
    if len(ids) * 8 < size:
        unique, inverse = np.unique(ids, return_inverse=True)
        return _Matches(unique, np.bincount(inverse, weights=scores, minlength=len(unique)))
    present = np.flatnonzero(np.bincount(ids, minlength=size))
    return _Matches(present, np.bincount(ids, weights=scores, minlength=size)[present])


def _intersection(children: list, segment: _Segment) -> _Matches:
    positive = [child for child in children if isinstance(child, _Matches)]
    negative = [child.excluded for child in children if isinstance(child, _Complement)]
    if positive:
        positive.sort(key=lambda part: len(part.ids))
        result = positive[0]
        for other in positive[1:]:
            if not len(result.ids):
                break
            scores = np.zeros(segment.size, dtype=np.float64)
            present = np.zeros(segment.size, dtype=bool)
            scores[other.ids] = other.scores
            present[other.ids] = True
            found = present[result.ids]
            ids = result.ids[found]
            result = _Matches(ids, result.scores[found] + scores[ids])
    else:
        ids = segment.universe()
        result = _Matches(ids, np.zeros(len(ids), dtype=np.float64))
    for excluded in negative:
        result = _without(result, excluded, segment.size)
        result = _Matches(result.ids, result.scores + 1.0)
    return result


def _top(ids: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of the ``limit`` best scores, best first, ties by lower document number."""
    candidates = np.arange(len(ids))
    if len(ids) > limit:
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        candidates = np.flatnonzero(scores >= threshold)
    order = np.lexsort((ids[candidates], -scores[candidates]))
    return candidates[order[:limit]]
